package assets

import (
	"context"
	"database/sql"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func TestScratchGenerate(t *testing.T) {
	ctx := context.Background()
	cfg, _ := benchConfig()
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	d, err := db.OpenSQLiteFile(ctx, "/tmp/wu/small.db", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := dbtest.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	res, err := GenerateLarge(ctx, d, cfg, nil)
	t.Log(res, err)
	base := os.Getenv("IMAPHUB_TEST_POSTGRES_URL")
	admin, _ := sql.Open("pgx", base)
	admin.Exec(`DROP SCHEMA IF EXISTS bench_small CASCADE`)
	admin.Exec(`CREATE SCHEMA bench_small`)
	p, err := db.Open(ctx, db.Config{URL: base + "&search_path=bench_small"})
	if err != nil {
		t.Fatal(err)
	}
	if err := dbtest.Migrate(ctx, p); err != nil {
		t.Fatal(err)
	}
	res, err = GenerateLarge(ctx, p, cfg, nil)
	t.Log(res, err)
}

func TestScratchPlan(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	ctx := context.Background()
	d, err := db.OpenSQLiteFile(ctx, "/tmp/wu/small.db", 0)
	if err != nil {
		t.Fatal(err)
	}
	q := os.Getenv("Q")
	if q == "" {
		q = usageSQLite
	}
	rows, err := d.Read().Query(ctx, "EXPLAIN QUERY PLAN "+q, 1)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, parent, nu int
		var detail string
		rows.Scan(&id, &parent, &nu, &detail)
		t.Logf("%d %d %s", id, parent, detail)
	}
	rows.Close()
	for i := 0; i < 3; i++ {
		start := time.Now()
		var s string
		if err := d.Read().QueryRow(ctx, q, 1).Scan(&s); err != nil {
			t.Fatal(err)
		}
		t.Log(time.Since(start), len(s))
	}
}

func TestScratchGoSide(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	ctx := context.Background()
	d, err := db.OpenSQLiteFile(ctx, "/tmp/wu/small.db", 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		start := time.Now()
		rows, err := d.Read().Query(ctx, `WITH l AS MATERIALIZED (SELECT ad_group_id FROM asset_links INDEXED BY asset_links_usage WHERE asset_id = ?1)
			SELECT id, ad_group_id, text, match_type, negative FROM keywords WHERE ad_group_id IN (SELECT ad_group_id FROM l) ORDER BY ad_group_id, text, match_type, negative`, 1)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 0, 256<<10)
		n := 0
		var id, g int64
		var text, mt sql.RawBytes
		var neg bool
		for rows.Next() {
			rows.Scan(&id, &g, &text, &mt, &neg)
			buf = append(buf, `{"id":`...)
			buf = strconv.AppendInt(buf, id, 10)
			buf = append(buf, `,"ad_group_id":`...)
			buf = strconv.AppendInt(buf, g, 10)
			buf = append(buf, `,"text":`...)
			buf = strconv.AppendQuote(buf, string(text))
			buf = append(buf, `,"match_type":"`...)
			buf = append(buf, mt...)
			buf = append(buf, `"}`...)
			n++
		}
		rows.Close()
		t.Log(time.Since(start), n, len(buf))
	}
}

func BenchmarkScratchQ(b *testing.B) {
	ctx := context.Background()
	d, err := db.OpenSQLiteFile(ctx, "/tmp/wu/small.db", 0)
	if err != nil {
		b.Fatal(err)
	}
	q := os.Getenv("Q")
	for b.Loop() {
		var s []byte
		if err := d.Read().QueryRow(ctx, q, 1).Scan(&s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScratchTuned(b *testing.B) {
	ctx := context.Background()
	dsn := "file:/tmp/wu/small.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=query_only(1)&_time_format=sqlite" + os.Getenv("EXTRA")
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		b.Fatal(err)
	}
	st, err := sdb.PrepareContext(ctx, os.Getenv("Q"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var s []byte
		if err := st.QueryRowContext(ctx, 1).Scan(&s); err != nil {
			b.Fatal(err)
		}
	}
}
