package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"
)

// figures are what one load run measured.
type figures struct {
	rps float64
	p99 time.Duration
	// errors counts requests that failed at the socket (wrk's timeouts:
	// an answer slower than 10 s); they are not in rps.
	errors int
}

// loader drives one URL with the run's connections for the run's duration.
type loader interface {
	name() string
	run(url, token string) (figures, error)
}

func newLoader(o options) loader {
	if path, err := exec.LookPath(o.wrk); err == nil {
		return wrkLoader{path: path, o: o}
	}
	return goLoader{o: o}
}

// wrkLoader runs wrk and reads its summary.
type wrkLoader struct {
	path string
	o    options
}

func (wrkLoader) name() string { return "wrk" }

var (
	wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkP99     = regexp.MustCompile(`\s99%\s+([0-9.]+)(us|ms|s)\b`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	wrkSockErr = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

func (w wrkLoader) run(url, token string) (figures, error) {
	threads := min(w.o.threads, w.o.conns)
	cmd := exec.Command(w.path, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(w.o.conns),
		"-d", fmt.Sprintf("%.0fs", max(1, w.o.duration.Seconds())), "--timeout", "10s", "--latency", "-H", "Authorization: Bearer "+token, url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return figures{}, fmt.Errorf("wrk: %w: %s", err, stderr.String())
	}
	if m := wrkNon2xx.FindSubmatch(out); m != nil {
		return figures{}, fmt.Errorf("wrk: %s responses were not 2xx", m[1])
	}
	var f figures
	if m := wrkSockErr.FindSubmatch(out); m != nil {
		for _, n := range m[1:] {
			v, _ := strconv.Atoi(string(n))
			f.errors += v
		}
	}
	rps := wrkRPS.FindSubmatch(out)
	p99 := wrkP99.FindSubmatch(out)
	if rps == nil || p99 == nil {
		return figures{}, fmt.Errorf("wrk printed no figures: %s", out)
	}
	f.rps, _ = strconv.ParseFloat(string(rps[1]), 64)
	v, _ := strconv.ParseFloat(string(p99[1]), 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(p99[2])]
	f.p99 = time.Duration(v * float64(unit))
	return f, nil
}

// goLoader is the load generator used when wrk is not installed: one
// goroutine per connection, each sending its next request when the answer
// is read.
type goLoader struct{ o options }

func (goLoader) name() string { return "an in-process load generator (wrk was not found)" }

func (g goLoader) run(url, token string) (figures, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: g.o.conns, MaxConnsPerHost: g.o.conns, DisableCompression: true}}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), g.o.duration)
	defer cancel()
	var (
		mu       sync.Mutex
		lat      []time.Duration
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range g.o.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for ctx.Err() == nil {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t := time.Now()
				res, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return figures{}, firstErr
	}
	if len(lat) == 0 {
		return figures{}, fmt.Errorf("no request completed in %s", g.o.duration)
	}
	slices.Sort(lat)
	return figures{rps: float64(len(lat)) / elapsed.Seconds(), p99: lat[(len(lat)*99)/100]}, nil
}
