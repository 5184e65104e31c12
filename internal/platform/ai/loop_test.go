package ai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
)

// RSACopy is an ad-like target: the loop knows nothing about ads, the test
// validators carry the limits.
type RSACopy struct {
	Headlines    []string `json:"headlines" desc:"Ad headlines"`
	Descriptions []string `json:"descriptions" desc:"Ad descriptions"`
}

var limits = map[string]int{"headlines": 30, "descriptions": 90}

func widthLimit(slot string, _ int, v string) []ai.Problem {
	n, limit := utf8.RuneCountInString(v), limits[slot]
	if n > limit {
		return []ai.Problem{{Code: "too_long", Width: n, Limit: limit, Message: fmt.Sprintf("Shorten it by %d characters", n-limit)}}
	}
	return nil
}

func rsaSpec(headlines, descriptions int) ai.Spec {
	return ai.Spec{
		Slots: []ai.Slot{
			{Name: "headlines", Count: headlines, Rule: "each at most 30 characters"},
			{Name: "descriptions", Count: descriptions, Rule: "each at most 90 characters"},
		},
		ValidateItem: widthLimit,
		ValidateSet:  ai.RejectDuplicates,
	}
}

const (
	system = "You write Google Ads copy for a shoe shop."
	user   = "Brand: Stride. Keywords: running shoes."
)

type bundle struct {
	srv      *aitest.Server
	provider *ai.OpenAI
	events   *[]ai.Event
}

func setup(t *testing.T, r aitest.Responder, mode ai.Mode) bundle {
	t.Helper()
	srv := aitest.NewServer(r)
	t.Cleanup(srv.Close)
	return bundle{
		srv:      srv,
		provider: ai.NewOpenAI(ai.Config{BaseURL: srv.URL, APIKey: "sk-test", Model: "scripted", Mode: mode}),
		events:   &[]ai.Event{},
	}
}

func (b bundle) request(spec ai.Spec) ai.Request {
	return ai.Request{
		Name: "rsa_copy", System: system, User: user, Spec: spec, PromptVersion: "rsa/v1",
		Retry:   ai.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Second},
		OnEvent: func(e ai.Event) { *b.events = append(*b.events, e) },
	}
}

func answer(h, d []string) string {
	m := map[string][]string{}
	if h != nil {
		m["headlines"] = h
	}
	if d != nil {
		m["descriptions"] = d
	}
	return aitest.JSON(m)
}

// schemaProps returns the property names, in order, and their descriptions
// of the schema a request carried.
func schemaProps(t *testing.T, r aitest.Request) []string {
	t.Helper()
	var out []string
	for _, f := range r.Fields() {
		out = append(out, fmt.Sprintf("%s=%d", f.Name, f.Count))
	}
	return out
}

func roles(r aitest.Request) []string {
	var out []string
	for _, m := range r.Messages {
		out = append(out, m.Role)
	}
	return out
}

