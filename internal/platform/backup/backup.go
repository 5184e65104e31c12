// Package backup writes and restores a backup of a data directory: a
// consistent copy of the SQLite database, taken while the server may be
// writing, and the blob store (image bytes), in one tar.gz with a manifest
// of SHA-256 checksums. On PostgreSQL the database belongs to pg_dump and the
// archive holds the blob store only.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Format names the archive layout; Restore refuses others.
const Format = "imaphub-backup/1"

// Names inside the archive.
const (
	ManifestName = "manifest.json"
	DatabaseName = "database/imaphub.db"
)

// blobName is the only shape of a blob path: the blob store keeps each file
// under its own SHA-256.
var blobName = regexp.MustCompile(`^blobs/sha256/([0-9a-f]{2})/([0-9a-f]{64})$`)

// Manifest describes an archive; it is its last entry.
type Manifest struct {
	Format        string    `json:"format"`
	CreatedAt     time.Time `json:"created_at"`
	Version       string    `json:"imaphub_version"`
	Engine        db.Engine `json:"engine"`
	SchemaVersion int       `json:"schema_version"`
	// Note says what the archive does not hold (PostgreSQL: the database).
	Note  string `json:"note,omitempty"`
	Files []File `json:"files"`
}

// File is one archived file with its checksum.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Source is what Create backs up.
type Source struct {
	DB      *db.DB // open; on SQLite its file is copied with VACUUM INTO
	DataDir string // holds blobs/
	Version string // of the binary, recorded in the manifest
}

// PostgresNote is the manifest's note for a PostgreSQL backup.
const PostgresNote = "blob store only: the PostgreSQL database is backed up with pg_dump (see docs/operations.md)"

// maxSnapshotTries bounds how often Create reads the database again when an
// image was deleted between that read and the copy of its blob.
const maxSnapshotTries = 5

// Create writes a backup of src to w. On SQLite it copies the database with
// VACUUM INTO (a snapshot of one read transaction; writers go on) into
// scratch (a directory on the same disk as the archive), then the blobs.
// Blobs are written before the rows that name them and removed after, so
// every blob the snapshot names exists after it unless an image was deleted
// in between: then the snapshot is taken again. On PostgreSQL the archive
// holds the blobs of the images the database names when the copy starts.
func Create(ctx context.Context, w io.Writer, src Source, scratch string) (Manifest, error) {
	m := Manifest{Format: Format, CreatedAt: time.Now().UTC().Truncate(time.Second), Version: src.Version, Engine: src.DB.Engine}
	var err error
	if m.SchemaVersion, err = src.DB.SchemaVersion(ctx); err != nil {
		return m, err
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	archived := map[string]bool{}
	var snapshot string
	defer func() {
		if snapshot != "" {
			os.Remove(snapshot)
		}
	}()
	for try := 1; ; try++ {
		var referenced []string
		if src.DB.Engine == db.SQLite {
			if snapshot != "" {
				os.Remove(snapshot)
			}
			if snapshot, err = vacuumInto(ctx, src.DB, scratch); err != nil {
				return m, err
			}
			if referenced, err = referencedBlobsIn(ctx, snapshot); err != nil {
				return m, err
			}
		} else {
			m.Note = PostgresNote
			if referenced, err = referencedBlobs(ctx, src.DB.Read()); err != nil {
				return m, err
			}
		}
		files, err := addBlobs(ctx, tw, src.DataDir, archived)
		if err != nil {
			return m, err
		}
		m.Files = append(m.Files, files...)
		var missing []string
		for _, h := range referenced {
			if !archived[blobPath(h)] {
				missing = append(missing, h)
			}
		}
		if len(missing) == 0 {
			break
		}
		if try == maxSnapshotTries {
			return m, fmt.Errorf("backup: %d image blobs the database names are missing from %s after %d tries (first: %s): images deleted all the while, or blobs lost — restore those from an earlier backup, or delete the images", len(missing), filepath.Join(src.DataDir, "blobs"), try, missing[0])
		}
	}
	if snapshot != "" {
		f, err := addFile(tw, DatabaseName, snapshot)
		if err != nil {
			return m, err
		}
		m.Files = append(m.Files, f)
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(raw)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return m, err
	}
	if _, err := tw.Write(raw); err != nil {
		return m, err
	}
	if err := tw.Close(); err != nil {
		return m, err
	}
	return m, gz.Close()
}

func blobPath(hash string) string { return "blobs/sha256/" + hash[:2] + "/" + hash }

// vacuumInto copies the database into a new file in dir and returns its path.
func vacuumInto(ctx context.Context, d *db.DB, dir string) (string, error) {
	f, err := os.CreateTemp(dir, ".imaphub-backup-*.db")
	if err != nil {
		return "", fmt.Errorf("backup: scratch file: %w", err)
	}
	name := f.Name()
	f.Close()
	// A connection of its own: the read pool is query_only, which refuses
	// VACUUM INTO, and the single writer must stay free for the server.
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: d.Path}).EscapedPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		os.Remove(name)
		return "", err
	}
	defer conn.Close()
	// VACUUM INTO wants a file that does not exist or is empty; it runs in
	// one read transaction, so it sees one commit and blocks no writer (WAL).
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, name); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("backup: copy the database with VACUUM INTO: %w", err)
	}
	return name, nil
}

