package db

import (
	"context"
	"sync"
)

// GraphCache keeps read models of the campaign graph (an asset's where-used
// document, a campaign's tree) in memory. Entries are valid while the
// database's graph epoch — moved in the same transaction as every change to
// the graph (migration 0006) — is unchanged; each Get reads the epoch first,
// so an entry is never served after a change was committed, on any instance
// (concurrent Gets share epoch reads: DB.Epoch).
type GraphCache[K comparable, V any] struct {
	db      *DB
	epochQ  string
	max     int
	weigh   func(V) int // nil: every entry weighs 1
	mu      sync.Mutex
	epoch   int64
	weight  int
	entries map[K]V
}

// NewGraphCache returns a cache of at most max entries.
func NewGraphCache[K comparable, V any](d *DB, max int) *GraphCache[K, V] {
	return &GraphCache[K, V]{db: d, epochQ: GraphEpoch, max: max}
}

// NewGraphBytesCache returns a cache of encoded answers holding at most max
// bytes; an answer larger than a quarter of that is not kept.
func NewGraphBytesCache[K comparable](d *DB, max int) *GraphCache[K, []byte] {
	return NewEpochBytesCache[K](d, max, GraphEpoch)
}

// GraphEpoch reads the graph epoch.
const GraphEpoch = `SELECT v FROM graph_epoch WHERE id = 1`

// NewEpochBytesCache is NewGraphBytesCache for answers that follow other
// counters too: epoch is a query of one integer that moves, in the same
// transaction, with every change the answers depend on (a sum of counters
// that only grow, such as the graph epoch plus the job epoch).
func NewEpochBytesCache[K comparable](d *DB, max int, epoch string) *GraphCache[K, []byte] {
	return &GraphCache[K, []byte]{db: d, epochQ: epoch, max: max, weigh: func(b []byte) int { return len(b) }}
}

// Get returns the cached value of key, or loads and caches it.
func (c *GraphCache[K, V]) Get(ctx context.Context, key K, load func(context.Context) (V, error)) (V, error) {
	epoch, err := c.db.Epoch(ctx, c.epochQ)
	if err != nil {
		return load(ctx)
	}
	c.mu.Lock()
	if epoch != c.epoch {
		c.entries, c.epoch, c.weight = nil, epoch, 0
	}
	v, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	// Loaded after the epoch was read: if a change commits in between, the
	// value is newer than its epoch and the next Get reloads it anyway.
	v, err = load(ctx)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w := 1
	if c.weigh != nil {
		w = c.weigh(v)
	}
	if epoch == c.epoch && (c.weigh == nil || w <= c.max/4) {
		if _, ok := c.entries[key]; !ok {
			if c.entries == nil || c.weight+w > c.max {
				c.entries, c.weight = make(map[K]V), 0
			}
			c.entries[key] = v
			c.weight += w
		}
	}
	return v, nil
}
