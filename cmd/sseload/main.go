// Command sseload measures the job event streams of a real `imaphub serve`
// process: it holds thousands of concurrent SSE streams, reports the server's
// resident memory per idle stream, then appends events from a separate
// process (as `imaphub worker` would) and reports delivery latency.
//
//	go run ./cmd/sseload -bin bin/imaphub -streams 5000
//
// With IMAPHUB_DATABASE_URL set it runs on PostgreSQL (LISTEN/NOTIFY);
// otherwise on SQLite in a temporary data directory. It prints figures and
// asserts nothing.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

type loadArgs struct{}

func (loadArgs) Kind() string { return "sse_load" }

type loadWorker struct{ river.WorkerDefaults[loadArgs] }

func (loadWorker) Work(context.Context, *river.Job[loadArgs]) error { return nil }

func main() {
	bin := flag.String("bin", "bin/imaphub", "the imaphub binary")
	streams := flag.Int("streams", 5000, "concurrent event streams")
	jobCount := flag.Int("jobs", 50, "jobs the streams watch (streams are spread over them)")
	rounds := flag.Int("rounds", 20, "events appended to every job")
	gap := flag.Duration("gap", 250*time.Millisecond, "time between rounds")
	settle := flag.Duration("settle", 15*time.Second, "idle time before measuring memory")
	flag.Parse()
	if err := run(*bin, *streams, *jobCount, *rounds, *gap, *settle); err != nil {
		fmt.Fprintln(os.Stderr, "sseload:", err)
		os.Exit(1)
	}
}

func run(bin string, streams, jobCount, rounds int, gap, settle time.Duration) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sseload")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	url := os.Getenv("IMAPHUB_DATABASE_URL")
	d, err := db.Open(ctx, db.Config{URL: url, DataDir: dir})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := app.Migrate(ctx, d); err != nil {
		return err
	}
	users := auth.NewService(d, auth.Argon2Params{Time: 1, MemoryK: 1024, Threads: 1})
	u, err := users.CreateUser(ctx, fmt.Sprintf("load-%d@example.com", time.Now().UnixNano()), "load", auth.Viewer, "")
	if err != nil {
		return err
	}
	_, token, err := users.CreateToken(ctx, u.ID, "sseload", nil, nil)
	if err != nil {
		return err
	}
	ws := jobs.NewWorkers()
	river.AddWorker(ws, loadWorker{})
	runner, err := jobs.New(ctx, d, ws, jobs.Config{}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	ids := make([]int64, jobCount)
	for i := range ids {
		err := d.InTx(ctx, func(tx db.Conn) error {
			res, err := runner.InsertTx(ctx, tx, loadArgs{}, &river.InsertOpts{ScheduledAt: time.Now().Add(24 * time.Hour)}, jobs.Owner{Kind: "sse_load"})
			if err == nil {
				ids[i] = res.Job.ID
			}
			return err
		})
		if err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "IMAPHUB_DATA_DIR="+dir, "IMAPHUB_ADDR="+addr, "IMAPHUB_WORKERS=0", "IMAPHUB_LOG_LEVEL=warn", "IMAPHUB_PPROF_ADDR=127.0.0.1:16060",
		"IMAPHUB_ADMIN_EMAIL=admin@example.com", "IMAPHUB_ADMIN_PASSWORD=not-used-by-the-load-test")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base := "http://" + addr
	if err := waitReady(base); err != nil {
		return err
	}
	fmt.Printf("server pid %d on %s (%s), %d jobs\n", cmd.Process.Pid, addr, d.Engine, jobCount)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true}}
	var mu sync.Mutex
	var lat []time.Duration
	var received atomic.Int64
	// open holds one stream; it reports on ready once the stream is
	// established (or failed) and then keeps reading until the server ends it.
	open := func(i int, ready chan<- error) {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/jobs/%d/events", base, ids[i%jobCount]), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			ready <- err
			return
		}
		defer res.Body.Close()
		if res.StatusCode != 200 {
			ready <- fmt.Errorf("stream %d: status %d", i, res.StatusCode)
			return
		}
		sc := bufio.NewScanner(res.Body)
		first := true
		for sc.Scan() {
			line := sc.Text()
			if first && strings.HasPrefix(line, ": job") {
				first = false
				ready <- nil
				continue
			}
			if rest, ok := strings.CutPrefix(line, "data: "); ok {
				var p struct {
					Sent int64 `json:"sent"`
				}
				if json.Unmarshal([]byte(rest), &p) == nil && p.Sent > 0 {
					l := time.Since(time.Unix(0, p.Sent))
					mu.Lock()
					lat = append(lat, l)
					mu.Unlock()
					received.Add(1)
				}
			}
		}
	}

	// Warm up with a few streams, then measure the server at rest.
	ready := make(chan error, streams)
	const warm = 20
	for i := 0; i < warm; i++ {
		go open(i, ready)
	}
	for i := 0; i < warm; i++ {
		if err := <-ready; err != nil {
			return err
		}
	}
	time.Sleep(time.Second)
	before, err := rss(cmd.Process.Pid)
	if err != nil {
		return err
	}
	start := time.Now()
	// At most 256 connections are being set up at any moment.
	inflight := 0
	next := warm
	for connected := warm; connected < streams; {
		for inflight < 256 && next < streams {
			go open(next, ready)
			next++
			inflight++
		}
		if err := <-ready; err != nil {
			return err
		}
		inflight--
		connected++
	}
	fmt.Printf("%d streams open in %s\n", streams, time.Since(start).Round(time.Millisecond))
	// Idle long enough for the server's garbage collector and scavenger to
	// settle: the figure is what idle streams hold, not set-up garbage.
	time.Sleep(settle)
	after, err := rss(cmd.Process.Pid)
	if err != nil {
		return err
	}
	per := float64(after-before) / float64(streams-warm)
	fmt.Printf("server RSS: %d KiB with %d streams, %d KiB with %d: %.1f KiB per idle stream (target ≤ 32 KiB)\n", before, warm, after, streams, per)

	// Events appended by this process, as a separate worker would.
	for r := 0; r < rounds; r++ {
		for _, id := range ids {
			if err := d.InTx(ctx, func(tx db.Conn) error {
				_, err := jobs.AppendTx(ctx, tx, id, jobs.EventProgress, map[string]any{"done": r + 1, "total": rounds, "message": "load", "sent": time.Now().UnixNano()})
				return err
			}); err != nil {
				return err
			}
		}
		time.Sleep(gap)
	}
	want := int64(streams * rounds)
	deadline := time.Now().Add(30 * time.Second)
	for received.Load() < want && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(lat)
	if len(lat) == 0 {
		return fmt.Errorf("no events delivered")
	}
	pct := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
	fmt.Printf("delivered %d of %d events: p50 %s, p99 %s, max %s (target p99 ≤ 100ms)\n", len(lat), want,
		pct(0.5).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond), lat[len(lat)-1].Round(time.Millisecond))
	return nil
}

func waitReady(base string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("server not ready")
}

// rss reads a process's resident set size in KiB.
func rss(pid int) (int64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}
