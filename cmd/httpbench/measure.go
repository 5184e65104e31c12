package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// endpoint is one request measured.
type endpoint struct {
	name, path string
}

type result struct {
	endpoint
	bytes                 int
	bare, real            figures
	loadBefore, loadAfter string
}

func (r result) ratio() float64 {
	if r.bare.rps == 0 {
		return 0
	}
	return r.real.rps / r.bare.rps
}

const (
	adminEmail    = "bench@example.com"
	adminPassword = "bench-password-not-secret"
)

// measureEngine starts imaphub on engine, fills it and measures every
// endpoint against the bare server.
func measureEngine(o options, load loader, engine string, log io.Writer) (res []result, err error) {
	dir, err := os.MkdirTemp("", "httpbench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	defer func() {
		if err != nil {
			if b, _ := os.ReadFile(filepath.Join(dir, "server.log")); len(b) > 0 {
				fmt.Fprintf(log, "server log (last 4 KiB):\n%s\n", b[max(0, len(b)-4096):])
			}
		}
	}()
	env := []string{"IMAPHUB_DATA_DIR=" + dir, "IMAPHUB_WORKERS=0", "IMAPHUB_LOG_LEVEL=warn", "IMAPHUB_COOKIE_SECURE=false",
		"IMAPHUB_ADMIN_EMAIL=" + adminEmail, "IMAPHUB_ADMIN_PASSWORD=" + adminPassword, "IMAPHUB_DATABASE_URL="}
	if engine == "postgres" {
		url, drop, err := postgresSchema(os.Getenv("IMAPHUB_TEST_POSTGRES_URL"))
		if err != nil {
			return nil, err
		}
		defer drop()
		env[len(env)-1] = "IMAPHUB_DATABASE_URL=" + url
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(o.bin, "serve", "--demo")
	cmd.Env = append(os.Environ(), append(env, "IMAPHUB_ADDR="+addr)...)
	// The server's log (a request cut when a load run ends is logged as
	// 499) stays in the data directory; it is shown when the run fails.
	serverLog, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer serverLog.Close()
	cmd.Stdout, cmd.Stderr = serverLog, serverLog
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	base := "http://" + addr
	if err := waitReady(base); err != nil {
		return nil, err
	}
	token, err := createToken(o.bin, append(os.Environ(), env...))
	if err != nil {
		return nil, err
	}
	c := &client{base: base, token: token, http: &http.Client{Timeout: time.Minute}}
	fmt.Fprintf(log, "%s: imaphub pid %d on %s; filling\n", engine, cmd.Process.Pid, addr)
	eps, err := fill(c, o.quick, o.only)
	if err != nil {
		return nil, err
	}

	bare := newBareServer(o.bareRaw)
	bareLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	bareSrv := &http.Server{Handler: bare, ReadHeaderTimeout: 10 * time.Second}
	go bareSrv.Serve(bareLn)
	defer bareSrv.Close()
	bareBase := "http://" + bareLn.Addr().String()

	var out []result
	for _, ep := range eps {
		if o.only != "" && !strings.Contains(ep.name, o.only) {
			continue
		}
		body, header, err := c.get(ep.path)
		if err != nil {
			return out, fmt.Errorf("%s: %w", ep.name, err)
		}
		if err := bare.set(ep.path, body, header.Get("Content-Type")); err != nil {
			return out, fmt.Errorf("%s: %w", ep.name, err)
		}
		r := result{endpoint: ep, bytes: len(body), loadBefore: loadAverage()}
		if r.bare, err = load.run(bareBase+ep.path, token); err != nil {
			return out, fmt.Errorf("%s (bare): %w", ep.name, err)
		}
		if r.real, err = load.run(base+ep.path, token); err != nil {
			return out, fmt.Errorf("%s: %w", ep.name, err)
		}
		r.loadAfter = loadAverage()
		fmt.Fprintf(log, "%-28s %7d B  bare %8.0f req/s p99 %-9s  imaphub %8.0f req/s p99 %-9s  ratio %.2f  (load %s)\n",
			ep.name, r.bytes, r.bare.rps, fmtDur(r.bare.p99), r.real.rps, fmtDur(r.real.p99), r.ratio(), r.loadAfter)
		out = append(out, r)
	}
	return out, nil
}

// bareServer answers each measured path with the bytes imaphub sent for it.
type bareServer struct {
	raw   bool                                // write the bytes as they are, without encoding/json
	pages atomic.Pointer[map[string]barePage] // replaced whole by set: requests read without a lock
}

type barePage struct {
	body        []byte
	contentType string
	length      string // of what is written: the body, or its compact form and a newline
}

func newBareServer(raw bool) *bareServer {
	b := &bareServer{raw: raw}
	b.pages.Store(&map[string]barePage{})
	return b
}

// set adds a page between load runs; connections of an earlier run may
// still be served meanwhile, so the map is copied, never changed in place.
func (b *bareServer) set(path string, body []byte, contentType string) error {
	n := len(body)
	if !b.raw {
		var buf bytes.Buffer
		if err := json.Compact(&buf, body); err != nil {
			return fmt.Errorf("not JSON: %w", err)
		}
		n = buf.Len() + 1
	}
	pages := maps.Clone(*b.pages.Load())
	pages[path] = barePage{body: body, contentType: contentType, length: strconv.Itoa(n)}
	b.pages.Store(&pages)
	return nil
}

func (b *bareServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, ok := (*b.pages.Load())[r.URL.RequestURI()]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", p.contentType)
	w.Header().Set("Content-Length", p.length)
	if b.raw {
		_, _ = w.Write(p.body)
		return
	}
	// The document goes through encoding/json as a raw message: it is
	// checked and copied as it stands, the least a JSON server does.
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(json.RawMessage(p.body))
}

// client calls the API with a bearer token.
type client struct {
	base, token string
	http        *http.Client
}

func (c *client) do(method, path string, body any, headers ...string) (int, []byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, res.Header, err
}

func (c *client) get(path string) ([]byte, http.Header, error) {
	status, b, h, err := c.do(http.MethodGet, path, nil)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d: %.300s", path, status, b)
	}
	return b, h, err
}

// post sends a write and decodes its answer into out.
func (c *client) post(path string, body, out any, headers ...string) error {
	status, b, _, err := c.do(http.MethodPost, path, body, headers...)
	if err != nil {
		return err
	}
	if status >= 300 {
		return fmt.Errorf("POST %s: status %d: %.300s", path, status, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func createToken(bin string, env []string) (string, error) {
	cmd := exec.Command(bin, "tokens", "create", "--user", adminEmail, "--name", "httpbench")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("imaphub tokens create: %w: %s", err, stderr.String())
	}
	lines := strings.Fields(strings.TrimSpace(string(out)))
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], "imh_") {
		return "", fmt.Errorf("imaphub tokens create printed no token: %q", out)
	}
	return lines[len(lines)-1], nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitReady(base string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("server at %s not ready", base)
}

// postgresSchema makes an empty schema for the run and returns a URL that
// selects it, and the function that drops it.
func postgresSchema(base string) (string, func(), error) {
	return db.TempSchema(context.Background(), base, "httpbench")
}

// loadAverage is the first three fields of /proc/loadavg ("" elsewhere).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}
