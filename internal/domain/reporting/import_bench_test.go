package reporting_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// importRows is the size of one import in BenchmarkImport: 1,000,000 rows
// (the downloader's acceptance figure) when IMAPHUB_BENCH_SCALE is set,
// 100,000 otherwise.
func importRows() int {
	if os.Getenv("IMAPHUB_BENCH_SCALE") != "" {
		return 1_000_000
	}
	return 100_000
}

// downloadedRows are n rows as a download of one account brings them: per
// day 20 campaigns, each with 10 ad groups, an ad and a keyword each, and
// nine assets per ad (three in four rows are asset rows), in batches of
// 10,000. Every row names our entities, as for a published account, so
// every index is written.
func downloadedRows(first reporting.Day, n int) [][]reporting.Fact {
	var batches [][]reporting.Fact
	batch := make([]reporting.Fact, 0, 10_000)
	m := func(i int) reporting.Metrics {
		imp := int64(100 + i%977)
		return reporting.Metrics{Impressions: imp, Clicks: imp / 17, CostMicros: imp * 12_345, Conversions: float64(i%5) / 4, ConversionsValue: float64(i % 300)}
	}
	add := func(f reporting.Fact) {
		batch = append(batch, f)
		if len(batch) == cap(batch) {
			batches = append(batches, batch)
			batch = make([]reporting.Fact, 0, 10_000)
		}
	}
	i := 0
	for d := first; i < n; d++ {
		for c := int64(1); c <= 20 && i < n; c++ {
			add(reporting.Fact{Level: reporting.LevelCampaign, Day: d, CampaignID: c, Metrics: m(i), Ours: reporting.Ours{CampaignID: c}})
			i++
			for g := c * 100; g < c*100+10 && i < n; g++ {
				ours := reporting.Ours{CampaignID: c, AdGroupID: g, AdID: g*10 + 1, KeywordID: g*10 + 2}
				add(reporting.Fact{Level: reporting.LevelAdGroup, Day: d, CampaignID: c, AdGroupID: g, Metrics: m(i), Ours: ours})
				add(reporting.Fact{Level: reporting.LevelAd, Day: d, CampaignID: c, AdGroupID: g, AdID: g*10 + 1, Metrics: m(i + 1), Ours: ours})
				add(reporting.Fact{Level: reporting.LevelKeyword, Day: d, CampaignID: c, AdGroupID: g, CriterionID: g*10 + 2, Metrics: m(i + 2), Ours: ours})
				i += 3
				for a := int64(0); a < 9 && i < n; a++ {
					field := "HEADLINE"
					if a >= 6 {
						field = "DESCRIPTION"
					}
					add(reporting.Fact{Level: reporting.LevelAdAsset, Day: d, CampaignID: c, AdGroupID: g, AdID: g*10 + 1, AssetID: 1000 + g%37*9 + a,
						FieldType: field, PerformanceLabel: "GOOD", Metrics: m(i), Ours: reporting.Ours{CampaignID: c, AdGroupID: g, AdID: g*10 + 1, AssetID: 1000 + g%37*9 + a}})
					i++
				}
			}
		}
	}
	if len(batch) > 0 {
		batches = append(batches, batch)
	}
	return batches
}

// importPipelined writes batches as the downloader does: each batch is
// prepared while the one before it is committed. It returns the rows
// written.
func importPipelined(ctx context.Context, im *reporting.Importer, batches [][]reporting.Fact) (int, error) {
	queue := make(chan *reporting.Batch, 1)
	done := make(chan error, 1)
	written := 0
	go func() {
		var err error
		for b := range queue {
			if err != nil {
				continue
			}
			res, e := im.Commit(ctx, b)
			written += res.Written
			err = e
		}
		done <- err
	}()
	for _, batch := range batches {
		b, err := im.Prepare(ctx, batch)
		if err != nil {
			close(queue)
			<-done
			return 0, err
		}
		queue <- b
	}
	close(queue)
	err := <-done
	return written, err
}

// BenchmarkImport imports a download of importRows() rows into an empty
// database, then the same rows again (a re-download: nothing changes), and
// reports the seconds each took. The downloader's bar: 1,000,000 rows ≤ 10 s.
func BenchmarkImport(b *testing.B) {
	n := importRows()
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			batches := downloadedRows(20_000, n)
			var first, again time.Duration
			var cpu, serverCPU float64
			// PostgreSQL's backends serving this process are found by their
			// application name, their CPU time in /proc (a local server).
			b.Setenv("PGAPPNAME", fmt.Sprintf("imaphub-bench-%d", os.Getpid()))
			for b.Loop() {
				b.StopTimer()
				d := dbtest.Open(b, engine)
				s := reporting.NewService(d)
				b.StartTimer()
				for pass, took := range []*time.Duration{&first, &again} {
					start, startCPU, startServer := time.Now(), processCPU(), backendCPU(ctx, d)
					im, err := s.NewImporter(customer, reporting.ImportOptions{})
					if err != nil {
						b.Fatal(err)
					}
					written := 0
					err = d.BulkLoad(ctx, func() error {
						written, err = importPipelined(ctx, im, batches)
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
					*took = time.Since(start)
					if pass == 0 {
						cpu = processCPU() - startCPU
						serverCPU = backendCPU(ctx, d).since(startServer)
					}
					if pass == 1 && written != 0 {
						b.Fatalf("the second import wrote %d rows", written)
					}
				}
			}
			b.ReportMetric(first.Seconds(), "s-import")
			b.ReportMetric(again.Seconds(), "s-reimport")
			b.ReportMetric(float64(n)/first.Seconds(), "rows/s")
			// The CPU this process spent on the first import: on a machine
			// busy with other work, the cost of the import itself (all of it
			// on SQLite, which runs in the process; the client's part on
			// PostgreSQL).
			b.ReportMetric(cpu, "cpu-s-import")
			// PostgreSQL's own CPU for the first import: its backends serving
			// this process (0 on SQLite, or when the server is not local).
			b.ReportMetric(serverCPU, "cpu-s-server")
		})
	}
}

// backendTicks are the CPU clock ticks of PostgreSQL backends by process id.
type backendTicks map[int]int64

// backendCPU reads the CPU ticks of the PostgreSQL backends whose
// application name names this process (nil on SQLite).
func backendCPU(ctx context.Context, d *db.DB) backendTicks {
	if d.Engine != db.Postgres {
		return nil
	}
	rows, err := d.Read().Query(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = ?`, os.Getenv("PGAPPNAME"))
	if err != nil {
		return nil
	}
	defer rows.Close()
	out := backendTicks{}
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) != nil {
			return nil
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		out[pid] = utime + stime
	}
	return out
}

// since is the CPU seconds the backends used after before.
func (t backendTicks) since(before backendTicks) float64 {
	var n int64
	for pid, ticks := range t {
		n += ticks - before[pid]
	}
	return float64(n) / 100 // USER_HZ
}

// processCPU is the user and system CPU seconds this process has used.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