func TestRepairAsksOnlyForFailingSlotsWithTheirErrors(t *testing.T) {
	b := setup(t, aitest.Script(
		aitest.Reply{Content: answer(
			[]string{"Stride Running Shoes", "Running Shoes For Every Road And Trail", "stride running  shoes"},
			[]string{"Light running shoes with free returns.", "Find your stride today."},
		)},
		aitest.Reply{Content: answer([]string{"Free Returns On All Shoes", "Run Lighter Today"}, nil)},
	), ai.ModeJSONSchema)

	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, b.request(rsaSpec(3, 2)))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := RSACopy{
		Headlines:    []string{"Stride Running Shoes", "Free Returns On All Shoes", "Run Lighter Today"},
		Descriptions: []string{"Light running shoes with free returns.", "Find your stride today."},
	}
	if diff := cmp.Diff(want, res.Value); diff != "" {
		t.Errorf("value (-want +got):\n%s", diff)
	}

	reqs := b.srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("server got %d requests, want 2", len(reqs))
	}
	if got := schemaProps(t, reqs[0]); !slices.Equal(got, []string{"headlines=3", "descriptions=2"}) {
		t.Errorf("first schema asks %v", got)
	}
	repair := reqs[1]
	if got := schemaProps(t, repair); !slices.Equal(got, []string{"headlines=2"}) {
		t.Errorf("repair schema asks %v, want only the failing slot", got)
	}
	if got := roles(repair); !slices.Equal(got, []string{"system", "user", "user"}) {
		t.Fatalf("repair roles %v: want the original request plus one repair message, no assistant turns", got)
	}
	if repair.Messages[0].Content != system || repair.Messages[1].Content != user {
		t.Errorf("repair does not start with the original request: %q", repair.Messages[:2])
	}
	wantRepair := `Rejected (data):
<rejected>
headlines[1] "Running Shoes For Every Road And Trail": too_long 38/30 characters (Shorten it by 8 characters)
headlines[2] "stride running  shoes": duplicate (repeats accepted headlines[0])
</rejected>

Kept (data); do not repeat or nearly copy:
<kept>
headlines:
Stride Running Shoes
</kept>

Return only the JSON object: headlines (2 new).`
	if diff := cmp.Diff(wantRepair, repair.Messages[2].Content); diff != "" {
		t.Errorf("repair message (-want +got):\n%s", diff)
	}

	rep := res.Report
	if rep.Provider != "openai" || rep.Model != "scripted" || rep.PromptVersion != "rsa/v1" || rep.Stop != ai.StopComplete {
		t.Errorf("report header = %q %q %q %q", rep.Provider, rep.Model, rep.PromptVersion, rep.Stop)
	}
	if rep.Repairs != 1 || len(rep.Attempts) != 2 || rep.Attempts[1].Kind != ai.AttemptRepair {
		t.Errorf("repairs %d, attempts %d", rep.Repairs, len(rep.Attempts))
	}
	if n := len(rep.Attempts[0].Problems); n != 2 || rep.Attempts[0].Accepted != 3 {
		t.Errorf("attempt 1: %d problems, %d accepted", n, rep.Attempts[0].Accepted)
	}
	// Usage is what the server counted, summed over both calls.
	wantPrompt := 0
	for _, r := range reqs {
		wantPrompt += (len(r.Body) + 3) / 4
	}
	if rep.Usage.PromptTokens != wantPrompt || rep.Usage.PromptTokens != rep.Attempts[0].Usage.PromptTokens+rep.Attempts[1].Usage.PromptTokens {
		t.Errorf("prompt tokens %d, want %d", rep.Usage.PromptTokens, wantPrompt)
	}
	if rep.Attempts[1].CallID != "scripted-2" {
		t.Errorf("call id %q", rep.Attempts[1].CallID)
	}

	var kinds []string
	for _, e := range *b.events {
		kinds = append(kinds, fmt.Sprintf("%d %s", e.Attempt, e.Kind))
	}
	wantKinds := []string{
		"1 request", "1 response", "1 item_accepted", "1 item_rejected", "1 item_rejected", "1 item_accepted", "1 item_accepted",
		"2 repair", "2 request", "2 response", "2 item_accepted", "2 item_accepted", "2 done",
	}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestToleratesFencesProseAndBrokenJSON(t *testing.T) {
	b := setup(t, aitest.Script(
		aitest.Reply{Content: "Sure! Here you go:\n```json\n" + answer([]string{"Stride Running Shoes"}, []string{"Light running shoes."}) + "\n```\nHope this helps."},
		aitest.Reply{Content: `{"headlines": ["Run Lighter Today", "Free Returns On All Shoes",, }`},
		aitest.Reply{Content: `I am not sure what you want.`},
		aitest.Reply{Content: `{"headlines": ["Run Lighter Today", "Free Returns On All Shoes",]}`},
	), ai.ModeJSONSchema)
	req := b.request(rsaSpec(3, 1))
	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(res.Value.Headlines) != 3 || res.Value.Descriptions[0] != "Light running shoes." {
		t.Errorf("value %+v", res.Value)
	}
	var codes [][]string
	for _, a := range res.Report.Attempts {
		var cs []string
		for _, p := range a.Problems {
			cs = append(cs, p.Path+" "+p.Code)
		}
		codes = append(codes, cs)
	}
	want := [][]string{
		{"headlines missing"},
		{"$ invalid_json"},
		{"$ invalid_json"},
		nil,
	}
	if diff := cmp.Diff(want, codes); diff != "" {
		t.Errorf("problems per attempt (-want +got):\n%s", diff)
	}
	// Each repair names only the latest error, never the earlier ones.
	reqs := b.srv.Requests()
	last := reqs[3].Messages[2].Content
	if !strings.Contains(last, "$: invalid_json (no JSON object in the output)\n") || strings.Contains(last, "missing") {
		t.Errorf("last repair message:\n%s", last)
	}
}

