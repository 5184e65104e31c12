// Command scripted-llm serves the aitest scripted model on a local port, so
// browser tests and manual runs can point IMAPHUB_LLM_BASE_URL at it.
//
//	go run ./internal/platform/ai/aitest/cmd/scripted-llm -addr 127.0.0.1:8089
//	IMAPHUB_LLM_BASE_URL=http://127.0.0.1:8089/v1 IMAPHUB_LLM_MODEL=scripted …
//
// Without -script it fills every requested field with numbered items. With
// -script FILE it plays a JSON array of aitest.Reply objects in order
// ({"Content": "...", "Status": 429, "RetryAfter": "1", "FinishReason": "length"}),
// hostile ones too: {"Status": 429, "RetryAfter": "120"}, {"Status": 429,
// "RetryAfterMs": "1500"}, {"Status": 400, "Content": "Invalid schema for
// response_format …", "ErrorType": "invalid_request_error"}, {"Status": 502,
// "ErrorBody": "<html>bad gateway</html>"}, {"DelayMS": 5000, "Content": …}
// (a slow model) and {"Hang": true} (a model that never answers).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8089", "listen address")
	script := flag.String("script", "", "JSON file with an array of replies to play in order")
	flag.Parse()

	responder := aitest.Fill(func(field string, n int) string {
		return fmt.Sprintf("%s %d", strings.ToUpper(field[:1])+strings.TrimSuffix(field[1:], "s"), n+1)
	})
	if *script != "" {
		raw, err := os.ReadFile(*script)
		if err != nil {
			return fmt.Errorf("read script: %w", err)
		}
		var replies []aitest.Reply
		if err := json.Unmarshal(raw, &replies); err != nil {
			return fmt.Errorf("decode script %s: %w", *script, err)
		}
		responder = aitest.Script(replies...)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: aitest.NewHandler(responder), ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("scripted LLM listening on http://%s/v1", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
