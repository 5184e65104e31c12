package authapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/auth/authapi"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// checkRetryAfter fails unless a 429 names, in whole seconds within the
// window, when to try again, in the header and the problem document alike.
func checkRetryAfter(t *testing.T, r *apptest.Response) {
	t.Helper()
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > int(auth.LoginWindow.Seconds()) {
		t.Errorf("429 with Retry-After %q, want 1..%d seconds", r.Header.Get("Retry-After"), int(auth.LoginWindow.Seconds()))
		return
	}
	if body := r.Map(t); body["retry_after_seconds"] != float64(secs) {
		t.Errorf("problem retry_after_seconds = %v, header %d", body["retry_after_seconds"], secs)
	}
}

// 29 wrong passwords sent at once: only as many are checked as the limit
// allows; every other one is a 429 with Retry-After.
func TestParallelWrongPasswordsAreCountedBeforeTheCheck(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		var wg sync.WaitGroup
		answers := make(chan *apptest.Response, 29)
		for i := range 29 {
			wg.Go(func() { answers <- login(t, e, browser(t), "admin@example.com", fmt.Sprintf("wrong password %d", i)) })
		}
		wg.Wait()
		close(answers)
		status := map[int]int{}
		for r := range answers {
			status[r.Status]++
			if r.Status == 429 {
				checkRetryAfter(t, r)
			}
		}
		if status[401] != auth.MaxFailsPerAccountClient || status[429] != 29-auth.MaxFailsPerAccountClient {
			t.Errorf("answers %v, want %d × 401 and the rest 429", status, auth.MaxFailsPerAccountClient)
		}
	})
}

// An attacker guessing the admin's password from one address cannot lock the
// admin out: the admin signs in from another address meanwhile.
func TestGuessingFromOneAddressDoesNotLockOutTheOwner(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
		e := apptest.StartWith(t, d, authapi.Config{Mode: "local", TrustedProxies: []*net.IPNet{loopback}})
		from := func(addr, password string) *apptest.Response {
			return e.Send(t, browser(t), "POST", "/api/auth/login", map[string]string{"email": "admin@example.com", "password": password}, "X-Forwarded-For", addr)
		}
		for i := range 20 {
			r := from("203.0.113.7", fmt.Sprintf("guess %d", i))
			switch {
			case i < auth.MaxFailsPerAccountClient && r.Status != 401:
				t.Fatalf("guess %d: %d, want 401", i, r.Status)
			case i >= auth.MaxFailsPerAccountClient && r.Status != 429:
				t.Fatalf("guess %d: %d, want 429", i, r.Status)
			case r.Status == 429:
				checkRetryAfter(t, r)
			}
		}
		if r := from("198.51.100.9", apptest.Password); r.Status != 200 {
			t.Errorf("the owner from another address: %d %s, want 200", r.Status, r.Body)
		}
		if r := from("203.0.113.7", apptest.Password); r.Status != 429 {
			t.Errorf("the right password from the guessing address: %d, want 429", r.Status)
		}
	})
}

// Signing out deletes the cookie and leaves no session behind: not the old
// one, and no fresh anonymous one in its place.
func TestSignOutLeavesNoSession(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		c := browser(t)
		if r := login(t, e, c, "editor@example.com", apptest.Password); r.Status != 200 {
			t.Fatalf("login: %d", r.Status)
		}
		if n := countRows(t, d, "sessions"); n != 1 {
			t.Fatalf("%d sessions after sign-in", n)
		}
		r := e.Send(t, c, "POST", "/api/auth/logout", nil)
		if r.Status != 204 {
			t.Fatalf("logout: %d %s", r.Status, r.Body)
		}
		if ck := sessionCookie(t, r); ck.Value != "" || ck.MaxAge >= 0 {
			t.Errorf("logout cookie %q (max-age %d), want it deleted", ck.Value, ck.MaxAge)
		}
		if n := countRows(t, d, "sessions"); n != 0 {
			t.Errorf("%d sessions stored after sign-out, want 0", n)
		}
		if s := e.Send(t, c, "GET", "/api/me", nil).Status; s != 401 {
			t.Errorf("after sign-out: %d", s)
		}
	})
}

// The sessions table holds only the SHA-256 of each session id: what a
// database reader sees there does not work as a cookie.
func TestSessionIdsAreStoredHashed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		ck := sessionCookie(t, login(t, e, browser(t), "viewer@example.com", apptest.Password))
		var stored string
		if err := d.WriteDB().QueryRow(`SELECT token FROM sessions`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(ck.Value))
		if stored != hex.EncodeToString(sum[:]) {
			t.Errorf("stored session id %q is not the SHA-256 of the cookie", stored)
		}
		use := func(v string) int {
			return e.Send(t, http.DefaultClient, "GET", "/api/me", nil, "Cookie", "imaphub_session="+v).Status
		}
		if s := use(ck.Value); s != 200 {
			t.Errorf("the cookie: %d", s)
		}
		if s := use(stored); s != 401 {
			t.Errorf("the stored value as a cookie: %d, want 401", s)
		}
	})
}

func countRows(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.WriteDB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