func TestRateLimitAndServerErrorsAreRetriedNotRepaired(t *testing.T) {
	b := setup(t, aitest.Script(
		aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "1", Content: "slow down"},
		aitest.Reply{Status: http.StatusBadGateway, Content: "upstream hiccup"},
		aitest.Reply{Content: answer([]string{"Stride Running Shoes"}, []string{"Light running shoes."})},
	), ai.ModeJSONSchema)
	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, b.request(rsaSpec(1, 1)))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := len(b.srv.Requests()); n != 3 {
		t.Errorf("server got %d requests, want 3", n)
	}
	rep := res.Report
	if len(rep.Attempts) != 1 || rep.Attempts[0].Retries != 2 || rep.Repairs != 0 {
		t.Errorf("attempts %d, retries %d, repairs %d", len(rep.Attempts), rep.Attempts[0].Retries, rep.Repairs)
	}
	var waits []time.Duration
	for _, e := range *b.events {
		if e.Kind == ai.EventRetry {
			waits = append(waits, e.Wait)
		}
	}
	if len(waits) != 2 || waits[0] != time.Second || waits[1] > 2*time.Millisecond {
		t.Errorf("retry waits %v: want Retry-After's 1s, then a short backoff", waits)
	}
}

func TestClientErrorIsNotRetried(t *testing.T) {
	b := setup(t, aitest.Script(aitest.Reply{Status: http.StatusUnauthorized, Content: "bad key"}), ai.ModeJSONSchema)
	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, b.request(rsaSpec(1, 1)))
	var te *ai.TransportError
	if !errors.Is(err, ai.ErrExhausted) || !errors.As(err, &te) || te.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want exhausted with a 401 transport error", err)
	}
	if n := len(b.srv.Requests()); n != 1 || res.Report.Stop != ai.StopTransport {
		t.Errorf("requests %d, stop %q", n, res.Report.Stop)
	}
	if strings.Contains(err.Error(), "sk-test") {
		t.Errorf("error leaks the key: %v", err)
	}
}

func TestTruncatedAnswerAsksForFewerItemsWithoutUsingRepairs(t *testing.T) {
	b := setup(t, aitest.Script(
		aitest.Reply{Content: `{"headlines": ["Stride Running Shoes", "Run Lighter To`, FinishReason: "length"},
		aitest.Reply{Content: answer([]string{"Free Returns On All Shoes", "Run Lighter Today"}, nil)},
		aitest.Reply{Content: answer(nil, []string{"Light running shoes.", "Find your stride."})},
	), ai.ModeJSONSchema)
	req := b.request(rsaSpec(3, 2))
	req.Budget.MaxRepairs = -1 // a repair would fail the run
	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	reqs := b.srv.Requests()
	var asked [][]string
	for _, r := range reqs {
		asked = append(asked, schemaProps(t, r))
	}
	want := [][]string{{"headlines=3", "descriptions=2"}, {"headlines=2"}, {"descriptions=2"}}
	if diff := cmp.Diff(want, asked); diff != "" {
		t.Errorf("asked per call (-want +got):\n%s", diff)
	}
	if res.Value.Headlines[0] != "Stride Running Shoes" {
		t.Errorf("the complete item before the cut was not kept: %v", res.Value.Headlines)
	}
	var kinds []ai.AttemptKind
	for _, a := range res.Report.Attempts {
		kinds = append(kinds, a.Kind)
	}
	if !slices.Equal(kinds, []ai.AttemptKind{ai.AttemptInitial, ai.AttemptContinuation, ai.AttemptContinuation}) || res.Report.Repairs != 0 {
		t.Errorf("kinds %v, repairs %d", kinds, res.Report.Repairs)
	}
}

