// Package telemetry owns what IMAP Hub tells operators about itself:
// Prometheus metrics (HTTP, jobs, language model, Google Ads, database
// pools), OpenTelemetry traces exported over OTLP/HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set, and the trace and request ids in log
// lines. Labels are bounded by construction: route patterns, job kinds,
// configured models, Google's error codes up to a fixed number of distinct
// values; never ids, paths or user input.
package telemetry

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// Metrics holds the registry /metrics serves and every series the product
// records. One App has one Metrics.
type Metrics struct {
	Registry *prometheus.Registry

	httpDuration *prometheus.HistogramVec
	httpInFlight prometheus.Gauge

	jobDuration *prometheus.HistogramVec
	jobInserted *prometheus.CounterVec

	llmCalls    *prometheus.CounterVec
	llmDuration *prometheus.HistogramVec
	llmTokens   *prometheus.CounterVec
	llmCost     *prometheus.CounterVec
	llmRepairs  *prometheus.CounterVec

	adsCalls     *prometheus.CounterVec
	adsDuration  *prometheus.HistogramVec
	adsErrors    *prometheus.CounterVec
	adsRetries   *prometheus.CounterVec
	adsRetryWait *prometheus.CounterVec
	adsCodes     boundedSet
}

// Metric names, exported for the dashboard test.
const (
	MetricHTTPDuration   = "imaphub_http_request_duration_seconds"
	MetricHTTPInFlight   = "imaphub_http_requests_in_flight"
	MetricJobDuration    = "imaphub_job_duration_seconds"
	MetricJobInserted    = "imaphub_jobs_inserted_total"
	MetricJobQueue       = "imaphub_job_queue_depth"
	MetricLLMCalls       = "imaphub_llm_calls_total"
	MetricLLMDuration    = "imaphub_llm_call_duration_seconds"
	MetricLLMTokens      = "imaphub_llm_tokens_total"
	MetricLLMCost        = "imaphub_llm_cost_usd_total"
	MetricLLMRepairs     = "imaphub_llm_repairs_total"
	MetricAdsCalls       = "imaphub_googleads_calls_total"
	MetricAdsDuration    = "imaphub_googleads_call_duration_seconds"
	MetricAdsErrors      = "imaphub_googleads_errors_total"
	MetricAdsRetries     = "imaphub_googleads_retries_total"
	MetricAdsRetryWait   = "imaphub_googleads_retry_wait_seconds_total"
	MetricPoolConns      = "imaphub_pgxpool_connections"
	MetricPoolAcquires   = "imaphub_pgxpool_acquires_total"
	MetricPoolAcquireSec = "imaphub_pgxpool_acquire_wait_seconds_total"
)

var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}

// slowBuckets fit calls to remote services and jobs: seconds to minutes.
var slowBuckets = []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}

// NewMetrics returns a registry with the Go runtime and process collectors
// and every series of the product.
func NewMetrics() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry(), adsCodes: boundedSet{max: 100}}
	m.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: MetricHTTPDuration,
		Help: "Duration of HTTP requests by method, route pattern and status.", Buckets: latencyBuckets},
		[]string{"method", "route", "status"})
	m.httpInFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: MetricHTTPInFlight, Help: "HTTP requests being served."})
	m.jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: MetricJobDuration,
		Help: "Duration of job runs by kind and outcome (completed, failed, cancelled, snoozed).", Buckets: slowBuckets},
		[]string{"kind", "state"})
	m.jobInserted = prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricJobInserted, Help: "Jobs enqueued by this process, by kind."}, []string{"kind"})
	llm := []string{"provider", "model"}
	m.llmCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricLLMCalls,
		Help: "Language model calls by provider, model and outcome (ok, error)."}, append(llm, "outcome"))
	m.llmDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: MetricLLMDuration,
		Help: "Duration of language model calls.", Buckets: slowBuckets}, llm)
	m.llmTokens = prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricLLMTokens,
		Help: "Tokens the language model reported, by type (prompt, completion)."}, append(llm, "type"))
	m.llmCost = prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricLLMCost,
		Help: "Cost in USD of the calls whose provider reported one."}, llm)
	m.llmRepairs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricLLMRepairs,
		Help: "Language model calls that asked again for rejected items."}, llm)
	m.adsCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricAdsCalls,
		Help: "Google Ads API calls (after retries) by method and outcome (ok, error)."}, []string{"method", "outcome"})
	m.adsDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: MetricAdsDuration,
		Help: "Duration of Google Ads API calls, retries and waits included.", Buckets: slowBuckets}, []string{"method"})
	m.adsErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricAdsErrors,
		Help: "Failed Google Ads attempts by method and Google's error code (or http_NNN, network)."}, []string{"method", "code"})
	m.adsRetries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricAdsRetries,
		Help: "Google Ads attempts made again, by method and reason (quota, server, network)."}, []string{"method", "reason"})
	m.adsRetryWait = prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricAdsRetryWait,
		Help: "Seconds spent waiting before Google Ads retries (quota and backoff waits)."}, []string{"method"})
	m.Registry.MustRegister(m.httpDuration, m.httpInFlight, m.jobDuration, m.jobInserted,
		m.llmCalls, m.llmDuration, m.llmTokens, m.llmCost, m.llmRepairs,
		m.adsCalls, m.adsDuration, m.adsErrors, m.adsRetries, m.adsRetryWait)
	return m
}

