package ai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
)

// flakyModel writes every requested item independently wrong with
// probability p (over the limit, or a repeat of an earlier item in the same
// answer). With keepUnnamed it behaves like a good model under whole-object
// re-asks: it copies the items of its previous answer that the errors do
// not name and rewrites only the named ones, each again wrong with
// probability p. Without it, every answer is drawn afresh.
type flakyModel struct {
	mu          sync.Mutex
	rng         *rand.Rand
	p           float64
	keepUnnamed bool
	n           int
}

func newFlakyModel(seed uint64, p float64, keepUnnamed bool) *flakyModel {
	return &flakyModel{rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), p: p, keepUnnamed: keepUnnamed}
}

var namedPath = regexp.MustCompile(`(\w+)[.\[](\d+)`)

func (m *flakyModel) Respond(r aitest.Request) aitest.Reply {
	m.mu.Lock()
	defer m.mu.Unlock()
	var prev map[string][]string
	named := map[string]bool{}
	if m.keepUnnamed {
		for i, msg := range r.Messages {
			if msg.Role == "assistant" && i+1 < len(r.Messages) {
				prev = nil
				_ = json.Unmarshal([]byte(msg.Content), &prev)
				named = map[string]bool{}
				for _, g := range namedPath.FindAllStringSubmatch(r.Messages[i+1].Content, -1) {
					named[g[1]+"."+g[2]] = true
				}
			}
		}
	}
	out := map[string][]string{}
	for _, f := range r.Fields() {
		items := []string{}
		for i := range f.Count {
			if old := prev[f.Name]; i < len(old) && !named[f.Name+"."+strconv.Itoa(i)] {
				items = append(items, old[i])
				continue
			}
			items = append(items, m.item(f, items))
		}
		out[f.Name] = items
	}
	return aitest.Reply{Content: aitest.JSON(out)}
}

func (m *flakyModel) item(f aitest.Field, sofar []string) string {
	m.n++
	if m.rng.Float64() < m.p {
		if len(sofar) > 0 && m.rng.IntN(3) == 0 {
			return sofar[m.rng.IntN(len(sofar))]
		}
		return strings.Repeat("Overlong copy ", 20)[:f.Limit+1+m.rng.IntN(10)]
	}
	if f.Name == "headlines" {
		return fmt.Sprintf("Stride Running Deal %d", m.n)
	}
	return fmt.Sprintf("Light, cushioned running shoes for every road. Free returns on order %d.", m.n)
}

// tally is the outcome of one strategy over many sets.
type tally struct {
	sets, accepted, calls, tokens int
}

func (t tally) tokensPerAccepted() float64 { return float64(t.tokens) / float64(max(t.accepted, 1)) }
func (t tally) callsPerSet() float64       { return float64(t.calls) / float64(t.sets) }
func (t tally) String() string {
	perSet := "no set accepted"
	if t.accepted > 0 {
		perSet = fmt.Sprintf("%.0f tokens per accepted set", t.tokensPerAccepted())
	}
	return fmt.Sprintf("%d/%d sets accepted, %s (%d tokens in all), %.2f calls per set",
		t.accepted, t.sets, perSet, t.tokens, t.callsPerSet())
}

const (
	compareSets    = 200
	failRate       = 0.3
	compareSeed    = 20260521
	compareRepairs = 3 // both strategies get the same repair budget
)

func runOurs(t *testing.T) tally {
	t.Helper()
	srv := aitest.NewServer(newFlakyModel(compareSeed, failRate, false))
	defer srv.Close()
	p := ai.NewOpenAI(ai.Config{BaseURL: srv.URL, Model: "scripted"})
	spec := rsaSpec(15, 4)
	spec.Spare = 0.75
	var out tally
	for range compareSets {
		res, err := ai.RunTyped[RSACopy](context.Background(), p, ai.Request{
			Name: "rsa_copy", System: system, User: user, Spec: spec,
			Budget: ai.Budget{MaxRepairs: compareRepairs},
		})
		out.sets++
		out.calls += len(res.Report.Attempts)
		out.tokens += res.Report.Usage.TotalTokens()
		if err == nil {
			out.accepted++
		}
	}
	return out
}