func TestTruncatedSingleItemGetsMoreTokens(t *testing.T) {
	b := setup(t, aitest.Script(
		aitest.Reply{Content: `{"headlines": ["Stride Run`, FinishReason: "length"},
		aitest.Reply{Content: answer([]string{"Stride Running Shoes"}, nil)},
	), ai.ModeJSONSchema)
	spec := rsaSpec(1, 1)
	spec.Slots = spec.Slots[:1]
	req := ai.Request{System: system, User: user, Spec: spec, Budget: ai.Budget{MaxCompletionTokens: 16}}
	if _, err := ai.RunTyped[struct {
		Headlines []string `json:"headlines"`
	}](context.Background(), b.provider, req); err != nil {
		t.Fatalf("Run: %v", err)
	}
	reqs := b.srv.Requests()
	if reqs[0].MaxCompletionTokens != 16 || reqs[1].MaxCompletionTokens != 32 {
		t.Errorf("max_completion_tokens %d then %d, want 16 then 32", reqs[0].MaxCompletionTokens, reqs[1].MaxCompletionTokens)
	}
}

// stubborn always writes the same over-long headline and a fine description.
var stubborn = aitest.ResponderFunc(func(r aitest.Request) aitest.Reply {
	m := map[string][]string{}
	for _, f := range r.Fields() {
		for range f.Count {
			if f.Name == "headlines" {
				m[f.Name] = append(m[f.Name], "The Most Comfortable Running Shoes Ever Made")
			} else {
				m[f.Name] = append(m[f.Name], fmt.Sprintf("Description %d for runners.", len(m[f.Name])+1))
			}
		}
	}
	return aitest.Reply{Content: aitest.JSON(m), Cost: "0.001"}
})

func TestModelThatNeverGetsItRightFailsClearlyWithPartialResult(t *testing.T) {
	b := setup(t, stubborn, ai.ModeJSONSchema)
	req := b.request(rsaSpec(2, 2))
	req.Budget = ai.Budget{MaxRepairs: 2, RepeatLimit: 10}
	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req)

	var ee *ai.ExhaustedError
	if !errors.As(err, &ee) || !errors.Is(err, ai.ErrExhausted) {
		t.Fatalf("err = %v, want ExhaustedError", err)
	}
	if ee.Reason != ai.StopMaxRepairs || !slices.Equal(ee.Missing, []ai.Want{{Slot: "headlines", Count: 2}}) {
		t.Errorf("reason %q, missing %v", ee.Reason, ee.Missing)
	}
	wantMsg := "ai: gave up (max_repairs): missing 2 headlines; last errors: headlines[0] too_long (44/30) headlines[1] too_long (44/30)"
	if err.Error() != wantMsg {
		t.Errorf("error:\n got %s\nwant %s", err, wantMsg)
	}
	if diff := cmp.Diff(RSACopy{Headlines: []string{}, Descriptions: []string{"Description 1 for runners.", "Description 2 for runners."}}, res.Value); diff != "" {
		t.Errorf("partial value (-want +got):\n%s", diff)
	}
	rep := res.Report
	if len(rep.Attempts) != 3 || rep.Repairs != 2 || rep.Stop != ai.StopMaxRepairs {
		t.Errorf("attempts %d, repairs %d, stop %q", len(rep.Attempts), rep.Repairs, rep.Stop)
	}
	if rep.Usage.CostUSD < 0.00299 || rep.Usage.CostUSD > 0.00301 || !rep.Usage.CostReported {
		t.Errorf("cost %v reported %v, want 0.003 from three LiteLLM cost headers", rep.Usage.CostUSD, rep.Usage.CostReported)
	}
	// No growing history: the second and third calls are the same request.
	reqs := b.srv.Requests()
	if string(reqs[1].Body) != string(reqs[2].Body) {
		t.Errorf("repair requests differ:\n%s\n%s", reqs[1].Body, reqs[2].Body)
	}
	if !slices.ContainsFunc(*b.events, func(e ai.Event) bool { return e.Kind == ai.EventExhausted && e.Reason == ai.StopMaxRepairs }) {
		t.Error("no exhausted event")
	}
}

