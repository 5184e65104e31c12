package server_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/server"
)

type slowInput struct {
	Body struct {
		Name string `json:"name"`
	}
}

type slowOutput struct {
	Body struct {
		Name string `json:"name"`
	}
}

// A handler that works longer than the body's read deadline keeps its
// request: the deadline bounds reading the body, not the work after it. The
// server reads JSON bodies before huma does, so huma's deadline lands on
// net/http's background read, whose timeout cancels the request.
func TestLongHandlerOutlivesBodyReadDeadline(t *testing.T) {
	logs := &syncBuffer{}
	s := server.New(server.Config{Version: "t", Logger: slog.New(slog.NewTextHandler(logs, nil))})
	var handlerErr error
	httpapi.Register(s.API, auth.Anonymous, huma.Operation{
		OperationID: "slow", Method: http.MethodPost, Path: "/api/slow",
		BodyReadTimeout: 100 * time.Millisecond,
	}, func(ctx context.Context, in *slowInput) (*slowOutput, error) {
		select {
		case <-ctx.Done():
			handlerErr = context.Cause(ctx)
			return nil, handlerErr
		case <-time.After(600 * time.Millisecond):
		}
		out := &slowOutput{}
		out.Body.Name = in.Body.Name
		return out, nil
	})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	res, err := http.Post(srv.URL+"/api/slow", "application/json", strings.NewReader(`{"name":"long"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || handlerErr != nil {
		t.Fatalf("status %d, handler context: %v; want 200 and a live context", res.StatusCode, handlerErr)
	}
}

// Every 499 and 5xx leaves a log line that names its operation.
func TestFailedRequestsAreLoggedWithTheirOperation(t *testing.T) {
	logs := &syncBuffer{}
	s := server.New(server.Config{Version: "t", Logger: slog.New(slog.NewTextHandler(logs, nil))})
	for _, op := range []struct {
		id  string
		err error
	}{{"client-left", context.Canceled}, {"broken", errors.New("disk on fire")}} {
		httpapi.Register(s.API, auth.Anonymous, huma.Operation{OperationID: op.id, Method: http.MethodPost, Path: "/api/" + op.id},
			func(ctx context.Context, in *slowInput) (*slowOutput, error) { return nil, op.err })
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for path, want := range map[string]int{"/api/client-left": 499, "/api/broken": 500} {
		res, err := http.Post(srv.URL+path, "application/json", strings.NewReader(`{"name":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("%s: status %d, want %d", path, res.StatusCode, want)
		}
	}
	out := logs.String()
	for _, line := range []string{`operation=client-left method=POST path=/api/client-left status=499`, `operation=broken method=POST path=/api/broken status=500`} {
		if !strings.Contains(out, line) {
			t.Errorf("log lacks %q:\n%s", line, out)
		}
	}
}

// A client that leaves while its request fails with an error of another
// kind (a database connection cut with the request) is logged as 499, not
// as a failure of the server.
func TestClientGoneWithAnotherErrorIsNoServerError(t *testing.T) {
	logs := &syncBuffer{}
	s := server.New(server.Config{Version: "t", Logger: slog.New(slog.NewTextHandler(logs, nil))})
	entered := make(chan struct{})
	httpapi.Register(s.API, auth.Anonymous, huma.Operation{OperationID: "cut", Method: http.MethodPost, Path: "/api/cut"},
		func(ctx context.Context, in *slowInput) (*slowOutput, error) {
			close(entered)
			<-ctx.Done()
			return nil, driver.ErrBadConn
		})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-entered; cancel() }()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/cut", strings.NewReader(`{"name":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the request was answered (%d) after its client left", res.StatusCode)
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "operation=cut"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line for the request:\n%s", logs.String())
		}
	}
	time.Sleep(50 * time.Millisecond) // the request's own log line follows the handler's
	out := logs.String()
	if !strings.Contains(out, "path=/api/cut status=499") || strings.Contains(out, "status=500") {
		t.Fatalf("want status 499 and no server error:\n%s", out)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
