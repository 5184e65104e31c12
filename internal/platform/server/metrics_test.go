package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/server"
)

const metricsToken = "metrics-token-0123456789"

func getMetrics(t *testing.T, url, authorization string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/metrics", nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// /metrics shows traffic and sign-in failures: it is closed to anonymous
// callers, open to the metrics token and to whom the guard admits.
func TestMetricsOnTheAPIListener(t *testing.T) {
	admit := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer admin" {
				http.Error(w, "no", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	for _, c := range []struct {
		name  string
		cfg   server.Config
		auth  string
		wants int
	}{
		{"nothing configured, anonymous", server.Config{}, "", http.StatusUnauthorized},
		{"nothing configured, a guess", server.Config{}, "Bearer " + metricsToken, http.StatusUnauthorized},
		{"token, right", server.Config{MetricsToken: metricsToken}, "Bearer " + metricsToken, http.StatusOK},
		{"token, wrong", server.Config{MetricsToken: metricsToken}, "Bearer " + metricsToken + "x", http.StatusUnauthorized},
		{"token, absent", server.Config{MetricsToken: metricsToken}, "", http.StatusUnauthorized},
		{"guard admits", server.Config{MetricsToken: metricsToken, MetricsGuard: admit}, "Bearer admin", http.StatusOK},
		{"guard refuses", server.Config{MetricsGuard: admit}, "Bearer someone", http.StatusForbidden},
		{"own listener", server.Config{MetricsAddr: "127.0.0.1:0", MetricsToken: metricsToken}, "Bearer " + metricsToken, http.StatusNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(server.New(c.cfg).Handler())
			defer srv.Close()
			if got := getMetrics(t, srv.URL, c.auth); got != c.wants {
				t.Errorf("status %d, want %d", got, c.wants)
			}
		})
	}
}

func TestMetricsOnTheirOwnListener(t *testing.T) {
	for _, token := range []string{"", metricsToken} {
		s := server.New(server.Config{MetricsAddr: "127.0.0.1:0", MetricsToken: token})
		ln, err := s.ListenMetrics()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.ServeMetrics(ctx, ln) }()
		url := "http://" + ln.Addr().String()
		if token == "" {
			if got := getMetrics(t, url, ""); got != http.StatusOK {
				t.Errorf("no token: status %d, want 200", got)
			}
		} else {
			if got := getMetrics(t, url, ""); got != http.StatusUnauthorized {
				t.Errorf("token set, none sent: status %d, want 401", got)
			}
			if got := getMetrics(t, url, "Bearer "+token); got != http.StatusOK {
				t.Errorf("token sent: status %d, want 200", got)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