func TestRepeatedErrorStopsEarly(t *testing.T) {
	b := setup(t, stubborn, ai.ModeJSONSchema)
	req := b.request(rsaSpec(2, 2))
	req.Budget = ai.Budget{MaxRepairs: 10, RepeatLimit: 2}
	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req)
	if !errors.Is(err, ai.ErrExhausted) || res.Report.Stop != ai.StopRepeated || len(res.Report.Attempts) != 2 {
		t.Errorf("err %v, stop %q after %d attempts; want repeated_error after 2", err, res.Report.Stop, len(res.Report.Attempts))
	}
}

func TestTokenBudgetStopsBeforeTheNextCall(t *testing.T) {
	b := setup(t, stubborn, ai.ModeJSONSchema)
	req := b.request(rsaSpec(2, 2))
	req.Budget = ai.Budget{MaxTokens: 1}
	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req)
	if !errors.Is(err, ai.ErrExhausted) || res.Report.Stop != ai.StopTokens || len(b.srv.Requests()) != 1 {
		t.Errorf("err %v, stop %q, %d calls", err, res.Report.Stop, len(b.srv.Requests()))
	}
	if res.Report.Usage.TotalTokens() == 0 {
		t.Error("usage of the spent call is missing from the failure report")
	}
}

func TestDeadlineEndsTheRun(t *testing.T) {
	slow := aitest.ResponderFunc(func(r aitest.Request) aitest.Reply {
		time.Sleep(200 * time.Millisecond)
		return stubborn.Respond(r)
	})
	b := setup(t, slow, ai.ModeJSONSchema)
	req := b.request(rsaSpec(2, 2))
	req.Budget = ai.Budget{Deadline: time.Now().Add(50 * time.Millisecond)}
	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req)
	if !errors.Is(err, ai.ErrExhausted) || !errors.Is(err, context.DeadlineExceeded) || res.Report.Stop != ai.StopDeadline {
		t.Errorf("err %v, stop %q", err, res.Report.Stop)
	}
}

func TestRefusalIsRepaired(t *testing.T) {
	b := setup(t, aitest.Script(
		aitest.Reply{Refusal: "I can't help with that."},
		aitest.Reply{Content: answer([]string{"Stride Running Shoes"}, []string{"Light running shoes."})},
	), ai.ModeJSONSchema)
	res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, b.request(rsaSpec(1, 1)))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if p := res.Report.Attempts[0].Problems; len(p) != 1 || p[0].Code != "refusal" {
		t.Errorf("problems %+v", p)
	}
}

