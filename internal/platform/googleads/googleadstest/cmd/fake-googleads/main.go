// Command fake-googleads serves the googleadstest fake Google Ads API and
// OAuth token endpoint on a local port, for browser tests and manual runs:
//
//	go run ./internal/platform/googleads/googleadstest/cmd/fake-googleads -addr 127.0.0.1:8090
//
// It prints the IMAPHUB_GOOGLEADS_* variables that reach it (the default
// accounts: manager 1234567890 over the clients 1111111111 and 2222222222, a
// test account). -developer-token-ignored plays the API since the developer
// token sunset (header optional and ignored). Faults are queued while it runs:
//
//	curl -X POST localhost:8090/_fake/faults -d '[{"call":"mutate","kind":"temporary_quota","retry_delay":"2s"}]'
//
// (kinds: temporary_quota, daily_quota, unavailable, internal,
// deadline_exceeded, lose_answer, drop_request, slow with "delay": "5s"), and
// GET /_fake/requests lists what it received. Everything stored has daily
// statistics (metrics.*, segments.date) to download; -populate stores
// campaigns without publishing them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	ignored := flag.Bool("developer-token-ignored", false, "treat the developer-token header as Google does since 9 September 2026 (optional, ignored)")
	pageSize := flag.Int("page-size", 10000, "rows per search page and stream batch")
	populate := flag.Int("populate", 0, "store this many search campaigns (10 ad groups, 5 keywords and an ad each) and half as many Performance Max campaigns in 1111111111, with daily statistics to download")
	flag.Parse()

	fake := googleadstest.New()
	if *ignored {
		fake.SetDeveloperTokenRule(googleadstest.DeveloperTokenIgnored)
	}
	fake.SetPageSize(*pageSize)
	if *populate > 0 {
		fake.Populate(googleadstest.ClientAccountID, googleadstest.Population{SearchCampaigns: *populate, AdGroups: 10, Keywords: 5, PMaxCampaigns: (*populate + 1) / 2, AssetGroups: 2})
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	env := map[string]string{
		"IMAPHUB_GOOGLEADS_API_URL":           base,
		"IMAPHUB_GOOGLEADS_API_VERSION":       googleadstest.Version,
		"IMAPHUB_GOOGLEADS_TOKEN_URL":         base + "/token",
		"IMAPHUB_GOOGLEADS_CLIENT_ID":         googleadstest.ClientID,
		"IMAPHUB_GOOGLEADS_CLIENT_SECRET":     googleadstest.ClientSecret,
		"IMAPHUB_GOOGLEADS_REFRESH_TOKEN":     googleadstest.RefreshToken,
		"IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID": googleadstest.ManagerID,
		"IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN":   googleadstest.DeveloperToken,
	}
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Printf("fake Google Ads listening on %s; use:\n", base)
	for _, k := range names {
		fmt.Printf("  export %s=%s\n", k, env[k])
	}

	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
