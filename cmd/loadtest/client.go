package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// client is one user's view of the API: a server and an API token.
type client struct {
	http  *http.Client
	base  string
	token string
	stats *stats
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request and records its latency under class. Transport
// errors and answers outside 2xx (but for those in expected) count as errors.
func (c *client) do(ctx context.Context, class, method, path string, body any, header map[string]string, expected ...int) (*response, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(raw)
	}
	// A request once sent runs to its answer, also past the end of the
	// run: users stop between requests, not in the middle of one.
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		c.stats.fail(class, fmt.Sprintf("%s %s: %v", method, route(path), err))
		return nil, err
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		c.stats.fail(class, fmt.Sprintf("%s %s: reading the answer: %v", method, route(path), err))
		return nil, err
	}
	c.stats.observe(class, elapsed)
	out := &response{status: res.StatusCode, header: res.Header, body: raw}
	if res.StatusCode/100 == 2 {
		return out, nil
	}
	for _, s := range expected {
		if res.StatusCode == s {
			return out, nil
		}
	}
	c.stats.fail(class, fmt.Sprintf("%s %s: %d %s", method, route(path), res.StatusCode, snippet(raw)))
	return nil, fmt.Errorf("%s %s: %d", method, path, res.StatusCode)
}

// get reads path into v (when not nil) as a read.
func (c *client) get(ctx context.Context, path string, v any) (*response, error) {
	res, err := c.do(ctx, classRead, http.MethodGet, path, nil, nil)
	if err != nil {
		return nil, err
	}
	if v != nil {
		if err := json.Unmarshal(res.body, v); err != nil {
			c.stats.fail(classRead, fmt.Sprintf("GET %s: decode: %v", route(path), err))
			return nil, err
		}
	}
	return res, nil
}

// follow reads a job's event stream to its terminal event and returns that
// event's name. It records the time to the first event under classSSE.
func (c *client) follow(ctx context.Context, path string) (string, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "text/event-stream")
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		c.stats.fail(classSSE, fmt.Sprintf("GET %s: %v", route(path), err))
		return "", 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(res.Body)
		c.stats.fail(classSSE, fmt.Sprintf("GET %s: %d %s", route(path), res.StatusCode, snippet(raw)))
		return "", 0, fmt.Errorf("GET %s: %d", path, res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	events, event := 0, ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case line == "" && event != "":
			if events == 0 {
				c.stats.observe(classSSE, time.Since(start))
			}
			events++
			switch event {
			case "completed", "failed", "cancelled":
				return event, events, nil
			}
			event = ""
		}
	}
	err = sc.Err()
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	if ctx.Err() != nil {
		return "", events, ctx.Err()
	}
	c.stats.fail(classSSE, fmt.Sprintf("GET %s: stream ended after %d events without a terminal one: %v", route(path), events, err))
	return "", events, err
}

// etagVersion reads the version out of an ETag ("12" or W/"12").
func etagVersion(etag string) (int64, error) {
	v := strings.Trim(strings.TrimPrefix(strings.TrimSpace(etag), "W/"), `"`)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, errors.New("not a version ETag: " + etag)
	}
	return n, nil
}

// route is path with its numbers replaced, so that errors of one operation
// group together.
func route(path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if _, err := strconv.ParseInt(p, 10, 64); err == nil {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