// runInstructor replays Instructor's re-ask (llm-loop.md §1.2, JSON_SCHEMA
// mode): the whole object is validated, and on failure the model's answer
// and the error text are appended to the conversation, which is resent in
// full for a new whole object. Error text follows Pydantic's format without
// the documentation URLs, as Instructor recommends for saving tokens.
func runInstructor(t *testing.T, keepUnnamed bool) tally {
	t.Helper()
	srv := aitest.NewServer(newFlakyModel(compareSeed, failRate, keepUnnamed))
	defer srv.Close()
	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("none"), option.WithMaxRetries(0))

	schema, err := ai.SchemaOf(reflect.TypeFor[RSACopy]())
	if err != nil {
		t.Fatal(err)
	}
	schema.Properties[0].Schema.Description = "Ad headlines. Exactly 15 items. Each at most 30 characters."
	schema.Properties[1].Schema.Description = "Ad descriptions. Exactly 4 items. Each at most 90 characters."
	raw, _ := json.Marshal(schema)
	task := "Answer with a JSON object with exactly these fields:\n" +
		"- headlines: 15 items (each at most 30 characters)\n" +
		"- descriptions: 4 items (each at most 90 characters)\n" +
		"Return only the JSON object."

	var out tally
	for range compareSets {
		out.sets++
		msgs := []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage(system), openai.UserMessage(user), openai.UserMessage(task),
		}
		for range compareRepairs + 1 {
			resp, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
				Model:    "scripted",
				Messages: msgs,
				ResponseFormat: openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
					JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{Name: "rsa_copy", Strict: openai.Bool(true), Schema: json.RawMessage(raw)},
				}},
			})
			if err != nil {
				t.Fatal(err)
			}
			out.calls++
			out.tokens += int(resp.Usage.TotalTokens)
			content := resp.Choices[0].Message.Content
			errs := pydanticErrors(content)
			if errs == "" {
				out.accepted++
				break
			}
			msgs = append(msgs, openai.AssistantMessage(content),
				openai.UserMessage("Recall the function correctly, fix the errors, exceptions found\n"+errs))
		}
	}
	return out
}

// pydanticErrors validates a whole RSA object like a Pydantic model with
// length-limited items, exact list sizes and a no-duplicates validator.
func pydanticErrors(content string) string {
	var v RSACopy
	if err := json.Unmarshal([]byte(content), &v); err != nil {
		return "1 validation error for RSACopy\n  Invalid JSON: " + err.Error()
	}
	var lines []string
	check := func(slot string, items []string, count int) {
		seen := map[string]bool{}
		for i, s := range items {
			key := strings.ToLower(strings.Join(strings.Fields(s), " "))
			switch {
			case len(widthLimit(slot, i, s)) > 0:
				lines = append(lines, fmt.Sprintf("%s.%d\n  String should have at most %d characters [type=string_too_long, input_value=%q, input_type=str]", slot, i, limits[slot], s))
			case seen[key]:
				lines = append(lines, fmt.Sprintf("%s.%d\n  Value error, duplicate item [type=value_error, input_value=%q, input_type=str]", slot, i, s))
			}
			seen[key] = true
		}
		if len(items) != count {
			lines = append(lines, fmt.Sprintf("%s\n  List should have %d items, not %d [type=too_short]", slot, count, len(items)))
		}
	}
	check("headlines", v.Headlines, 15)
	check("descriptions", v.Descriptions, 4)
	if len(lines) == 0 {
		return ""
	}
	return fmt.Sprintf("%d validation errors for RSACopy\n%s", len(lines), strings.Join(lines, "\n"))
}

// TestTargetedRepairBeatsWholeObjectReask measures tokens and calls per
// accepted RSA-like set (15 headlines, 4 descriptions) for our loop and for
// Instructor's strategy on the same scripted model, where each item fails
// independently with probability 0.3. Run with -v to see the figures.
func TestTargetedRepairBeatsWholeObjectReask(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement over hundreds of HTTP calls")
	}
	ours := runOurs(t)
	instructor := runInstructor(t, true)
	literal := runInstructor(t, false)
	t.Logf("ours (targeted repair, spare 0.75):          %s", ours)
	t.Logf("instructor (whole object, model keeps good): %s", instructor)
	t.Logf("instructor (whole object, fresh each time):  %s", literal)
	t.Logf("token ratio ours/instructor: %.2f", ours.tokensPerAccepted()/instructor.tokensPerAccepted())

	if ours.tokensPerAccepted() > 0.5*instructor.tokensPerAccepted() {
		t.Errorf("ours uses %.0f tokens per accepted set, more than half of Instructor's %.0f", ours.tokensPerAccepted(), instructor.tokensPerAccepted())
	}
	if ours.callsPerSet() > 1.6 {
		t.Errorf("ours makes %.2f calls per set, want at most 1.6", ours.callsPerSet())
	}
	if ours.accepted < compareSets*95/100 {
		t.Errorf("ours accepted only %d of %d sets", ours.accepted, compareSets)
	}
}
