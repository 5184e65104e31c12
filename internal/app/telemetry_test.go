package app_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/riverqueue/river"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
	"github.com/imaphub/imaphub/internal/platform/telemetry"
)

// costPerCall is what the scripted model reports per call (LiteLLM's cost header).
const costPerCall = 0.0025

// scriptedWriter fills every field, except that its first answer holds a
// headline over Google's 30-character limit, so the loop asks again once.
func scriptedWriter() *aitest.Server {
	fill := aitest.Fill(func(field string, n int) string {
		if field == "descriptions" {
			return fmt.Sprintf("Winterreifen Modell %d mit kostenloser Montage vor Ort.", n)
		}
		return fmt.Sprintf("Winterreifen Modell %d", n)
	})
	var mu sync.Mutex
	first := true
	return aitest.NewServer(aitest.ResponderFunc(func(r aitest.Request) aitest.Reply {
		reply := fill.Respond(r)
		reply.Cost = fmt.Sprint(costPerCall)
		mu.Lock()
		defer mu.Unlock()
		var answer map[string][]string
		if first && json.Unmarshal([]byte(reply.Content), &answer) == nil && len(answer["headlines"]) > 0 {
			first = false
			answer["headlines"][0] = strings.Repeat("Viel zu lange Überschrift ", 3)
			reply.Content = aitest.JSON(answer)
		}
		return reply
	}))
}

func fakeGoogleAds(fake *googleadstest.Server) googleads.Config {
	env := fake.Env()
	return googleads.Config{APIURL: env[googleads.EnvAPIURL], APIVersion: env[googleads.EnvAPIVersion], TokenURL: env[googleads.EnvTokenURL],
		ClientID: env[googleads.EnvClientID], ClientSecret: env[googleads.EnvClientSecret], RefreshToken: env[googleads.EnvRefreshToken],
		LoginCustomerID: env[googleads.EnvLoginCustomerID], DeveloperToken: env[googleads.EnvDeveloperToken]}
}

// newSearchCampaign creates a search campaign with one ad group and returns its id.
func newSearchCampaign(t *testing.T, e *apptest.Env, name string) int64 {
	t.Helper()
	campaign := map[string]any{"name": name, "type": "SEARCH", "budget_micros": 50_000_000, "currency": "EUR",
		"languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://reifen-mueller.example/winter",
		"brief": map[string]any{"product": "Winterreifen", "language": "de", "keywords": []string{"winterreifen kaufen"},
			"selling_points": []string{"Kostenlose Montage"}, "business_name": "Reifen Müller"}}
	var c, g struct {
		ID int64 `json:"id"`
	}
	e.Must(t, http.StatusCreated, "POST", "/api/campaigns", campaign).JSON(t, &c)
	e.Must(t, http.StatusCreated, "POST", "/api/ad-groups", map[string]any{"campaign_id": c.ID, "name": "Winterreifen"}).JSON(t, &g)
	return c.ID
}

// generateInBackground starts the generation job of a campaign over HTTP,
// waits until the campaign leaves generating, and returns the request id
// the server answered with.
func generateInBackground(t *testing.T, e *apptest.Env, id int64) string {
	t.Helper()
	r := e.Event(t, http.StatusAccepted, id, "generate")
	reqID := r.Header.Get(telemetry.RequestIDHeader)
	if reqID == "" {
		t.Fatal("the answer has no X-Request-Id")
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		var c struct{ State string }
		e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/campaigns/%d", id), nil).JSON(t, &c)
		if c.State == "review" {
			return reqID
		}
		if c.State != "generating" || time.Now().After(deadline) {
			t.Fatalf("campaign is %s after generation; log:\n%s", c.State, e.Logs)
		}
	}
}

// scrape reads /metrics over HTTP as an admin and parses the text format.
func scrape(t *testing.T, e *apptest.Env) map[string]*dto.MetricFamily {
	t.Helper()
	r := e.Must(t, http.StatusOK, "GET", "/metrics", nil)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("metrics do not parse: %v", err)
	}
	return fams
}

