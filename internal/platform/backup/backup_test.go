package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/backup"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// pngOf is a small PNG whose pixels encode n, so every n has its own blob.
func pngOf(t testing.TB, n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(0, 0, color.RGBA{uint8(n), uint8(n >> 8), uint8(n >> 16), 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writer uploads images, deletes every third one again and writes text
// assets until stopped: what a busy server does to the tables and blobs.
type writer struct {
	svc     *assets.Service
	stop    chan struct{}
	done    chan error
	written atomic.Int64
}

func startWriter(t *testing.T, svc *assets.Service) *writer {
	w := &writer{svc: svc, stop: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		ctx := context.Background()
		var err error
		defer func() { w.done <- err }()
		for n := 1; ; n++ {
			select {
			case <-w.stop:
				return
			default:
			}
			var a assets.Asset
			if a, _, err = svc.UploadImage(ctx, assets.ImageInput{Data: pngOf(t, n), Name: fmt.Sprintf("image %d", n)}); err != nil {
				return
			}
			if n%3 == 0 {
				if err = svc.Delete(ctx, a.ID); err != nil {
					return
				}
			}
			if _, _, err = svc.CreateText(ctx, assets.TextInput{Text: fmt.Sprintf("Winterreifen Angebot %d", n), Language: "de"}); err != nil {
				return
			}
			w.written.Add(1)
		}
	}()
	return w
}

func (w *writer) finish(t *testing.T) {
	close(w.stop)
	if err := <-w.done; err != nil {
		t.Fatalf("writer: %v", err)
	}
}

func tables(t *testing.T, d *db.DB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if d.Engine == db.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := d.Read().Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func rowCounts(t *testing.T, d *db.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, name := range tables(t, d) {
		var n int64
		if err := d.Read().QueryRow(context.Background(), `SELECT count(*) FROM `+name).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", name, err)
		}
		out[name] = n
	}
	return out
}

// blobFiles maps each blob's path under dir to its bytes.
func blobFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	root := filepath.Join(dir, "blobs")
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[rel] = b
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

func createBackup(t *testing.T, d *db.DB, dataDir, to string) backup.Manifest {
	t.Helper()
	f, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	m, err := backup.Create(context.Background(), f, backup.Source{DB: d, DataDir: dataDir, Version: "test"}, filepath.Dir(to))
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return m
}

func restore(t *testing.T, from, dataDir string, opts backup.RestoreOptions) (backup.Manifest, error) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return backup.Restore(context.Background(), f, dataDir, opts)
}

// A backup taken while images are uploaded and deleted restores into a new
// data directory on which the product starts: the database passes
// integrity_check, every image it names has its bytes, and the product
// serves them. A backup taken once the writes stopped restores the same row
// count in every table and the same blobs, byte for byte. On PostgreSQL the
// archive holds the blob store only and says so.
func TestBackupWhileWritingRestoresAConsistentCopy(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 0})
		dataDir := e.App.Opts.DataDir
		w := startWriter(t, e.App.Assets)
		for w.written.Load() < 10 {
			time.Sleep(time.Millisecond)
		}
		scratch := t.TempDir()
		during := createBackup(t, d, dataDir, filepath.Join(scratch, "during.tar.gz"))
		w.finish(t)
		if d.Engine == db.Postgres {
			if during.Note != backup.PostgresNote || during.Engine != db.Postgres {
				t.Errorf("manifest of a PostgreSQL backup: engine %s note %q", during.Engine, during.Note)
			}
			for _, f := range during.Files {
				if f.Path == backup.DatabaseName {
					t.Error("a PostgreSQL backup holds a database file")
				}
			}
		}

		restored := filepath.Join(t.TempDir(), "restored")
		if _, err := restore(t, filepath.Join(scratch, "during.tar.gz"), restored, backup.RestoreOptions{}); err != nil {
			t.Fatalf("restore: %v", err)
		}
		if d.Engine == db.SQLite {
			rd := startOn(t, restored)
			// Every image row of the copy has its blob, byte-equal to the
			// original, and the product serves it.
			live := blobFiles(t, dataDir)
			got := blobFiles(t, restored)
			rows, err := rd.DB.Read().Query(context.Background(), `SELECT id, content_hash FROM assets WHERE type = 'IMAGE'`)
			if err != nil {
				t.Fatal(err)
			}
			var images int
			for rows.Next() {
				var id int64
				var hash string
				if err := rows.Scan(&id, &hash); err != nil {
					t.Fatal(err)
				}
				images++
				p := filepath.Join("sha256", hash[:2], hash)
				if b, ok := got[p]; !ok || (live[p] != nil && !bytes.Equal(b, live[p])) {
					t.Errorf("image %d: blob missing or different after restore", id)
				}
				if res := rd.get(t, fmt.Sprintf("/api/assets/%d/content", id), e.Tokens[auth.Admin]); res.StatusCode != http.StatusOK {
					t.Errorf("image %d: content answers %d after restore", id, res.StatusCode)
				}
			}
			rows.Close()
			if images == 0 {
				t.Error("the backup taken during writes holds no image")
			}
			rd.close()
		}

		// Quiet: the restored copy equals the original.
		quiet := filepath.Join(scratch, "quiet.tar.gz")
		createBackup(t, d, dataDir, quiet)
		again := filepath.Join(t.TempDir(), "again")
		if _, err := restore(t, quiet, again, backup.RestoreOptions{}); err != nil {
			t.Fatalf("restore: %v", err)
		}
		want, got := blobFiles(t, dataDir), blobFiles(t, again)
		if len(want) == 0 || len(got) != len(want) {
			t.Errorf("%d blobs restored, %d in the original", len(got), len(want))
		}
		for p, b := range want {
			if !bytes.Equal(got[p], b) {
				t.Errorf("blob %s differs after restore", p)
			}
		}
		if d.Engine == db.SQLite {
			rd := startOn(t, again)
			wantRows, gotRows := rowCounts(t, d), rowCounts(t, rd.DB)
			if len(gotRows) < 10 || fmt.Sprint(gotRows) != fmt.Sprint(wantRows) {
				t.Errorf("row counts after restore:\n%v\nwant\n%v", gotRows, wantRows)
			}
			if res := rd.get(t, "/api/assets?limit=5", e.Tokens[auth.Viewer]); res.StatusCode != http.StatusOK {
				t.Errorf("list assets on the restored copy: %d", res.StatusCode)
			}
			rd.close()
		}
	})
}