// imageHashes is the query of the blobs a database needs: the content
// hashes of its image assets.
const imageHashes = `SELECT content_hash FROM assets WHERE type = 'IMAGE'`

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

func referencedBlobs(ctx context.Context, c db.Conn) ([]string, error) {
	rows, err := c.Query(ctx, imageHashes)
	if err != nil {
		return nil, fmt.Errorf("backup: list image blobs: %w", err)
	}
	return scanHashes(rows)
}

// referencedBlobsIn reads the snapshot file read-only: opening it as the
// product does would change its journal mode.
func referencedBlobsIn(ctx context.Context, file string) ([]string, error) {
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: file}).EscapedPath()+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, imageHashes)
	if err != nil {
		return nil, fmt.Errorf("backup: list image blobs of the copy: %w", err)
	}
	return scanHashes(rows)
}

func scanHashes(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		if !sha256Hex.MatchString(h) {
			return nil, fmt.Errorf("backup: image asset with content hash %q, not a SHA-256", h)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// addBlobs archives every blob under dataDir/blobs not archived yet; it
// skips the temporary files of writes in progress.
func addBlobs(ctx context.Context, tw *tar.Writer, dataDir string, archived map[string]bool) ([]File, error) {
	root := filepath.Join(dataDir, "blobs")
	var out []File
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // no blobs yet, or one deleted while walking
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dataDir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if !blobName.MatchString(name) || archived[name] {
			return nil
		}
		f, err := addFile(tw, name, p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted with its image meanwhile
		}
		if err != nil {
			return err
		}
		archived[name] = true
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("backup: blobs: %w", err)
	}
	return out, nil
}

func addFile(tw *tar.Writer, name, src string) (File, error) {
	f, err := os.Open(src)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return File{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: fi.Size(), ModTime: fi.ModTime(), Typeflag: tar.TypeReg}); err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), f)
	if err != nil {
		return File{}, fmt.Errorf("archive %s: %w", name, err)
	}
	if n != fi.Size() {
		return File{}, fmt.Errorf("archive %s: changed size while being read", name)
	}
	return File{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// RestoreOptions adjust Restore.
type RestoreOptions struct {
	// Force replaces the database and blobs of a data directory that has
	// them; what was there is moved to .replaced-<time>/ inside it.
	Force bool
	// MaxSchemaVersion refuses backups of a newer schema than this binary
	// knows (0: no check).
	MaxSchemaVersion int
	// Engine, when set, is the engine the restored files are for; a backup
	// of the other engine is refused.
	Engine db.Engine
}

// Restore unpacks the archive from r into dataDir. Everything is unpacked
// into a staging directory inside dataDir and checked — every file against
// the manifest's size and SHA-256, every blob against its own name, the
// database with PRAGMA integrity_check — before anything in dataDir is
// touched.
func Restore(ctx context.Context, r io.Reader, dataDir string, opts RestoreOptions) (Manifest, error) {
	var m Manifest
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return m, fmt.Errorf("restore: data dir: %w", err)
	}
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		return m, fmt.Errorf("restore: data dir: %w", err)
	}
	var present []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".replaced-") {
			present = append(present, e.Name())
		}
	}
	if len(present) > 0 && !opts.Force {
		return m, fmt.Errorf("restore: the data dir %s is not empty (it holds %s); restore into an empty directory, or pass --force to replace its database and blobs", dataDir, strings.Join(present, ", "))
	}
	staging, err := os.MkdirTemp(dataDir, ".restore-")
	if err != nil {
		return m, fmt.Errorf("restore: staging dir: %w", err)
	}
	defer os.RemoveAll(staging)
	got, m, err := unpack(ctx, r, staging)
	if err != nil {
		return m, err
	}
	if err := check(ctx, m, got, staging, opts); err != nil {
		return m, err
	}
	return m, install(dataDir, staging, m, opts.Force)
}

// unpack extracts the archive into dir and returns the files it held with
// their checksums, and its manifest.
func unpack(ctx context.Context, r io.Reader, dir string) (map[string]File, Manifest, error) {
	var m Manifest
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, m, fmt.Errorf("restore: not a backup archive (gzip): %w", err)
	}
	tr := tar.NewReader(gz)
	got := map[string]File{}
	sawManifest := false
	for {
		if err := ctx.Err(); err != nil {
			return nil, m, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, m, fmt.Errorf("restore: archive is damaged or cut short: %w", err)
		}
		name := hdr.Name
		if hdr.Typeflag != tar.TypeReg {
			return nil, m, fmt.Errorf("restore: entry %q is not a regular file; this is not an imaphub backup", name)
		}
		if sawManifest {
			return nil, m, fmt.Errorf("restore: entry %q after the manifest; this is not an imaphub backup", name)
		}
		if name == ManifestName {
			raw, err := io.ReadAll(io.LimitReader(tr, 64<<20))
			if err != nil {
				return nil, m, fmt.Errorf("restore: manifest: %w", err)
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, m, fmt.Errorf("restore: manifest is not valid JSON: %w", err)
			}
			sawManifest = true
			continue
		}
		if name != DatabaseName && !blobName.MatchString(name) {
			return nil, m, fmt.Errorf("restore: unexpected entry %q; this is not an imaphub backup", name)
		}
		if _, dup := got[name]; dup {
			return nil, m, fmt.Errorf("restore: entry %q appears twice", name)
		}
		f, err := extract(tr, filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, m, fmt.Errorf("restore: %s: %w", name, err)
		}
		f.Path = name
		got[name] = f
	}
	if !sawManifest {
		return nil, m, errors.New("restore: the archive has no manifest: it is cut short or not an imaphub backup")
	}
	return got, m, nil
}