// sample is the value of the series of name with exactly these labels
// (name=value pairs): a counter's or gauge's value, a histogram's count. ok
// is false when there is no such series.
func sample(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	want := map[string]string{}
	for _, l := range labels {
		k, v, _ := strings.Cut(l, "=")
		want[k] = v
	}
next:
	for _, m := range f.Metric {
		if len(m.Label) != len(want) {
			continue
		}
		for _, lp := range m.Label {
			if v, ok := want[lp.GetName()]; !ok || v != lp.GetValue() {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func wantSample(t *testing.T, fams map[string]*dto.MetricFamily, want float64, name string, labels ...string) {
	t.Helper()
	got, ok := sample(fams, name, labels...)
	if !ok {
		var have []string
		if f := fams[name]; f != nil {
			for _, m := range f.Metric {
				have = append(have, fmt.Sprint(m.Label))
			}
		}
		t.Errorf("%s%v: no such series; have %v", name, labels, have)
		return
	}
	if want >= 0 && (got < want-1e-9 || got > want+1e-9) {
		t.Errorf("%s%v = %v, want %v", name, labels, got, want)
	}
}

// After a real request, a generation job on a scripted model with one
// repair, and a Google Ads call that met a temporary quota once, /metrics
// holds each series with its bounded labels and the right counts.
func TestMetricsAfterRealTraffic(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		model := scriptedWriter()
		t.Cleanup(model.Close)
		fake := googleadstest.NewServer()
		t.Cleanup(fake.Close)
		fake.Inject(googleadstest.Fault{Call: "search", Kind: googleadstest.FaultTemporaryQuota, RetryDelay: 10 * time.Millisecond})
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 2, LLM: apptest.ScriptedModel(model.URL), GoogleAds: fakeGoogleAds(fake),
			GoogleAdsOptions: []googleads.Option{googleads.WithRetryPolicy(googleads.RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: 5 * time.Second})}})

		id := newSearchCampaign(t, e, "Winter")
		generateInBackground(t, e, id)
		e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/campaigns/%d", id), nil)
		e.DoAs(t, auth.Editor, "GET", "/api/google-ads/accounts", nil)
		// A job waiting an hour shows in the queue depth.
		if _, err := e.App.Jobs.River.Insert(context.Background(), generation.GenerateArgs{CampaignID: id + 1000},
			&river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}

		fams := scrape(t, e)
		// HTTP: by route pattern, never by id.
		wantSample(t, fams, 1, telemetry.MetricHTTPDuration, "method=POST", "route=/api/campaigns/{id}/generate", "status=202")
		wantSample(t, fams, 1, telemetry.MetricHTTPDuration, "method=POST", "route=/api/campaigns", "status=201")
		wantSample(t, fams, -1, telemetry.MetricHTTPDuration, "method=GET", "route=/api/campaigns/{id}", "status=200")
		for _, m := range fams[telemetry.MetricHTTPDuration].Metric {
			for _, l := range m.Label {
				if l.GetName() == "route" && regexp.MustCompile(`/\d`).MatchString(l.GetValue()) {
					t.Errorf("a route label holds an id: %s", l.GetValue())
				}
			}
		}
		// Jobs.
		wantSample(t, fams, 1, telemetry.MetricJobDuration, "kind=generate", "state=completed")
		wantSample(t, fams, 2, telemetry.MetricJobInserted, "kind=generate")
		wantSample(t, fams, 1, telemetry.MetricJobQueue, "queue=default", "kind=generate", "state=scheduled")
		// The language model: every call the scripted server answered.
		calls := float64(len(model.Handler.Requests()))
		if calls < 2 {
			t.Fatalf("the model was called %v times; the scripted repair needs 2 or more", calls)
		}
		llm := []string{"provider=openai", "model=scripted"}
		wantSample(t, fams, calls, telemetry.MetricLLMCalls, append(llm, "outcome=ok")...)
		wantSample(t, fams, calls, telemetry.MetricLLMDuration, llm...)
		// A repair names the problems of the last answer to the model.
		repairs := 0.0
		for _, r := range model.Handler.Requests() {
			if strings.Contains(r.Messages[len(r.Messages)-1].Content, "<rejected>") {
				repairs++
			}
		}
		if repairs < 1 {
			t.Fatal("the scripted overlong headline caused no repair")
		}
		wantSample(t, fams, repairs, telemetry.MetricLLMRepairs, llm...)
		wantSample(t, fams, calls*costPerCall, telemetry.MetricLLMCost, llm...)
		for _, typ := range []string{"prompt", "completion"} {
			if v, _ := sample(fams, telemetry.MetricLLMTokens, append(llm, "type="+typ)...); v <= 0 {
				t.Errorf("%s tokens: %v", typ, v)
			}
		}
		// Google Ads: one call, one quota refusal, one retry after a wait.
		method := "method=googleAds:search"
		wantSample(t, fams, 1, telemetry.MetricAdsCalls, method, "outcome=ok")
		wantSample(t, fams, 1, telemetry.MetricAdsErrors, method, "code=quotaError.RESOURCE_TEMPORARILY_EXHAUSTED")
		wantSample(t, fams, 1, telemetry.MetricAdsRetries, method, "reason=quota")
		if v, _ := sample(fams, telemetry.MetricAdsRetryWait, method); v < 0.01 {
			t.Errorf("retry wait %v s, want at least Google's retryDelay of 10 ms", v)
		}
		// Database pools.
		pool := "db_name=main"
		if d.Engine == db.SQLite {
			pool = "db_name=write"
			wantSample(t, fams, -1, "go_sql_max_open_connections", "db_name=read")
		}
		wantSample(t, fams, -1, "go_sql_max_open_connections", pool)

		// Every metric the example dashboard charts is one the product exports.
		checkDashboard(t, fams, d.Engine)
	})
}

