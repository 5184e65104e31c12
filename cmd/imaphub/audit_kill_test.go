package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// serveWriters is how many clients write at once in the serving campaign.
const serveWriters = 16

// TestAuditEntriesCommitWithTheirChangesAcrossKill is the serving crash
// campaign: IMAPHUB_SERVE_CRASH_ROUNDS times (default 3, `make reliability`
// 20) per engine, the server is killed with SIGKILL at a random moment under
// sixteen clients creating campaigns and ad groups, and started again. After
// every kill the database passes the integrity check, every write a client
// got a 2xx for is there with its audit entry, and the audit log holds an
// entry for exactly the changes that committed: every campaign and ad group
// that exists has its create entry, and every create entry its row.
func TestAuditEntriesCommitWithTheirChangesAcrossKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := testBinary(t)
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			if engine == db.Postgres && os.Getenv(dbtest.PostgresEnv) == "" {
				t.Skipf("%s is not set", dbtest.PostgresEnv)
			}
			serveCampaign(t, engine, bin)
		})
	}
}

// acked is a write a client got a 2xx for.
type acked struct {
	action string // the audit action: create-campaign, create-ad-group
	id     int64
}

func serveCampaign(t *testing.T, engine db.Engine, bin string) {
	ctx := context.Background()
	rounds := crashRounds(t, envServeRounds, 3)
	rng, seed := crashRand(t)
	res := newCrashResult("serve", engine, seed, rounds, "IMAPHUB_WORKERS=0", strconv.Itoa(serveWriters)+" clients writing at once")
	defer res.write(t)
	dir, url, d := migratedDatabase(t, ctx, engine)
	res.setVersion(t, ctx, d)
	users := auth.NewService(d, auth.Argon2Params{Time: 1, MemoryK: 1024, Threads: 1})
	u, err := users.CreateUser(ctx, "editor@example.com", "Editor", auth.Editor, "")
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := users.CreateToken(ctx, u.ID, "burst", nil, nil)
	if err != nil {
		t.Fatal(err)
	}

	srv, _ := startServe(t, bin, dir, url)
	var all []acked
	for round := range rounds {
		// The kill comes after a random number of acknowledged writes,
		// with writes of every client in flight.
		killAfter := 10 + rng.IntN(300)
		got, inFlight := burstUntilKilled(t, srv, token, round, killAfter)
		all = append(all, got...)
		res.update(func(r *crashResult) {
			if inFlight > 0 {
				r.KillsMidWork++
			}
			r.Acknowledged += len(got)
		})
		res.checkIntegrity(t, ctx, d)
		missing, missingAudit := checkAcknowledged(t, ctx, d, got)
		res.update(func(r *crashResult) { r.Missing += missing; r.MissingAudit += missingAudit })
		if missing+missingAudit > 0 {
			res.failf(t, "round %d: %d acknowledged writes lost, %d without their audit entry", round+1, missing, missingAudit)
		}
		checkAuditMatchesRows(t, ctx, d, res)
		var recovery time.Duration
		srv, recovery = startServe(t, bin, dir, url)
		res.update(func(r *crashResult) {
			r.RecoveryMillis = append(r.RecoveryMillis, float64(recovery.Microseconds())/1000)
		})
	}
	// After the last restart, everything acknowledged in any round is
	// still there with its entry.
	if missing, missingAudit := checkAcknowledged(t, ctx, d, all); missing+missingAudit > 0 {
		res.failf(t, "at the end: %d acknowledged writes lost, %d without their audit entry", missing, missingAudit)
	}
	srv.Process.Signal(syscall.SIGTERM)
	srv.Wait()
	t.Logf("%d writes acknowledged over %d kills", len(all), rounds)
}

// serveProc is a running server.
type serveProc struct {
	*exec.Cmd
	base string
}

