package app_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// Clients that go away mid-request — while the server queries, or while it
// writes the answer, as a load generator does when its run ends — leave no
// broken database connection behind: no request fails with a 500 while they
// do, and every request after them succeeds.
func TestClientsGoneMidRequestLeaveTheDatabaseUsable(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartOpts(t, d, apptest.Options{}) // no workers: the jobs stay queued
		for i := range 40 {
			var c struct {
				ID      int64 `json:"id"`
				Version int64 `json:"version"`
			}
			e.Must(t, http.StatusCreated, "POST", "/api/campaigns", map[string]any{"name": fmt.Sprintf("Winterreifen %02d", i), "type": "SEARCH",
				"budget_micros": 50_000_000, "currency": "EUR", "languages": []string{"de"}, "locations": []string{"DE"},
				"final_url": "https://reifen-mueller.example/winter", "brief": map[string]any{"product": "Winterreifen"}}).JSON(t, &c)
			e.Must(t, http.StatusAccepted, "POST", fmt.Sprintf("/api/campaigns/%d/generate", c.ID), map[string]any{}, "If-Match", fmt.Sprintf(`"%d"`, c.Version))
			e.Must(t, http.StatusCreated, "POST", "/api/assets", map[string]any{"text": fmt.Sprintf("Winterreifen Angebot %02d mit Montage", i), "language": "de"})
		}
		lists := []string{"/api/jobs?limit=%d", "/api/assets?q=reifen&limit=%d", "/api/campaigns?limit=%d", "/api/assets?limit=%d"}
		token := "Bearer " + e.Tokens[auth.Viewer]
		// get sends one request; cut > 0 cancels it after that long (the
		// limit varies, so most pages are built rather than kept).
		get := func(path string, cut time.Duration) (int, error) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if cut > 0 {
				time.AfterFunc(cut, cancel)
			}
			req, _ := http.NewRequestWithContext(ctx, "GET", e.Server.URL+path, nil)
			req.Header.Set("Authorization", token)
			res, err := e.Server.Client().Do(req)
			if err != nil {
				return 0, err
			}
			defer res.Body.Close()
			_, err = io.Copy(io.Discard, res.Body)
			return res.StatusCode, err
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failed []string
		for c := range 32 {
			wg.Go(func() {
				rnd := rand.New(rand.NewPCG(uint64(c), 1))
				for i := range 60 {
					path := fmt.Sprintf(lists[(c+i)%len(lists)], 1+rnd.IntN(200))
					status, err := get(path, time.Duration(rnd.IntN(30000))*time.Microsecond)
					if err == nil && status != http.StatusOK {
						mu.Lock()
						failed = append(failed, fmt.Sprintf("%s: %d", path, status))
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		if len(failed) > 0 {
			t.Errorf("answers while clients left: %v", failed)
		}
		// A load generator that ends its run cuts every connection at once,
		// while the server is querying for some and others wait for a
		// database connection; the requests that come next meet the
		// server still busy with those.
		for round := range 12 {
			ctx, cut := context.WithCancel(context.Background())
			for i := range 48 {
				wg.Go(func() {
					req, _ := http.NewRequestWithContext(ctx, "GET", e.Server.URL+fmt.Sprintf(lists[i%len(lists)], 200-round), nil)
					req.Header.Set("Authorization", token)
					if res, err := e.Server.Client().Do(req); err == nil {
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				})
			}
			time.Sleep(time.Duration(5+round*4) * time.Millisecond)
			cut()
			for i := range 8 {
				wg.Go(func() {
					p := fmt.Sprintf(lists[i%len(lists)], 100-round*8-i%8)
					if status, err := get(p, 0); err != nil || status != http.StatusOK {
						mu.Lock()
						failed = append(failed, fmt.Sprintf("%s: %d %v", p, status, err))
						mu.Unlock()
					}
				})
			}
			wg.Wait()
		}
		// Every connection of the pool is used again, at once and one by one.
		for round := range 2 {
			for i, path := range lists {
				wg.Go(func() {
					for n := range 16 {
						p := fmt.Sprintf(path, 1+(round*64+i*16+n)%200)
						if status, err := get(p, 0); err != nil || status != http.StatusOK {
							mu.Lock()
							failed = append(failed, fmt.Sprintf("%s: %d %v", p, status, err))
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
		}
		if len(failed) > 0 {
			t.Fatalf("after the clients left: %v\nserver log:\n%s", failed, e.Logs.String())
		}
	})
}
