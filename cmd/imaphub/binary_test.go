package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/testbin"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// testBinary builds the imaphub binary once for the tests that run it as a
// separate process (to kill it, or to stop it with a signal).
func testBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "imaphub-bin-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "imaphub")
		binaryErr = testbin.BuildTo(binaryPath, ".")
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

// migratedDatabase opens a new, migrated database of the engine for a test
// that also runs the binary on it: the data directory and the URL (empty for
// SQLite) to hand the process, and the database for the test's own reads.
func migratedDatabase(t *testing.T, ctx context.Context, engine db.Engine) (dir, url string, d *db.DB) {
	t.Helper()
	dir = t.TempDir()
	if engine == db.Postgres {
		url = dbtest.PostgresSchemaURL(t)
	}
	d, err := db.Open(ctx, db.Config{URL: url, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := app.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	return dir, url, d
}

// waitingTests is how many parallel tests run at once when -parallel is not
// given: the crash tests spend most of their time waiting for River to
// rescue a killed worker's job, not on the CPU, so they run side by side
// whatever the number of cores (go test's default is GOMAXPROCS).
const waitingTests = 8

func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given && runtime.GOMAXPROCS(0) < waitingTests {
		flag.Set("test.parallel", strconv.Itoa(waitingTests))
	}
	code := m.Run()
	if binaryPath != "" {
		os.RemoveAll(filepath.Dir(binaryPath))
	}
	os.Exit(code)
}