func TestModesShapeTheRequest(t *testing.T) {
	tests := []struct {
		mode  ai.Mode
		check func(t *testing.T, r aitest.Request, body map[string]json.RawMessage)
	}{
		{ai.ModeJSONSchema, func(t *testing.T, r aitest.Request, body map[string]json.RawMessage) {
			var rf struct {
				Type       string `json:"type"`
				JSONSchema struct {
					Name   string `json:"name"`
					Strict bool   `json:"strict"`
				} `json:"json_schema"`
			}
			_ = json.Unmarshal(r.ResponseFormat, &rf)
			if rf.Type != "json_schema" || !rf.JSONSchema.Strict || rf.JSONSchema.Name != "rsa_copy" {
				t.Errorf("response_format %s", r.ResponseFormat)
			}
		}},
		{ai.ModeTools, func(t *testing.T, r aitest.Request, body map[string]json.RawMessage) {
			var tools []struct {
				Function struct {
					Name   string `json:"name"`
					Strict bool   `json:"strict"`
				} `json:"function"`
			}
			_ = json.Unmarshal(r.Tools, &tools)
			if len(tools) != 1 || !tools[0].Function.Strict || tools[0].Function.Name != "rsa_copy" || !strings.Contains(string(body["tool_choice"]), "rsa_copy") {
				t.Errorf("tools %s, tool_choice %s", r.Tools, body["tool_choice"])
			}
		}},
		{ai.ModeJSON, func(t *testing.T, r aitest.Request, body map[string]json.RawMessage) {
			if !strings.Contains(string(r.ResponseFormat), "json_object") || !strings.HasPrefix(r.Messages[0].Content, system+"\n\n") {
				t.Errorf("response_format %s, system %q", r.ResponseFormat, r.Messages[0].Content)
			}
		}},
		{ai.ModePrompt, func(t *testing.T, r aitest.Request, body map[string]json.RawMessage) {
			if _, ok := body["response_format"]; ok {
				t.Errorf("prompt mode sent response_format %s", r.ResponseFormat)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			t.Parallel()
			b := setup(t, aitest.Fill(func(field string, n int) string { return fmt.Sprintf("%s %d", field, n) }), tt.mode)
			res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, b.request(rsaSpec(2, 1)))
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !slices.Equal(res.Value.Headlines, []string{"headlines 0", "headlines 1"}) {
				t.Errorf("headlines %v", res.Value.Headlines)
			}
			r := b.srv.Requests()[0]
			// Whatever the mode, the server can see the requested fields.
			if got := schemaProps(t, r); !slices.Equal(got, []string{"headlines=2", "descriptions=1"}) {
				t.Errorf("fields %v", got)
			}
			if auth := r.Header.Get("Authorization"); auth != "Bearer sk-test" {
				t.Errorf("Authorization %q", auth)
			}
			var body map[string]json.RawMessage
			_ = json.Unmarshal(r.Body, &body)
			tt.check(t, r, body)
		})
	}
}

func TestSpecMustMatchTheTarget(t *testing.T) {
	b := setup(t, stubborn, ai.ModeJSONSchema)
	spec := rsaSpec(1, 1)
	spec.Slots = spec.Slots[:1]
	if _, err := ai.RunTyped[RSACopy](context.Background(), b.provider, b.request(spec)); err == nil || !strings.Contains(err.Error(), `"descriptions"`) {
		t.Errorf("err = %v, want the unmapped field named", err)
	}
	if n := len(b.srv.Requests()); n != 0 {
		t.Errorf("a bad spec still called the model %d times", n)
	}
}

func retryWaits(events []ai.Event) []time.Duration {
	var waits []time.Duration
	for _, e := range events {
		if e.Kind == ai.EventRetry {
			waits = append(waits, e.Wait)
		}
	}
	return waits
}

