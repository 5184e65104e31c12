package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The operation classes latencies are kept under.
const (
	classRead     = "read"     // every GET but the event streams
	classWrite    = "write"    // an edit of an ad's texts (each attempt, 412s included)
	classGenerate = "generate" // starting a generation (POST, answered 202)
	classSSE      = "sse"      // from opening a job's event stream to its first event
	classRun      = "run"      // a generation from its start to the terminal event
)

var classes = []string{classRead, classWrite, classGenerate, classSSE, classRun}

// stats collects latencies and errors of every user.
type stats struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration
	errors    map[string]int // by message
	nErrors   int
	conflicts int // 412 answers to edits, retried
	genWaits  int // 409 answers to a generation start while the previous job was ending, retried
	gens      int // generations that completed
	streams   int // event streams followed to their terminal event
}

func newStats() *stats {
	return &stats{latencies: map[string][]time.Duration{}, errors: map[string]int{}}
}

func (s *stats) observe(class string, d time.Duration) {
	s.mu.Lock()
	s.latencies[class] = append(s.latencies[class], d)
	s.mu.Unlock()
}

func (s *stats) fail(class, msg string) {
	s.mu.Lock()
	s.errors[class+": "+msg]++
	s.nErrors++
	s.mu.Unlock()
}

func (s *stats) add(f func(s *stats)) {
	s.mu.Lock()
	f(s)
	s.mu.Unlock()
}

// summary is the figures of one class.
type summary struct {
	n                  int
	p50, p95, p99, max time.Duration
}

func (s *stats) summary(class string) summary {
	s.mu.Lock()
	ds := slices.Clone(s.latencies[class])
	s.mu.Unlock()
	if len(ds) == 0 {
		return summary{}
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration {
		i := int(float64(len(ds))*p+0.999999) - 1
		return ds[max(0, min(i, len(ds)-1))]
	}
	return summary{n: len(ds), p50: q(0.50), p95: q(0.95), p99: q(0.99), max: ds[len(ds)-1]}
}

// requests is how many answers were received (every class but the runs,
// which are no request of their own) plus the requests that failed in
// transport.
func (s *stats) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nErrors
	for _, c := range []string{classRead, classWrite, classGenerate, classSSE} {
		n += len(s.latencies[c])
	}
	return n
}

// topErrors lists the distinct errors, most frequent first.
func (s *stats) topErrors(limit int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	type kv struct {
		msg string
		n   int
	}
	var all []kv
	for m, n := range s.errors {
		all = append(all, kv{m, n})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].msg < all[j].msg })
	var out []string
	for i, e := range all {
		if i == limit {
			out = append(out, fmt.Sprintf("… and %d more kinds", len(all)-limit))
			break
		}
		out = append(out, fmt.Sprintf("%d × %s", e.n, e.msg))
	}
	return out
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

// result is the outcome of one run.
type result struct {
	cfg            config
	stats          *stats
	elapsed        time.Duration
	checked        int // ads whose latest acknowledged edit was read back
	missing        []string
	acknowledged   int // edits answered 2xx
	loadBefore     string
	loadAfter      string
	cpus           int
	edits          int // ads under edit
	genCampaigns   int
	generationRuns int // generations started
}

// failures says why the run fails the acceptance, if it does.
func (r *result) failures(readP99 time.Duration) []string {
	var out []string
	if n := r.stats.nErrors; n > 0 {
		out = append(out, fmt.Sprintf("%d errors", n))
	}
	if p := r.stats.summary(classRead).p99; p > readP99 {
		out = append(out, fmt.Sprintf("read p99 %s is above %s", ms(p), ms(readP99)))
	}
	if len(r.missing) > 0 {
		out = append(out, fmt.Sprintf("%d acknowledged writes missing", len(r.missing)))
	}
	return out
}

func (r *result) markdown() string {
	var b strings.Builder
	engine := "SQLite"
	if r.cfg.engine == "postgres" {
		engine = "PostgreSQL"
	}
	procs := fmt.Sprintf("%d × serve", r.cfg.serves)
	if r.cfg.worker {
		procs += " + 1 × worker"
	} else {
		procs += " (jobs in serve)"
	}
	fmt.Fprintf(&b, "### Load: %s, %s\n\n", engine, procs)
	fmt.Fprintf(&b, "`go run ./cmd/loadtest -engine %s -users %d -duration %s` (`make load`): %d users, each an editor with an API token, "+
		"think time %s on average; %d ads under edit by teams of %d, one campaign per user to generate; the model is the scripted one. "+
		"Machine: %d CPUs, load average %s before and %s after.\n\n",
		r.cfg.engine, r.cfg.users, r.cfg.duration, r.cfg.users, r.cfg.think, r.edits, r.cfg.teamSize, r.cpus, r.loadBefore, r.loadAfter)
	read, write := r.stats.summary(classRead), r.stats.summary(classWrite)
	b.WriteString("| users | duration | requests | errors | read p50 | read p95 | read p99 | write p99 | generations completed | SSE streams | acknowledged writes checked | missing |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %s | %d | %d | %s | %s | %s | %s | %d | %d | %d (%d edits, %d conflicts retried) | %d |\n\n",
		r.cfg.users, r.elapsed.Round(time.Second), r.stats.requests(), r.stats.nErrors, ms(read.p50), ms(read.p95), ms(read.p99), ms(write.p99),
		r.stats.gens, r.stats.streams, r.checked, r.acknowledged, r.stats.conflicts, len(r.missing))
	fmt.Fprintf(&b, "Retried, not counted as errors: %d edits answered 412 (the ad changed since it was read: read again, applied again), "+
		"%d generation starts answered 409 (the previous generation's job was still ending).\n\n", r.stats.conflicts, r.stats.genWaits)
	b.WriteString("| operation | count | p50 | p95 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n")
	names := map[string]string{
		classRead: "read (GET)", classWrite: "write (PUT ad texts, If-Match)", classGenerate: "start a generation (POST, 202)",
		classSSE: "event stream to its first event", classRun: "generation, start to last event",
	}
	for _, c := range classes {
		s := r.stats.summary(c)
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", names[c], s.n, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max))
	}
	b.WriteString("\n")
	if errs := r.stats.topErrors(10); len(errs) > 0 {
		b.WriteString("Errors:\n\n")
		for _, e := range errs {
			fmt.Fprintf(&b, "- %s\n", strings.ReplaceAll(e, "\n", " "))
		}
		b.WriteString("\n")
	}
	if len(r.missing) > 0 {
		b.WriteString("Missing acknowledged writes:\n\n")
		for i, m := range r.missing {
			if i == 10 {
				fmt.Fprintf(&b, "- … and %d more\n", len(r.missing)-10)
				break
			}
			fmt.Fprintf(&b, "- %s\n", m)
		}
		b.WriteString("\n")
	}
	return b.String()
}
