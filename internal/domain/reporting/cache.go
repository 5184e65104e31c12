package reporting

import (
	"bytes"
	"container/list"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"
)

// Report answers change only when facts change, and every change of the
// facts moves the reporting epoch (report_epoch, in the same transaction).
// A process keeps the JSON of the answers it encoded, under the operation
// and its normalized parameters (not the viewer: a report is the same for
// everyone who may read it; the role is checked before) and the epoch they
// were made at. A request reads the epoch (one row by primary key) and
// serves the stored bytes only when they were made at that epoch, so an
// import by another process is seen by the next request.

// answerCacheBytes bounds the JSON a process keeps.
const answerCacheBytes = 64 << 20

// answerCache keeps encoded answers, least recently used dropped first
// when they hold more than max bytes together.
type answerCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // of *cachedAnswer, most recently used first
	byKey map[string]*list.Element
}

type cachedAnswer struct {
	key   string
	epoch int64
	body  []byte
	etag  string
}

func newAnswerCache(max int) *answerCache {
	return &answerCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// get is key's answer made at epoch.
func (c *answerCache) get(key string, epoch int64) (*cachedAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	a := e.Value.(*cachedAnswer)
	if a.epoch != epoch {
		c.remove(e)
		return nil, false
	}
	c.order.MoveToFront(e)
	return a, true
}

// put keeps a, replacing key's older answer; an answer larger than a
// quarter of the cache is not kept.
func (c *answerCache) put(a *cachedAnswer) {
	n := len(a.body) + len(a.key)
	if n > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[a.key]; ok {
		if e.Value.(*cachedAnswer).epoch > a.epoch {
			return // a request that started later stored a newer one
		}
		c.remove(e)
	}
	c.byKey[a.key] = c.order.PushFront(a)
	c.size += n
	for c.size > c.max {
		c.remove(c.order.Back())
	}
}

func (c *answerCache) remove(e *list.Element) {
	a := c.order.Remove(e).(*cachedAnswer)
	delete(c.byKey, a.key)
	c.size -= len(a.body) + len(a.key)
}

// CacheParams are the conditional request headers of a report.
type CacheParams struct {
	IfNoneMatch string `header:"If-None-Match" doc:"The ETag of an answer you hold: 304 Not Modified while it is still the answer"`
}

// reportCache serves the JSON of report operations from an answerCache.
type reportCache struct {
	s *Service
	c *answerCache
}

// serve answers key: as JSON from the cache when it was encoded at the
// current epoch (304 when the client holds it), otherwise from build, whose
// JSON is then kept. CSV downloads are built every time.
func (rc *reportCache) serve(ctx context.Context, key string, format string, cp CacheParams, build func() (*tableOutput, error)) (*tableOutput, error) {
	if format == "csv" {
		return build()
	}
	// The epoch is read before the report: an answer built from a later
	// import is then kept under an older epoch, never served once the
	// epoch has moved.
	epoch, err := readEpoch(ctx, rc.s.db)
	if err != nil {
		return nil, err
	}
	a, ok := rc.c.get(key, epoch)
	if !ok {
		out, err := build()
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // as huma encodes JSON
		if err := enc.Encode(out.Body); err != nil {
			return nil, fmt.Errorf("encode report: %w", err)
		}
		h := fnv.New64a()
		h.Write(buf.Bytes())
		a = &cachedAnswer{key: key, epoch: epoch, body: buf.Bytes(), etag: fmt.Sprintf(`"r%d-%x"`, epoch, h.Sum64())}
		rc.c.put(a)
	}
	if matches(cp.IfNoneMatch, a.etag) {
		return &tableOutput{Status: http.StatusNotModified, ETag: a.etag, Body: []byte{}}, nil
	}
	return &tableOutput{Status: http.StatusOK, ContentType: "application/json", ETag: a.etag, Body: a.body}, nil
}

// matches is whether an If-None-Match header names etag.
func matches(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