// A rate limit asking for a wait longer than the run has left fails the run
// at once, saying how long the provider asked to wait: no retry, no sleep.
func TestRetryAfterBeyondTheDeadlineFailsAtOnceNamingTheWait(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply aitest.Reply
		want  string
	}{
		{"seconds", aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "120", Content: "Rate limit reached"}, "asked to wait 2m0s"},
		{"milliseconds", aitest.Reply{Status: http.StatusTooManyRequests, RetryAfterMs: "120000", Content: "Rate limit reached"}, "asked to wait 2m0s"},
		{"HTTP date", aitest.Reply{Status: http.StatusServiceUnavailable, RetryAfter: time.Now().Add(10 * time.Minute).UTC().Format(http.TimeFormat), Content: "overloaded"}, "asked to wait 9m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := setup(t, aitest.Script(tc.reply, aitest.Reply{Content: answer([]string{"Stride Running Shoes"}, []string{"Light running shoes."})}), ai.ModeJSONSchema)
			req := b.request(rsaSpec(1, 1))
			req.Budget.Deadline = time.Now().Add(time.Minute)
			res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req)
			if !errors.Is(err, ai.ErrExhausted) || res.Report.Stop != ai.StopTransport {
				t.Fatalf("err %v, stop %q", err, res.Report.Stop)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || !strings.Contains(msg, "Retry-After") || !strings.Contains(msg, "left of this run") {
				t.Errorf("error does not name the wait: %v", err)
			}
			if n := len(b.srv.Requests()); n != 1 || len(retryWaits(*b.events)) != 0 {
				t.Errorf("%d requests, retry waits %v: want one request and no wait", n, retryWaits(*b.events))
			}
		})
	}
}

// A wait the provider asks for is honoured in full when the run has time for
// it, even beyond the policy's cap on its own backoff.
func TestRetryAfterWithinTheDeadlineIsHonouredUncapped(t *testing.T) {
	b := setup(t, aitest.Script(
		aitest.Reply{Status: http.StatusTooManyRequests, RetryAfterMs: "300"},
		aitest.Reply{Content: answer([]string{"Stride Running Shoes"}, []string{"Light running shoes."})},
	), ai.ModeJSONSchema)
	req := b.request(rsaSpec(1, 1))
	req.Retry.MaxDelay = 50 * time.Millisecond
	req.Budget.Deadline = time.Now().Add(time.Minute)
	if _, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if waits := retryWaits(*b.events); len(waits) != 1 || waits[0] != 300*time.Millisecond {
		t.Errorf("retry waits %v, want the 300ms asked for", waits)
	}
}

// A model that does not answer within the call timeout is cut off and asked
// again; one that never answers fails the run with the timeout named, long
// before the run's deadline.
func TestCallTimeoutCutsAHangingModel(t *testing.T) {
	hostile := func(t *testing.T, r aitest.Responder) (bundle, ai.Request) {
		b := setup(t, r, ai.ModeJSONSchema)
		b.provider = ai.NewOpenAI(ai.Config{BaseURL: b.srv.URL, APIKey: "sk-test", Model: "scripted", CallTimeout: 100 * time.Millisecond})
		req := b.request(rsaSpec(1, 1))
		req.Retry.MaxRetries = 2
		req.Budget.Deadline = time.Now().Add(time.Minute)
		return b, req
	}
	t.Run("once", func(t *testing.T) {
		b, req := hostile(t, aitest.Script(aitest.Reply{Hang: true}, aitest.Reply{Content: answer([]string{"Stride Running Shoes"}, []string{"Light running shoes."})}))
		res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if res.Report.Attempts[0].Retries != 1 || len(b.srv.Requests()) != 2 {
			t.Errorf("retries %d, requests %d", res.Report.Attempts[0].Retries, len(b.srv.Requests()))
		}
		for _, e := range *b.events {
			if e.Kind == ai.EventRetry && (e.Err == nil || !strings.Contains(e.Err.Error(), "no answer within 100ms")) {
				t.Errorf("retry event does not say why: %v", e.Err)
			}
		}
	})
	t.Run("always", func(t *testing.T) {
		b, req := hostile(t, aitest.ResponderFunc(func(aitest.Request) aitest.Reply { return aitest.Reply{Hang: true} }))
		res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, req)
		if !errors.Is(err, ai.ErrExhausted) || res.Report.Stop != ai.StopTransport || !strings.Contains(err.Error(), "no answer within 100ms (IMAPHUB_LLM_CALL_TIMEOUT)") {
			t.Fatalf("err %v, stop %q", err, res.Report.Stop)
		}
		if n := len(b.srv.Requests()); n != 3 {
			t.Errorf("%d requests, want the first try and 2 retries", n)
		}
	})
}

