package reporting

import (
	"fmt"
	"testing"
)

// TestAnswerCacheIsBoundedAndKeyedByEpoch: the cache holds at most its
// bytes (least recently used dropped first), an answer of another epoch is
// not served, an older answer does not replace a newer one, and one too
// large is not kept.
func TestAnswerCacheIsBoundedAndKeyedByEpoch(t *testing.T) {
	c := newAnswerCache(1000)
	body := make([]byte, 200)
	for i := range 10 {
		c.put(&cachedAnswer{key: fmt.Sprint("k", i), epoch: 1, body: body})
		if _, ok := c.get("k0", 1); !ok && i < 9 {
			t.Fatalf("k0 dropped after %d puts although used", i)
		}
	}
	if c.size > 1000 || c.order.Len() != len(c.byKey) {
		t.Fatalf("size %d, %d entries, %d keys", c.size, c.order.Len(), len(c.byKey))
	}
	if _, ok := c.get("k1", 1); ok {
		t.Error("k1, the least recently used, is still kept")
	}
	if _, ok := c.get("k9", 1); !ok {
		t.Error("k9, the newest, is gone")
	}
	if _, ok := c.get("k9", 2); ok {
		t.Error("k9 of epoch 1 served at epoch 2")
	}
	if _, ok := c.get("k9", 1); ok {
		t.Error("k9 kept after it was found stale")
	}
	c.put(&cachedAnswer{key: "n", epoch: 5, body: []byte("new")})
	c.put(&cachedAnswer{key: "n", epoch: 4, body: []byte("old")})
	if a, ok := c.get("n", 5); !ok || string(a.body) != "new" {
		t.Errorf("an older answer replaced a newer one: %v %v", a, ok)
	}
	c.put(&cachedAnswer{key: "big", epoch: 5, body: make([]byte, 300)})
	if _, ok := c.get("big", 5); ok {
		t.Error("an answer of more than a quarter of the cache is kept")
	}
}