// checkDashboard reads deploy/grafana/imaphub.json and fails for every
// metric named in a panel's expression that the scrape does not hold.
func checkDashboard(t *testing.T, fams map[string]*dto.MetricFamily, engine db.Engine) {
	t.Helper()
	raw, err := os.ReadFile("../../deploy/grafana/imaphub.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("dashboard is not valid JSON: %v", err)
	}
	exported := func(name string) bool {
		if fams[name] != nil {
			return true
		}
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); ok && fams[base] != nil && fams[base].GetType() == dto.MetricType_HISTOGRAM {
				return true
			}
		}
		return false
	}
	metricName := regexp.MustCompile(`\b(imaphub_[a-z0-9_]+|go_[a-z0-9_]+|process_[a-z0-9_]+)\b`)
	seen := 0
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			for _, name := range metricName.FindAllString(target.Expr, -1) {
				seen++
				// The pgx pool is River's listener on PostgreSQL only.
				if strings.HasPrefix(name, "imaphub_pgxpool_") && engine == db.SQLite {
					continue
				}
				if !exported(name) {
					t.Errorf("dashboard panel %q charts %s, which /metrics does not export", p.Title, name)
				}
			}
		}
	}
	if seen < 10 {
		t.Errorf("the dashboard names only %d metrics", seen)
	}
}

