package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for the schema of a run

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// postgresEnv names the PostgreSQL server a postgres run creates its schema in.
const postgresEnv = "IMAPHUB_TEST_POSTGRES_URL"

// config is what one run does.
type config struct {
	bin           string
	engine        string
	users         int
	duration      time.Duration
	think         time.Duration
	serves        int
	worker        bool
	teamSize      int
	generateShare float64
	editShare     float64
	readP99       time.Duration
	out           string
	pprof         string
	demo          bool
}

// cluster is the processes under load and what they were started on.
type cluster struct {
	dir    string
	url    string // empty: SQLite in dir
	bases  []string
	procs  []*exec.Cmd
	llm    *http.Server
	log    io.Writer
	drop   func()
	tokens []string
}

// startCluster prepares a fresh database (migrated, with the demo account
// when asked and one editor with an API token per user), the scripted model,
// the serve instances and the worker.
func startCluster(ctx context.Context, cfg config, log io.Writer) (c *cluster, err error) {
	c = &cluster{log: log}
	defer func() {
		if err != nil {
			c.stop()
		}
	}()
	if c.dir, err = os.MkdirTemp("", "imaphub-load-"); err != nil {
		return c, err
	}
	if cfg.engine == "postgres" {
		if c.url, c.drop, err = freshSchema(ctx); err != nil {
			return c, err
		}
	}
	if err := c.prepare(ctx, cfg); err != nil {
		return c, err
	}
	llm, err := c.startModel()
	if err != nil {
		return c, err
	}
	env := []string{
		"IMAPHUB_DATA_DIR=" + c.dir, "IMAPHUB_DATABASE_URL=" + c.url, "IMAPHUB_LOG_LEVEL=warn",
		"IMAPHUB_LLM_BASE_URL=" + llm, "IMAPHUB_LLM_MODEL=scripted", "IMAPHUB_LLM_API_KEY=load",
	}
	for i := range cfg.serves {
		e := env
		if cfg.worker {
			e = append(e, "IMAPHUB_WORKERS=0")
		}
		if i == 0 && cfg.pprof != "" {
			e = append(e, "IMAPHUB_PPROF_ADDR="+cfg.pprof)
		}
		base, err := c.startServe(ctx, cfg.bin, e)
		if err != nil {
			return c, fmt.Errorf("serve %d: %w", i+1, err)
		}
		c.bases = append(c.bases, base)
	}
	if cfg.worker {
		cmd := exec.Command(cfg.bin, "worker")
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			return c, fmt.Errorf("worker: %w", err)
		}
		go func() { _ = cmd.Wait() }()
		c.procs = append(c.procs, cmd)
	}
	return c, nil
}

// freshSchema creates a schema of its own for the run in the database of
// IMAPHUB_TEST_POSTGRES_URL and returns a URL selecting it and a function
// that drops it.
func freshSchema(ctx context.Context) (string, func(), error) {
	base := os.Getenv(postgresEnv)
	if base == "" {
		return "", nil, fmt.Errorf("-engine postgres: %s is not set", postgresEnv)
	}
	return db.TempSchema(ctx, base, "load")
}

// prepare migrates the database, loads the demo account and creates the
// users, each an editor with an API token.
func (c *cluster) prepare(ctx context.Context, cfg config) error {
	d, err := db.Open(ctx, db.Config{URL: c.url, DataDir: c.dir})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := app.Migrate(ctx, d); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if cfg.demo {
		cmd := exec.CommandContext(ctx, cfg.bin, "demo")
		cmd.Env = append(os.Environ(), "IMAPHUB_DATA_DIR="+c.dir, "IMAPHUB_DATABASE_URL="+c.url, "IMAPHUB_LOG_LEVEL=warn")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("imaphub demo: %w\n%s", err, out)
		}
	}
	users := auth.NewService(d, auth.Argon2Params{Time: 1, MemoryK: 1024, Threads: 1})
	for i := range cfg.users {
		u, err := users.CreateUser(ctx, fmt.Sprintf("load-%03d@example.com", i), fmt.Sprintf("Load %d", i), auth.Editor, "")
		if err != nil {
			return fmt.Errorf("create user %d: %w", i, err)
		}
		_, token, err := users.CreateToken(ctx, u.ID, "load", nil, nil)
		if err != nil {
			return fmt.Errorf("create token of user %d: %w", i, err)
		}
		c.tokens = append(c.tokens, token)
	}
	return nil
}

// startModel serves the scripted OpenAI-compatible model on a loopback port;
// it fills every requested field with numbered items.
func (c *cluster) startModel() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	words := []string{"Angebot", "Beratung", "Service", "Qualität", "Vorteil", "Auswahl", "Lieferung", "Preis"}
	h := aitest.NewHandler(aitest.Fill(func(field string, n int) string {
		w := words[n%len(words)]
		switch {
		case strings.HasPrefix(field, "path"):
			return fmt.Sprintf("Solar%d", n%1000)
		case strings.HasPrefix(field, "description"):
			return fmt.Sprintf("%s für Ihr Projekt, Variante %d. Jetzt vergleichen", w, n+1)
		}
		return fmt.Sprintf("%s %d", w, n+1)
	}))
	c.llm = &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = c.llm.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/v1", nil
}

// startServe starts one `imaphub serve` on a free loopback port and waits
// until it is ready.
func (c *cluster) startServe(ctx context.Context, bin string, env []string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(append(os.Environ(), env...), "IMAPHUB_ADDR="+addr, "IMAPHUB_ADMIN_EMAIL=admin@example.com")
	cmd.Stdout, cmd.Stderr = c.log, c.log
	if err := cmd.Start(); err != nil {
		return "", err
	}
	c.procs = append(c.procs, cmd)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	base := "http://" + addr
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if res, err := client.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base, nil
			}
		}
		select {
		case err := <-exited:
			return "", fmt.Errorf("exited before ready: %v", err)
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return "", errors.New("not ready within 60 s")
		}
	}
}

// stop ends the processes (SIGTERM, then SIGKILL after 10 s), the model and
// the schema, and removes the data directory.
func (c *cluster) stop() {
	for _, p := range c.procs {
		if p.Process != nil {
			_ = p.Process.Signal(syscall.SIGTERM)
		}
	}
	for _, p := range c.procs {
		if p.Process == nil {
			continue
		}
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) && p.Process.Signal(syscall.Signal(0)) == nil {
			time.Sleep(50 * time.Millisecond)
		}
		_ = p.Process.Kill()
	}
	if c.llm != nil {
		_ = c.llm.Close()
	}
	if c.drop != nil {
		c.drop()
	}
	if c.dir != "" {
		_ = os.RemoveAll(c.dir)
	}
}