// startServe starts the server on the data and waits until it is ready; it
// returns how long that took.
func startServe(t *testing.T, bin, dir, url string) (*serveProc, time.Duration) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "IMAPHUB_DATA_DIR="+dir, "IMAPHUB_DATABASE_URL="+url, "IMAPHUB_ADDR="+addr,
		"IMAPHUB_WORKERS=0", "IMAPHUB_LOG_LEVEL=error", "IMAPHUB_ADMIN_EMAIL=admin@example.com")
	cmd.Stderr = os.Stderr
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := "http://" + addr
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := started.Add(30 * time.Second); ; {
		if res, err := client.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("server not ready within 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return &serveProc{Cmd: cmd, base: base}, time.Since(started)
}

// burstUntilKilled has serveWriters clients create campaigns, each with two
// ad groups, and kills the server with SIGKILL under them once killAfter
// writes were acknowledged. It returns the acknowledged writes and how many
// requests were in flight at the kill.
func burstUntilKilled(t *testing.T, srv *serveProc, token string, round, killAfter int) ([]acked, int64) {
	t.Helper()
	var mu sync.Mutex
	var got []acked
	var n, inFlight atomic.Int64
	client := &http.Client{Timeout: 10 * time.Second}
	post := func(path, body string) (int64, bool) {
		req, _ := http.NewRequest("POST", srv.base+path, bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		inFlight.Add(1)
		res, err := client.Do(req)
		inFlight.Add(-1)
		if err != nil {
			return 0, false // the server is gone
		}
		res.Body.Close()
		if res.StatusCode/100 != 2 {
			return 0, true
		}
		loc := res.Header.Get("Location")
		id, err := strconv.ParseInt(loc[strings.LastIndexByte(loc, '/')+1:], 10, 64)
		if err != nil {
			t.Errorf("%s answered %d with Location %q", path, res.StatusCode, loc)
			return 0, false
		}
		return id, true
	}
	var wg sync.WaitGroup
	for w := range serveWriters {
		wg.Go(func() {
			for i := 0; ; i++ {
				id, ok := post("/api/campaigns", fmt.Sprintf(`{"name":"Burst %d-%d-%d","type":"SEARCH","budget_micros":1000000,"currency":"EUR","languages":["de"],"locations":["DE"]}`, round, w, i))
				if !ok {
					return
				}
				if id == 0 {
					continue
				}
				mu.Lock()
				got = append(got, acked{"create-campaign", id})
				mu.Unlock()
				n.Add(1)
				for g := range 2 {
					gid, ok := post("/api/ad-groups", fmt.Sprintf(`{"campaign_id":%d,"name":"Gruppe %d"}`, id, g+1))
					if !ok {
						return
					}
					if gid != 0 {
						mu.Lock()
						got = append(got, acked{"create-ad-group", gid})
						mu.Unlock()
						n.Add(1)
					}
				}
			}
		})
	}
	for deadline := time.Now().Add(2 * time.Minute); n.Load() < int64(killAfter); {
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged in 2 minutes", n.Load())
		}
		time.Sleep(time.Millisecond)
	}
	flying := inFlight.Load()
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	wg.Wait()
	return got, flying
}

// checkAcknowledged counts the acknowledged writes whose row is missing, and
// those whose row is there without its audit entry.
func checkAcknowledged(t *testing.T, ctx context.Context, d *db.DB, writes []acked) (missing, missingAudit int) {
	t.Helper()
	ids := func(query string) map[string]bool {
		rows, err := d.Read().Query(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]bool{}
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			out[a+" "+b] = true
		}
		return out
	}
	stored := ids(`SELECT 'create-campaign', ` + castText(d.Engine, "id") + ` FROM campaigns UNION ALL SELECT 'create-ad-group', ` + castText(d.Engine, "id") + ` FROM ad_groups`)
	entries := ids(`SELECT action, entity_id FROM audit_log WHERE action IN ('create-campaign', 'create-ad-group') AND actor = 'editor@example.com'`)
	for _, w := range writes {
		key := w.action + " " + strconv.FormatInt(w.id, 10)
		switch {
		case !stored[key]:
			missing++
		case !entries[key]:
			missingAudit++
		}
	}
	return missing, missingAudit
}

// checkAuditMatchesRows wants a create entry for every campaign and ad group
// and a row for every create entry.
func checkAuditMatchesRows(t *testing.T, ctx context.Context, d *db.DB, res *crashResult) {
	t.Helper()
	for _, c := range []struct{ table, action, entity string }{{"campaigns", "create-campaign", "campaigns"}, {"ad_groups", "create-ad-group", "ad groups"}} {
		// All figures come from one statement, so one snapshot: on
		// PostgreSQL a COMMIT the killed server sent just before it died
		// may still land while the test reads, and figures read one by one
		// would count its row in one and its entry in the next.
		var rows, entries, orphans, missing int
		if err := d.Read().QueryRow(ctx, `SELECT
			(SELECT count(*) FROM `+c.table+`),
			(SELECT count(*) FROM audit_log WHERE action = ?),
			(SELECT count(*) FROM `+c.table+` r WHERE NOT EXISTS
				(SELECT 1 FROM audit_log a WHERE a.action = ? AND a.entity = ? AND a.entity_id = `+castText(d.Engine, "r.id")+` AND a.actor = 'editor@example.com')),
			(SELECT count(*) FROM audit_log a WHERE a.action = ? AND NOT EXISTS
				(SELECT 1 FROM `+c.table+` r WHERE `+castText(d.Engine, "r.id")+` = a.entity_id))`,
			c.action, c.action, c.entity, c.action).Scan(&rows, &entries, &missing, &orphans); err != nil {
			t.Fatal(err)
		}
		if missing != 0 || orphans != 0 || entries != rows {
			res.failf(t, "%s: %d rows, %d create entries; %d rows without their entry, %d entries without their row", c.table, rows, entries, missing, orphans)
		}
	}
}

func castText(engine db.Engine, col string) string {
	if engine == db.Postgres {
		return col + "::text"
	}
	return "CAST(" + col + " AS TEXT)"
}