// WatchSQL exports the database/sql pool statistics of db as go_sql_*
// series with db_name=name.
func (m *Metrics) WatchSQL(name string, db *sql.DB) {
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// WatchPgxPool exports the statistics of a pgx pool (River's listener on
// PostgreSQL) with pool=name.
func (m *Metrics) WatchPgxPool(name string, p *pgxpool.Pool) {
	m.Registry.MustRegister(&pgxPoolCollector{name: name, pool: p,
		conns:    prometheus.NewDesc(MetricPoolConns, "Connections of a pgx pool by state (idle, acquired, constructing).", []string{"pool", "state"}, nil),
		acquires: prometheus.NewDesc(MetricPoolAcquires, "Connections acquired from a pgx pool.", []string{"pool"}, nil),
		waited:   prometheus.NewDesc(MetricPoolAcquireSec, "Seconds spent waiting to acquire a pgx connection.", []string{"pool"}, nil)})
}

type pgxPoolCollector struct {
	name                    string
	pool                    *pgxpool.Pool
	conns, acquires, waited *prometheus.Desc
}

func (c *pgxPoolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.conns
	ch <- c.acquires
	ch <- c.waited
}

func (c *pgxPoolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.IdleConns()), c.name, "idle")
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.AcquiredConns()), c.name, "acquired")
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.ConstructingConns()), c.name, "constructing")
	ch <- prometheus.MustNewConstMetric(c.acquires, prometheus.CounterValue, float64(s.AcquireCount()), c.name)
	ch <- prometheus.MustNewConstMetric(c.waited, prometheus.CounterValue, s.AcquireDuration().Seconds(), c.name)
}

// WatchQueues exports the depth of the job queues, read by count at each
// scrape (bounded by a 5-second timeout; a failed read exports nothing and
// the scrape reports the error).
func (m *Metrics) WatchQueues(count func(ctx context.Context) ([]jobs.QueueCount, error)) {
	m.Registry.MustRegister(&queueCollector{count: count,
		desc: prometheus.NewDesc(MetricJobQueue, "Jobs waiting or running, by queue, kind and state (available, scheduled, retryable, running).",
			[]string{"queue", "kind", "state"}, nil)})
}

type queueCollector struct {
	count func(ctx context.Context) ([]jobs.QueueCount, error)
	desc  *prometheus.Desc
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, q := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(q.Count), q.Queue, q.Kind, q.State)
	}
}

// boundedSet admits up to max distinct values, then answers "other": label
// values that come from outside (Google's error codes) cannot grow the
// number of series without limit.
type boundedSet struct {
	mu   sync.Mutex
	max  int
	seen map[string]bool
}

func (b *boundedSet) admit(v string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen[v] {
		return v
	}
	if len(b.seen) >= b.max {
		return "other"
	}
	if b.seen == nil {
		b.seen = map[string]bool{}
	}
	b.seen[v] = true
	return v
}

// knownMethods are the HTTP methods recorded by name; any other is "other".
var knownMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true}

func methodLabel(m string) string {
	if knownMethods[m] {
		return m
	}
	return "other"
}

// routeLabel is a ServeMux pattern without its method ("GET /api/x/{id}" →
// "/api/x/{id}"); requests no pattern matched share "unmatched".
func routeLabel(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		return pattern[i+1:]
	}
	return pattern
}

// statusRecorder remembers the status a handler wrote; Unwrap keeps
// http.ResponseController (flushes and deadlines of event streams) working.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	http.NewResponseController(r.ResponseWriter).Flush()
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (m *Metrics) observeHTTP(method, pattern string, status int, d time.Duration) {
	m.httpDuration.WithLabelValues(methodLabel(method), routeLabel(pattern), strconv.Itoa(status)).Observe(d.Seconds())
}
