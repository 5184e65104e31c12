package reporting_test

import (
	"context"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

// BenchmarkDownload downloads importRows() rows (1,000,000 with
// IMAPHUB_BENCH_SCALE set) from the fake Google Ads over HTTP into an empty
// database: a large account (50 search campaigns of 40 ad groups with 10
// keywords each, 5 Performance Max campaigns of 20 asset groups) over as
// many days as it takes, every level, streams of Google's 10,000-row
// batches. It reports the whole download's seconds and the part spent in
// the importer (the bar: 1,000,000 rows imported ≤ 10 s; the import runs
// while the next batch is fetched and decoded, so on a busy machine its
// wall time includes waiting for the CPU).
func BenchmarkDownload(b *testing.B) {
	n := importRows()
	pop := googleadstest.Population{SearchCampaigns: 50, AdGroups: 40, Keywords: 10, PMaxCampaigns: 5, AssetGroups: 20}
	// Rows a day: campaigns, ad groups, ads, keywords, five texts per ad;
	// asset groups and five assets each; one day in ten without statistics.
	perDay := (pop.SearchCampaigns*(1+pop.AdGroups*(2+pop.Keywords+5)) + pop.PMaxCampaigns*(1+pop.AssetGroups*6)) * 9 / 10
	days := (n + perDay - 1) / perDay
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			srv := googleadstest.NewServer()
			defer srv.Close()
			srv.SetClock(func() time.Time { return fakeToday })
			srv.Populate(account, pop)
			client, err := googleads.New(adsConfig(srv.Env()), googleads.WithLogger(quiet))
			if err != nil {
				b.Fatal(err)
			}
			to := reporting.DayOf(fakeToday) - 1
			var res reporting.DownloadResult
			var cpu float64
			for b.Loop() {
				b.StopTimer()
				d := dbtest.Open(b, engine)
				s := reporting.NewService(d)
				b.StartTimer()
				startCPU := processCPU()
				res, err = s.NewDownloader(client).Download(context.Background(), reporting.DownloadRequest{CustomerID: account, From: to - reporting.Day(days-1), To: to}, nil)
				if err != nil {
					b.Fatal(err)
				}
				cpu = processCPU() - startCPU
			}
			b.ReportMetric(float64(res.Rows), "rows")
			b.ReportMetric(res.Elapsed.Seconds(), "s-download")
			b.ReportMetric(res.Import.Seconds(), "s-import")
			b.ReportMetric(float64(res.Rows)/res.Elapsed.Seconds(), "rows/s")
			// The CPU of this process over the download: the fake, the HTTP
			// transport, decoding and the import (on SQLite the database too).
			b.ReportMetric(cpu, "cpu-s-download")
		})
	}
}
