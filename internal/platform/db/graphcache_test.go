package db_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// TestGraphBytesCacheBoundsAndEpoch: a bytes cache keeps answers up to its
// budget (starting over when the next one would exceed it), never keeps one
// larger than a quarter of it, and drops everything when the graph epoch
// moves.
func TestGraphBytesCacheBoundsAndEpoch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := db.NewGraphBytesCache[string](d, 100)
		loads := map[string]int{}
		get := func(key string, size int) {
			t.Helper()
			v, err := c.Get(ctx, key, func(context.Context) ([]byte, error) {
				loads[key]++
				return bytes.Repeat([]byte{'x'}, size), nil
			})
			if err != nil || len(v) != size {
				t.Fatalf("get %s: %d bytes, %v", key, len(v), err)
			}
		}
		want := func(key string, n int) {
			t.Helper()
			if loads[key] != n {
				t.Fatalf("%s loaded %d times, want %d", key, loads[key], n)
			}
		}
		get("a", 20)
		get("a", 20)
		want("a", 1)
		get("big", 26) // over a quarter of 100: served, not kept
		get("big", 26)
		want("big", 2)
		get("b", 25)
		get("c", 25)
		get("d", 25) // 95 bytes kept
		get("a", 20)
		want("a", 1)
		get("e", 25) // would be 120: the cache starts over with e alone
		get("e", 25)
		want("e", 1)
		get("a", 20)
		want("a", 2)
		if err := d.InTx(ctx, func(tx db.Conn) error { _, err := tx.Exec(ctx, bumpEpoch); return err }); err != nil {
			t.Fatal(err)
		}
		get("e", 25)
		want("e", 2)
	})
}