func extract(r io.Reader, dst string) (File, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return File{}, err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), r)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

func check(ctx context.Context, m Manifest, got map[string]File, staging string, opts RestoreOptions) error {
	if m.Format != Format {
		return fmt.Errorf("restore: archive format %q, this binary reads %q", m.Format, Format)
	}
	if m.Engine != db.SQLite && m.Engine != db.Postgres {
		return fmt.Errorf("restore: manifest names engine %q", m.Engine)
	}
	if opts.Engine != "" && opts.Engine != m.Engine {
		return fmt.Errorf("restore: this is a backup of a %s installation, but the configuration uses %s (IMAPHUB_DATABASE_URL %s)", m.Engine, opts.Engine,
			map[db.Engine]string{db.SQLite: "is empty", db.Postgres: "is set"}[opts.Engine])
	}
	if opts.MaxSchemaVersion > 0 && m.SchemaVersion > opts.MaxSchemaVersion {
		return fmt.Errorf("restore: the backup's schema version %d is newer than this binary knows (%d): restore it with imaphub %s or newer", m.SchemaVersion, opts.MaxSchemaVersion, m.Version)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Path] = true
		g, ok := got[f.Path]
		switch {
		case !ok:
			return fmt.Errorf("restore: %s is in the manifest but not in the archive", f.Path)
		case g.Size != f.Size || g.SHA256 != f.SHA256:
			return fmt.Errorf("restore: %s does not match its checksum (size %d, sha256 %s; manifest: size %d, sha256 %s): the archive is damaged", f.Path, g.Size, g.SHA256, f.Size, f.SHA256)
		}
		if b := blobName.FindStringSubmatch(f.Path); b != nil && (b[2] != g.SHA256 || b[1] != b[2][:2]) {
			return fmt.Errorf("restore: blob %s holds content with SHA-256 %s", f.Path, g.SHA256)
		}
	}
	for name := range got {
		if !listed[name] {
			return fmt.Errorf("restore: %s is in the archive but not in its manifest", name)
		}
	}
	hasDB := listed[DatabaseName]
	if m.Engine == db.SQLite && !hasDB {
		return errors.New("restore: a SQLite backup without its database file")
	}
	if m.Engine == db.Postgres && hasDB {
		return errors.New("restore: a PostgreSQL backup holding a SQLite database")
	}
	if hasDB {
		return integrityCheck(ctx, filepath.Join(staging, filepath.FromSlash(DatabaseName)))
	}
	return nil
}

// integrityCheck runs PRAGMA integrity_check on a SQLite file.
func integrityCheck(ctx context.Context, file string) error {
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: file}).EscapedPath()+"?mode=ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("restore: the database does not open: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("restore: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("restore: the database fails PRAGMA integrity_check: %s", strings.Join(problems[:min(len(problems), 5)], "; "))
	}
	return nil
}

// install moves the staged files into dataDir. With force, the database
// (and its WAL files) and the blobs there are first moved to
// .replaced-<time>/.
func install(dataDir, staging string, m Manifest, force bool) error {
	targets := []string{"blobs"}
	if m.Engine == db.SQLite {
		targets = append(targets, "imaphub.db", "imaphub.db-wal", "imaphub.db-shm")
	}
	if force {
		aside := filepath.Join(dataDir, ".replaced-"+time.Now().UTC().Format("20060102T150405.000000000Z"))
		for _, t := range targets {
			src := filepath.Join(dataDir, t)
			if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err := os.MkdirAll(aside, 0o750); err != nil {
				return fmt.Errorf("restore: %w", err)
			}
			if err := os.Rename(src, filepath.Join(aside, t)); err != nil {
				return fmt.Errorf("restore: move the old %s aside: %w", t, err)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(staging, "blobs")); err == nil {
		if err := os.Rename(filepath.Join(staging, "blobs"), filepath.Join(dataDir, "blobs")); err != nil {
			return fmt.Errorf("restore: blobs: %w", err)
		}
	}
	if m.Engine == db.SQLite {
		if err := os.Rename(filepath.Join(staging, filepath.FromSlash(DatabaseName)), filepath.Join(dataDir, "imaphub.db")); err != nil {
			return fmt.Errorf("restore: database: %w", err)
		}
	}
	return nil
}