// otlpReceiver is an OTLP/HTTP collector: it decodes each export with the
// protocol's own generated types (an ExportTraceServiceRequest is field 1,
// repeated ResourceSpans; the generated service package would link gRPC).
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
	bad   []string
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct{ ResourceSpans []*tracepb.ResourceSpans }
	o.mu.Lock()
	defer o.mu.Unlock()
	if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" || r.Header.Get("Api-Key") != "collector-key" {
		o.bad = append(o.bad, r.URL.Path+" "+r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	for len(body) > 0 {
		num, typ, n := protowire.ConsumeTag(body)
		if n < 0 || num != 1 || typ != protowire.BytesType {
			o.bad = append(o.bad, fmt.Sprintf("field %d of type %d in the request", num, typ))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		msg, m := protowire.ConsumeBytes(body[n:])
		rs := &tracepb.ResourceSpans{}
		if m < 0 || proto.Unmarshal(msg, rs) != nil {
			o.bad = append(o.bad, "undecodable ResourceSpans")
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		req.ResourceSpans = append(req.ResourceSpans, rs)
		body = body[n+m:]
	}
	for _, rs := range req.ResourceSpans {
		svc := ""
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.Key == "service.name" {
				svc = kv.GetValue().GetStringValue()
			}
		}
		if svc != "imaphub" {
			o.bad = append(o.bad, "service.name "+svc)
		}
		for _, ss := range rs.ScopeSpans {
			o.spans = append(o.spans, ss.Spans...)
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
}

func attr(s *tracepb.Span, key string) string {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			return kv.GetValue().GetStringValue()
		}
	}
	return ""
}

// A generation started over HTTP on a scripted model reaches an OTLP/HTTP
// collector as one trace: the request's span, the job's span as its child
// (the trace context travelled in the job's metadata), and each model call
// as a child of the job's span. Lines the request logs carry its ids.
func TestTracesFollowARequestIntoItsJobAndModelCalls(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		rcv := &otlpReceiver{}
		collector := httptest.NewServer(rcv)
		t.Cleanup(collector.Close)
		t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
		t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "api-key=collector-key")
		cfg, err := telemetry.TracingFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		stop, err := telemetry.StartTracing(context.Background(), cfg, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })

		model := scriptedWriter()
		t.Cleanup(model.Close)
		fake := googleadstest.NewServer()
		t.Cleanup(fake.Close)
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 2, LLM: apptest.ScriptedModel(model.URL), GoogleAds: fakeGoogleAds(fake)})
		id := newSearchCampaign(t, e, "Winter")
		reqID := generateInBackground(t, e, id)
		// The campaign is in review once the job has stored its result; the
		// job's span ends when its run returns, before River records the
		// job completed.
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
			var page struct {
				Items []struct {
					QueueState string `json:"queue_state"`
				}
			}
			e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/jobs?subject_type=campaign&subject_id=%d&kind=%s", id, generation.GenerateKind), nil).JSON(t, &page)
			if len(page.Items) == 1 && page.Items[0].QueueState == "completed" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the generation job is not completed after a minute: %+v", page.Items)
			}
		}
		accountsID := e.DoAs(t, auth.Editor, "GET", "/api/google-ads/accounts", nil).Header.Get(telemetry.RequestIDHeader)
		if err := stop(context.Background()); err != nil {
			t.Fatalf("flushing spans: %v", err)
		}

		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if len(rcv.bad) > 0 {
			t.Fatalf("the collector refused exports: %v", rcv.bad)
		}
		var request *tracepb.Span
		for _, s := range rcv.spans {
			if attr(s, "imaphub.request_id") == reqID {
				request = s
			}
		}
		if request == nil {
			t.Fatalf("no span of request %s among %d spans", reqID, len(rcv.spans))
		}
		if request.Name != "POST /api/campaigns/{id}/generate" || request.Kind != tracepb.Span_SPAN_KIND_SERVER || attr(request, "http.route") != "/api/campaigns/{id}/generate" {
			t.Errorf("request span: %q kind %v route %q", request.Name, request.Kind, attr(request, "http.route"))
		}
		var jobSpans, llmSpans []*tracepb.Span
		for _, s := range rcv.spans {
			if !bytes.Equal(s.TraceId, request.TraceId) {
				continue
			}
			switch {
			case s.Name == "job "+generation.GenerateKind:
				jobSpans = append(jobSpans, s)
			case strings.HasPrefix(s.Name, "llm "):
				llmSpans = append(llmSpans, s)
			}
		}
		if len(jobSpans) != 1 || !bytes.Equal(jobSpans[0].ParentSpanId, request.SpanId) {
			t.Fatalf("job spans in the request's trace: %d (want 1, child of the request %s)", len(jobSpans), hex.EncodeToString(request.SpanId))
		}
		job := jobSpans[0]
		if attr(job, "imaphub.job.outcome") != "completed" {
			t.Errorf("job outcome %q", attr(job, "imaphub.job.outcome"))
		}
		if len(llmSpans) != len(model.Handler.Requests()) {
			t.Errorf("%d model-call spans in the trace, the model answered %d calls", len(llmSpans), len(model.Handler.Requests()))
		}
		for _, s := range llmSpans {
			if !bytes.Equal(s.ParentSpanId, job.SpanId) || s.Kind != tracepb.Span_SPAN_KIND_CLIENT || attr(s, "gen_ai.request.model") != "scripted" {
				t.Errorf("model-call span %q: parent %x (job %x), kind %v, model %q", s.Name, s.ParentSpanId, job.SpanId, s.Kind, attr(s, "gen_ai.request.model"))
			}
			if s.StartTimeUnixNano < job.StartTimeUnixNano || s.EndTimeUnixNano > job.EndTimeUnixNano {
				t.Errorf("model-call span %q lies outside its job", s.Name)
			}
		}
		// No prompt or answer text travels in a span.
		for _, s := range rcv.spans {
			for _, kv := range s.Attributes {
				if strings.Contains(kv.GetValue().GetStringValue(), "Winterreifen") {
					t.Errorf("span %q attribute %s holds campaign text", s.Name, kv.Key)
				}
			}
		}
		if !slices.ContainsFunc(rcv.spans, func(s *tracepb.Span) bool { return s.Name == "GET /api/campaigns/{id}" }) {
			t.Error("no span of the polling GETs")
		}
		// A Google Ads call is a client span under the request that made it.
		var accounts *tracepb.Span
		for _, s := range rcv.spans {
			if attr(s, "imaphub.request_id") == accountsID {
				accounts = s
			}
		}
		if accounts == nil {
			t.Fatal("no span of GET /api/google-ads/accounts")
		}
		ads := 0
		for _, s := range rcv.spans {
			if bytes.Equal(s.ParentSpanId, accounts.SpanId) && strings.HasPrefix(s.Name, "googleads ") {
				ads++
				if s.Kind != tracepb.Span_SPAN_KIND_CLIENT || attr(s, "rpc.method") == "" || !bytes.Equal(s.TraceId, accounts.TraceId) {
					t.Errorf("Google Ads span %q: kind %v method %q", s.Name, s.Kind, attr(s, "rpc.method"))
				}
			}
		}
		if ads == 0 {
			t.Error("no Google Ads span under the accounts request")
		}
	})
}
