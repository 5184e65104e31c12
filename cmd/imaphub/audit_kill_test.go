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
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// A server killed with SIGKILL in the middle of a burst of writes leaves an
// audit entry for exactly the changes that committed: every campaign that
// exists has its create entry, and every create entry its campaign.
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
			killDuringWrites(t, engine, bin)
		})
	}
}

func killDuringWrites(t *testing.T, engine db.Engine, bin string) {
	ctx := context.Background()
	dir, url, d := migratedDatabase(t, ctx, engine)
	users := auth.NewService(d, auth.Argon2Params{Time: 1, MemoryK: 1024, Threads: 1})
	u, err := users.CreateUser(ctx, "editor@example.com", "Editor", auth.Editor, "")
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := users.CreateToken(ctx, u.ID, "burst", nil, nil)
	if err != nil {
		t.Fatal(err)
	}

	var acked sync.Map // id → true, for every 201 the client saw
	var n atomic.Int64
	for round := range 3 {
		burstUntilKilled(t, bin, dir, url, token, round, &acked, &n)
	}

	// All four figures come from one statement, so one snapshot: on
	// PostgreSQL a COMMIT the killed server sent just before it died may
	// still land while the test reads, and figures read one by one would
	// count its campaign in one and its entry in the next.
	var campaigns, entries, orphans, missing int
	if err := d.Read().QueryRow(ctx, `SELECT
		(SELECT count(*) FROM campaigns),
		(SELECT count(*) FROM audit_log WHERE action = 'create-campaign'),
		(SELECT count(*) FROM campaigns c WHERE NOT EXISTS
			(SELECT 1 FROM audit_log a WHERE a.action = 'create-campaign' AND a.entity = 'campaigns' AND a.entity_id = `+castText(engine, "c.id")+` AND a.actor = 'editor@example.com')),
		(SELECT count(*) FROM audit_log a WHERE a.action = 'create-campaign' AND NOT EXISTS
			(SELECT 1 FROM campaigns c WHERE `+castText(engine, "c.id")+` = a.entity_id))`).Scan(&campaigns, &entries, &missing, &orphans); err != nil {
		t.Fatal(err)
	}
	lost := 0
	acked.Range(func(id, _ any) bool {
		var one int
		if d.Read().QueryRow(ctx, `SELECT 1 FROM campaigns WHERE id = ?`, id).Scan(&one) != nil {
			lost++
		}
		return true
	})
	t.Logf("%d acknowledged, %d campaigns stored, %d create entries", n.Load(), campaigns, entries)
	if entries != campaigns {
		// Name the campaigns with more than one create entry, with each
		// entry, so a failure says which write was recorded twice.
		rows, err := d.Read().Query(ctx, `SELECT a.id, a.entity_id, CAST(a.at AS TEXT), a.status FROM audit_log a WHERE a.action = 'create-campaign'
			AND a.entity_id IN (SELECT entity_id FROM audit_log WHERE action = 'create-campaign' GROUP BY entity_id HAVING count(*) > 1) ORDER BY a.entity_id, a.id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var entity string
			var at string
			var status int
			if err := rows.Scan(&id, &entity, &at, &status); err != nil {
				t.Fatal(err)
			}
			t.Logf("entry %d for campaign %s at %s, status %d", id, entity, at, status)
		}
		rows.Close()
	}
	if missing != 0 || orphans != 0 || entries != campaigns || lost != 0 {
		t.Errorf("%d campaigns without their audit entry, %d entries without their campaign, %d acknowledged creates lost", missing, orphans, lost)
	}
}

func castText(engine db.Engine, col string) string {
	if engine == db.Postgres {
		return col + "::text"
	}
	return "CAST(" + col + " AS TEXT)"
}

// burstUntilKilled starts the server on the data, has eight writers create
// campaigns, and kills the server with SIGKILL under them.
func burstUntilKilled(t *testing.T, bin, dir, url, token string, round int, acked *sync.Map, n *atomic.Int64) {
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
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("server not ready")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Eight writers create campaigns until the server dies under them.
	want := n.Load() + 40
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				body := fmt.Sprintf(`{"name":"Burst %d-%d-%d","type":"SEARCH","budget_micros":1000000,"currency":"EUR","languages":["de"],"locations":["DE"]}`, round, w, i)
				req, _ := http.NewRequest("POST", base+"/api/campaigns", bytes.NewBufferString(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				res.Body.Close()
				if res.StatusCode == http.StatusCreated {
					loc := res.Header.Get("Location")
					id, _ := strconv.ParseInt(loc[len("/api/campaigns/"):], 10, 64)
					acked.Store(id, true)
					n.Add(1)
				}
			}
		})
	}
	for n.Load() < want {
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	wg.Wait()

}