// The provider's explanation of a refused request reaches the error and the
// report, whatever shape its error body has.
func TestProviderErrorBodyReachesTheReport(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply aitest.Reply
		want  string
	}{
		{"openai", aitest.Reply{Status: http.StatusBadRequest, ErrorType: "invalid_request_error",
			Content: "Invalid schema for response_format 'rsa_copy': In context=(), 'required' is required to be supplied and to be an array including every key in properties."},
			"HTTP 400 Bad Request: Invalid schema for response_format 'rsa_copy': In context=(), 'required' is required"},
		{"ollama", aitest.Reply{Status: http.StatusNotFound, ErrorBody: `{"error":"model \"scripted\" not found, try pulling it first"}`},
			`HTTP 404 Not Found: model "scripted" not found, try pulling it first`},
		{"plain text", aitest.Reply{Status: http.StatusUnauthorized, ErrorBody: "Unauthorized: key sk-test is not allowed here"},
			"HTTP 401 Unauthorized: Unauthorized: key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := setup(t, aitest.Script(tc.reply), ai.ModeJSONSchema)
			res, err := ai.RunTyped[RSACopy](context.Background(), b.provider, b.request(rsaSpec(1, 1)))
			var te *ai.TransportError
			if !errors.As(err, &te) || te.StatusCode != tc.reply.Status || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if len(res.Report.Attempts) != 1 || !strings.Contains(res.Report.Attempts[0].Error, tc.want) {
				t.Errorf("report attempts %+v", res.Report.Attempts)
			}
			if strings.Contains(err.Error(), "sk-test") {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

// recordingProvider answers from a script and keeps every call it got: a
// provider that writes without a model sees the request as data.
type recordingProvider struct {
	answers []string
	calls   []ai.Call
}

func (p *recordingProvider) Name() string  { return "recording" }
func (p *recordingProvider) Model() string { return "script" }
func (p *recordingProvider) Complete(_ context.Context, call ai.Call) (ai.Reply, error) {
	p.calls = append(p.calls, call)
	content := p.answers[min(len(p.calls), len(p.answers))-1]
	return ai.Reply{Content: content, FinishReason: "stop"}, nil
}

func TestProvidersGetTheRequestAndItsProblemsAsData(t *testing.T) {
	type brief struct{ Product string }
	p := &recordingProvider{answers: []string{
		answer([]string{"Stride Running Shoes", "The Most Comfortable Running Shoes Ever"}, []string{"Light shoes."}),
		answer([]string{"Run Lighter Today"}, nil),
	}}
	in := brief{Product: "running shoes"}
	res, err := ai.Run(context.Background(), p, ai.Request{System: system, User: user, Input: in, Spec: rsaSpec(2, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Items["headlines"]; !slices.Equal(got, []string{"Stride Running Shoes", "Run Lighter Today"}) {
		t.Errorf("headlines %q", got)
	}
	if len(p.calls) != 2 {
		t.Fatalf("%d calls", len(p.calls))
	}
	for i, c := range p.calls {
		if c.Input != in {
			t.Errorf("call %d: input %#v, want the request's", i+1, c.Input)
		}
	}
	if p.calls[0].Problems != nil {
		t.Errorf("the first call names problems: %+v", p.calls[0].Problems)
	}
	want := []ai.Problem{{Path: "headlines[1]", Code: "too_long", Message: "Shorten it by 9 characters", Width: 39, Limit: 30, Value: "The Most Comfortable Running Shoes Ever"}}
	if diff := cmp.Diff(want, p.calls[1].Problems); diff != "" {
		t.Errorf("problems of the repair (-want +got):\n%s", diff)
	}
	if got := p.calls[1].Accepted["headlines"]; !slices.Equal(got, []string{"Stride Running Shoes"}) {
		t.Errorf("accepted told to the repair %q", got)
	}
}