// restoredApp is the product started on a restored data directory.
type restoredApp struct {
	*app.App
	srv    *httptest.Server
	cancel context.CancelFunc
}

func startOn(t *testing.T, dataDir string) *restoredApp {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d, err := db.Open(ctx, db.Config{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	var integrity string
	if err := d.Read().QueryRow(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check of the restored database: %q %v", integrity, err)
	}
	if _, err := app.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, d, app.Options{DataDir: dataDir, Version: "test", Logger: slog.New(slog.DiscardHandler), Argon2: apptest.Fast})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Server().Handler())
	return &restoredApp{App: a, srv: srv, cancel: cancel}
}

func (r *restoredApp) get(t *testing.T, path, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", r.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func (r *restoredApp) close() {
	r.srv.Close()
	r.cancel()
}

// Restore refuses what it cannot trust, before touching the data dir: a
// non-empty directory without --force, a damaged file, a file missing from
// the archive, a path outside the layout, a cut-short archive, a schema
// newer than the binary's. With --force it keeps what it replaced.
func TestRestoreRefusesDamagedArchivesAndNonEmptyDirs(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	e := apptest.StartOpts(t, d, apptest.Options{Workers: 0})
	if _, _, err := e.App.Assets.UploadImage(context.Background(), assets.ImageInput{Data: pngOf(t, 7), Name: "seven"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tar.gz")
	m := createBackup(t, d, e.App.Opts.DataDir, good)

	// rewrite copies the archive, changing each entry with edit (nil drops it).
	rewrite := func(name string, edit func(h *tar.Header, body []byte) (*tar.Header, []byte)) string {
		in, _ := os.Open(good)
		defer in.Close()
		gz, _ := gzip.NewReader(in)
		tr := tar.NewReader(gz)
		out := filepath.Join(dir, name)
		f, _ := os.Create(out)
		defer f.Close()
		gw := gzip.NewWriter(f)
		tw := tar.NewWriter(gw)
		for {
			h, err := tr.Next()
			if err != nil {
				break
			}
			body, _ := io.ReadAll(tr)
			nh, nb := edit(h, body)
			if nh == nil {
				continue
			}
			nh.Size = int64(len(nb))
			tw.WriteHeader(nh)
			tw.Write(nb)
		}
		tw.Close()
		gw.Close()
		return out
	}
	blob := m.Files[0].Path
	for _, c := range []struct {
		name, archive, want string
		prepare             func(target string)
		opts                backup.RestoreOptions
	}{
		{name: "non-empty dir", archive: good, want: "is not empty (it holds notes.txt); restore into an empty directory, or pass --force",
			prepare: func(target string) {
				os.MkdirAll(target, 0o750)
				os.WriteFile(filepath.Join(target, "notes.txt"), []byte("x"), 0o600)
			}},
		{name: "flipped byte", want: "does not match its checksum", archive: rewrite("flipped.tar.gz", func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == backup.DatabaseName {
				b = bytes.Clone(b)
				b[len(b)/2] ^= 0xff
			}
			return h, b
		})},
		{name: "renamed blob", want: "is in the manifest but not in the archive", archive: rewrite("renamed.tar.gz", func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == blob {
				h.Name = "blobs/sha256/00/" + strings.Repeat("0", 64)
			}
			return h, b
		})},
		{name: "escaping path", want: `unexpected entry "../evil"`, archive: rewrite("evil.tar.gz", func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == blob {
				h.Name = "../evil"
			}
			return h, b
		})},
		{name: "no manifest", want: "has no manifest", archive: rewrite("cut.tar.gz", func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == backup.ManifestName {
				return nil, nil
			}
			return h, b
		})},
		{name: "newer schema", archive: good, want: "newer than this binary knows (1)", opts: backup.RestoreOptions{MaxSchemaVersion: 1}},
		{name: "not an archive", want: "not a backup archive", archive: func() string {
			p := filepath.Join(dir, "plain.txt")
			os.WriteFile(p, []byte("hello"), 0o600)
			return p
		}()},
	} {
		t.Run(c.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "data")
			if c.prepare != nil {
				c.prepare(target)
			}
			_, err := restore(t, c.archive, target, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if _, err := os.Stat(filepath.Join(target, "imaphub.db")); err == nil {
				t.Error("a refused restore left a database in the data dir")
			}
			entries, _ := os.ReadDir(target)
			for _, en := range entries {
				if strings.HasPrefix(en.Name(), ".restore-") {
					t.Errorf("a refused restore left %s behind", en.Name())
				}
			}
		})
	}

	// --force replaces, and keeps the old files aside.
	target := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(target, 0o750)
	os.WriteFile(filepath.Join(target, "imaphub.db"), []byte("old database"), 0o600)
	if _, err := restore(t, good, target, backup.RestoreOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	aside, _ := filepath.Glob(filepath.Join(target, ".replaced-*", "imaphub.db"))
	if len(aside) != 1 {
		t.Fatalf("the replaced database was not kept: %v", aside)
	}
	if b, _ := os.ReadFile(aside[0]); string(b) != "old database" {
		t.Errorf("kept %q", b)
	}
	rd := startOn(t, target)
	defer rd.close()
	if res := rd.get(t, "/api/assets?limit=5", e.Tokens[auth.Viewer]); res.StatusCode != http.StatusOK {
		t.Errorf("list assets after a forced restore: %d", res.StatusCode)
	}
}

// An image whose blob is gone from the disk makes the backup fail, naming
// it, instead of writing an archive that would restore a broken image.
func TestBackupRefusesAnImageWithoutItsBlob(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 0})
		a, _, err := e.App.Assets.UploadImage(context.Background(), assets.ImageInput{Data: pngOf(t, 11), Name: "eleven"})
		if err != nil {
			t.Fatal(err)
		}
		blob := filepath.Join(e.App.Opts.DataDir, "blobs", "sha256", a.ContentHash[:2], a.ContentHash)
		if err := os.Remove(blob); err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(t.TempDir(), "x.tar.gz")
		f, err := os.Create(to)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, err = backup.Create(context.Background(), f, backup.Source{DB: d, DataDir: e.App.Opts.DataDir, Version: "test"}, filepath.Dir(to))
		if err == nil || !strings.Contains(err.Error(), "image blobs the database names are missing") || !strings.Contains(err.Error(), a.ContentHash) {
			t.Fatalf("backup with a lost blob: %v", err)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(to), ".imaphub-backup-*")); len(left) > 0 {
			t.Errorf("scratch files left behind: %v", left)
		}
	})
}
