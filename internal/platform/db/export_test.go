package db

import "strings"

var RebindForTest = rebind

// CachedTxStatementsForTest counts the cached statements that serve
// transactions on the write pool and whose text contains substr.
func CachedTxStatementsForTest(d *DB, substr string) int {
	d.stmtMu.Lock()
	defer d.stmtMu.Unlock()
	n := 0
	for k := range d.stmts {
		if k.pool == d.write && d.write != d.read && strings.Contains(k.query, substr) {
			n++
		}
	}
	return n
}

// EpochQueriesForTest counts the queries DB.Epoch ran for q.
func EpochQueriesForTest(d *DB, q string) int64 {
	r, ok := d.epochs.Load(q)
	if !ok {
		return 0
	}
	return r.(*epochReader).queries.Load()
}

// ListeningForTest reports whether d's epoch listener (PostgreSQL) listens.
func ListeningForTest(d *DB) bool {
	l := d.listener()
	return l != nil && l.listening.Load()
}
