package db

import (
	"bytes"
	"os"
	"sync"
	"time"
)

// walHeaderSize is the size of one copy of SQLite's WAL-index header
// (WalIndexHdr): the shared-memory file (the database's path plus "-shm")
// begins with two copies of it. Its layout is SQLite's unix VFS protocol,
// shared by every process and SQLite version that opens the database
// (https://sqlite.org/walformat.html, "The WAL-Index Header").
const walHeaderSize = 48

// walIndexReopenEvery is how often the watcher checks that its descriptor
// still names the database's shared-memory file.
const walIndexReopenEvery = time.Second

// A walIndex reads the WAL-index header of a SQLite database in WAL mode.
// Every commit, by any connection of any process, rewrites the header
// (its change counter, last frame, checksums) before the commit returns,
// and nothing else than a commit or a WAL reset does. So while the header
// reads the same, no transaction has committed: a value read from the
// database after the header was read is still current. Reading it costs
// one pread instead of a read transaction (a statement, shared-memory
// locks, a step).
//
// The shared-memory file is only removed or truncated when the last
// connection of every process closes; this process keeps its writer
// connection open. Should it have been replaced anyway, the watcher opens
// the new file within walIndexReopenEvery.
type walIndex struct {
	path string

	mu      sync.Mutex
	f       *os.File
	checked time.Time
}

func newWALIndex(dbPath string) *walIndex { return &walIndex{path: dbPath + "-shm"} }

// header returns the current header, or false when it cannot be read or is
// being written (its two copies differ) or not initialised.
func (w *walIndex) header() (h [walHeaderSize]byte, ok bool) {
	f := w.file()
	if f == nil {
		return h, false
	}
	var buf [2 * walHeaderSize]byte
	if _, err := f.ReadAt(buf[:], 0); err != nil {
		return h, false
	}
	first, second := buf[:walHeaderSize], buf[walHeaderSize:]
	// isInit (byte 12) is 1 once the header describes the WAL.
	if first[12] != 1 || !bytes.Equal(first, second) {
		return h, false
	}
	copy(h[:], first)
	return h, true
}

// file returns the open shared-memory file, reopening it when the path
// names another file than the open one (checked every
// walIndexReopenEvery).
func (w *walIndex) file() *os.File {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if w.f != nil && now.Sub(w.checked) < walIndexReopenEvery {
		return w.f
	}
	w.checked = now
	cur, err := os.Stat(w.path)
	if err != nil {
		w.closeLocked()
		return nil
	}
	if w.f != nil {
		if open, err := w.f.Stat(); err == nil && os.SameFile(open, cur) {
			return w.f
		}
		w.closeLocked()
	}
	f, err := os.Open(w.path)
	if err != nil {
		return nil
	}
	w.f = f
	return f
}

func (w *walIndex) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closeLocked()
}

func (w *walIndex) closeLocked() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}
