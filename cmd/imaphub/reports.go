package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/googleads"
)

const reportsHelp = `Usage: imaphub reports download --customer CID --from YYYY-MM-DD --to YYYY-MM-DD [--levels campaign,keyword,…]

Downloads an account's Google Ads reports for a range of days into the
database: per day the campaign, ad group, ad, keyword, asset group and asset
reports (responsive search ad assets and Performance Max asset group assets,
with Google's performance labels), over googleAds:searchStream. Rows are
upserted by day and entity: downloading a range again changes only what
Google changed (late conversions). Each day and level is printed as it
finishes, then the totals.

The server does the same daily for every connected account (yesterday and
IMAPHUB_REPORTS_LOOKBACK_DAYS days before it, default 7) and on request
(POST /api/reports/downloads).

Google Ads is configured with IMAPHUB_GOOGLEADS_* (README, "Connect Google Ads").

Exit status: 0 downloaded; 1 the download failed (the days and batches
finished before the failure stay stored; run it again to complete it); 2 bad
usage or Google Ads not connected.`

// runReports is `imaphub reports`.
func runReports(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := stderr
		if len(args) > 0 {
			w = stdout
		}
		fmt.Fprintln(w, reportsHelp)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "download" {
		fmt.Fprintf(stderr, "imaphub reports: unknown subcommand %q (want download)\n", args[0])
		return 2
	}
	return runReportsDownload(ctx, args[1:], stdout, stderr)
}

func runReportsDownload(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reports download", flag.ContinueOnError)
	customer := fs.String("customer", "", "the Google Ads account, ten digits (dashes allowed; required)")
	from := fs.String("from", "", "first day, YYYY-MM-DD (required)")
	to := fs.String("to", "", "last day, YYYY-MM-DD, at most today (required)")
	levels := fs.String("levels", "", "only these levels, comma-separated ("+levelNames()+"); default all")
	timeout := fs.Duration("timeout", 6*time.Hour, "how long the download may take")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), reportsHelp+"\n\nFlags:")
		fs.PrintDefaults()
	}
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "imaphub reports download: "+format+"\n", a...)
		return code
	}
	req := reporting.DownloadRequest{CustomerID: *customer}
	for _, f := range []struct {
		name, v string
		dst     *reporting.Day
	}{{"--from", *from, &req.From}, {"--to", *to, &req.To}} {
		if f.v == "" {
			return fail(2, "%s: give the day as YYYY-MM-DD", f.name)
		}
		d, err := reporting.ParseDay(f.v)
		if err != nil {
			return fail(2, "%s: %v", f.name, err)
		}
		*f.dst = d
	}
	if *customer == "" {
		return fail(2, "--customer: give the account's customer id (ten digits)")
	}
	if *levels != "" {
		for _, l := range strings.Split(*levels, ",") {
			req.Levels = append(req.Levels, reporting.Level(strings.TrimSpace(l)))
		}
	}
	if err := req.Check(reporting.DayOf(time.Now())); err != nil {
		return fail(2, "%s", strings.NewReplacer("customer_id:", "--customer:", "from:", "--from:", "to:", "--to:", "levels", "--levels").Replace(err.Error()))
	}
	cfg, err := loadConfig()
	if err != nil {
		return fail(2, "%v", err)
	}
	if !cfg.GoogleAds.Connected() {
		return fail(2, "%v", &googleads.NotConnectedError{Missing: cfg.GoogleAds.Missing()})
	}
	cfg.Jobs.Workers = 0 // the download runs here, not as a job
	a, _, err := openAppWith(ctx, cfg)
	if err != nil {
		return fail(1, "%v", err)
	}
	defer a.DB.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	fmt.Fprintf(stdout, "Downloading reports of %s, %s … %s (%d days).\n", formatCustomerID(mustInt(strings.ReplaceAll(*customer, "-", ""))), req.From, req.To, int(req.To-req.From)+1)
	dayRows := 0
	res, err := a.ReportDownloads.Download(ctx, req, func(p reporting.DownloadProgress) {
		dayRows += p.Rows
		if p.DayDone {
			fmt.Fprintf(stdout, "  %d/%d %s: %d rows\n", p.Done, p.Total, p.Day, dayRows)
			dayRows = 0
		}
	})
	if err != nil {
		msg := problemText(err)
		if advice := googleads.Advice(err); advice != "" && !strings.Contains(msg, "fix:") {
			msg += "\n  fix: " + advice
		}
		var cut *googleads.StreamCutError
		if errors.As(err, &cut) || res.Rows > 0 {
			msg += fmt.Sprintf("\n  %d rows stored before the failure stay; run the same command again to complete the range.", res.Rows)
		}
		return fail(1, "%s", msg)
	}
	t := res.Totals
	fmt.Fprintf(stdout, "Downloaded %d rows (%d new or changed) in %s.\n", res.Rows, res.Written, res.Elapsed.Round(time.Millisecond))
	for _, l := range reporting.Levels {
		if n, ok := res.Levels[l]; ok {
			fmt.Fprintf(stdout, "  %-18s %d rows\n", l, n)
		}
	}
	fmt.Fprintf(stdout, "Campaign totals: %d impressions, %d clicks, cost %s, %g conversions, conversion value %g.\n",
		t.Impressions, t.Clicks, formatMicros(t.CostMicros), t.Conversions, t.ConversionsValue)
	return 0
}

func levelNames() string {
	var out []string
	for _, l := range reporting.Levels {
		out = append(out, string(l))
	}
	return strings.Join(out, ", ")
}

// formatMicros writes an amount in micros of the account currency.
func formatMicros(m int64) string {
	return fmt.Sprintf("%d.%02d", m/1_000_000, m%1_000_000/10_000)
}
