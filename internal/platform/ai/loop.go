package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
)

// maxTruncations bounds the calls spent on cut-off answers. Halving the
// items per call reaches one item within four steps for any RSA-sized set.
const maxTruncations = 4

// Run asks p for the slots of req.Spec until every slot holds Count valid
// items or a budget runs out. The schema sent to the model is built from the
// slots: an object with one array of strings per slot, in slot order. On
// failure the result still carries the valid items and the full report, and
// the error matches ErrExhausted.
func Run(ctx context.Context, p Provider, req Request) (Result, error) {
	r, err := newRun(p, slotSchema(req.Spec.Slots), req)
	if err != nil {
		return Result{}, err
	}
	runErr := r.loop(ctx)
	return Result{Items: r.accepted, Report: r.report}, runErr
}

// RunTyped is Run for a target struct T whose fields are exactly the slots
// ([]string fields named by their JSON names): the items come back in T, and
// a field's `desc` tag describes its slot when the slot has no Description.
func RunTyped[T any](ctx context.Context, p Provider, req Request) (Typed[T], error) {
	t := reflect.TypeFor[T]()
	schema, err := SchemaOf(t)
	if err != nil {
		return Typed[T]{}, err
	}
	for _, prop := range schema.Properties {
		if !slices.ContainsFunc(req.Spec.Slots, func(s Slot) bool { return s.Name == prop.Name }) {
			// The model would be asked for a field the loop never fills.
			return Typed[T]{}, fmt.Errorf("ai: field %q of %s is not a slot of the spec", prop.Name, t)
		}
	}
	slots := slices.Clone(req.Spec.Slots)
	for i, s := range slots {
		ps := schema.property(s.Name)
		if ps == nil || ps.Type != "array" || ps.Items.Type != "string" {
			return Typed[T]{}, fmt.Errorf("ai: slot %q must be a []string field of %s", s.Name, t)
		}
		if s.Description == "" {
			slots[i].Description = ps.Description
		}
	}
	req.Spec.Slots = slots
	res, runErr := Run(ctx, p, req)
	out := Typed[T]{Report: res.Report}
	if res.Items == nil {
		return out, runErr
	}
	raw, err := json.Marshal(res.Items)
	if err != nil {
		return out, fmt.Errorf("ai: encode accepted items: %w", err)
	}
	if err := json.Unmarshal(raw, &out.Value); err != nil {
		return out, fmt.Errorf("ai: fill %T: %w", out.Value, err)
	}
	return out, runErr
}

// slotSchema is the strict schema of an answer with the given slots.
func slotSchema(slots []Slot) *Schema {
	s := &Schema{Type: "object"}
	for _, slot := range slots {
		s.Properties = append(s.Properties, Property{Name: slot.Name,
			Schema: &Schema{Type: "array", Description: slot.Description, Items: &Schema{Type: "string"}}})
	}
	return s
}

type run struct {
	provider Provider
	name     string
	system   string
	user     string
	input    any
	spec     Spec
	budget   Budget
	retry    RetryPolicy
	onEvent  func(Event)
	schema   *Schema
	repair   repairPrompt

	accepted map[string][]string
	streak   map[string]int // consecutive answers showing each path+code
	report   Report
}

func newRun(p Provider, schema *Schema, req Request) (*run, error) {
	spec := req.Spec
	if len(spec.Slots) == 0 {
		return nil, errors.New("ai: spec has no slots")
	}
	accepted := make(map[string][]string, len(spec.Slots))
	for _, s := range spec.Slots {
		if s.Name == "" {
			return nil, errors.New("ai: a slot has no name")
		}
		if _, dup := accepted[s.Name]; dup {
			return nil, fmt.Errorf("ai: slot %q appears twice", s.Name)
		}
		if s.Count <= 0 {
			return nil, fmt.Errorf("ai: slot %q wants %d items", s.Name, s.Count)
		}
		accepted[s.Name] = []string{}
	}
	name := req.Name
	if name == "" {
		name = "result"
	}
	onEvent := req.OnEvent
	if onEvent == nil {
		onEvent = func(Event) {}
	}
	return &run{
		provider: p,
		name:     name,
		system:   req.System,
		user:     req.User,
		input:    req.Input,
		spec:     spec,
		budget:   req.Budget.withDefaults(),
		retry:    req.Retry.withDefaults(),
		onEvent:  onEvent,
		schema:   schema,
		repair:   repairPrompt{system: req.RepairSystem, user: req.RepairUser},
		accepted: accepted,
		streak:   map[string]int{},
		report:   Report{Provider: p.Name(), Model: p.Model(), PromptVersion: req.PromptVersion},
	}, nil
}

func (r *run) emit(e Event) {
	e.Attempt = len(r.report.Attempts)
	if e.Kind == EventRequest || e.Kind == EventRepair || e.Kind == EventRetry {
		e.Attempt++ // the call is not in the report until it answers
	}
	e.Repairs = r.report.Repairs
	e.Total = r.report.Usage
	r.onEvent(e)
}

func (r *run) loop(ctx context.Context) error {
	start := time.Now()
	defer func() { r.report.Duration = time.Since(start) }()
	if !r.budget.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, r.budget.Deadline)
		defer cancel()
	}

	kind := AttemptInitial
	perCall := 0 // items per call after a truncation; 0 means no cap
	maxTokens := r.budget.MaxCompletionTokens
	truncations := 0
	var last []Problem
	for {
		if len(r.missing()) == 0 {
			r.report.Stop = StopComplete
			r.emit(Event{Kind: EventDone})
			return nil
		}
		if err := ctx.Err(); err != nil {
			return r.exhaust(stopFor(err), last, err)
		}
		if r.budget.MaxTokens > 0 && r.report.Usage.TotalTokens() >= r.budget.MaxTokens {
			return r.exhaust(StopTokens, last, nil)
		}

		want := r.plan(perCall)
		last = r.relevant(last, want)
		call := Call{
			Messages:   r.messages(kind, want, last),
			SchemaName: r.name,
			Schema:     r.callSchema(want),
			Want:       want,
			Accepted:   cloneAccepted(r.accepted),
			Input:      r.input,
			MaxTokens:  maxTokens,
			Kind:       kind,
		}
		if kind != AttemptInitial {
			call.Problems = slices.Clone(last)
		}
		if kind == AttemptRepair {
			r.emit(Event{Kind: EventRepair, Want: want, Problems: last})
		}
		r.emit(Event{Kind: EventRequest, Want: want})

		began := time.Now()
		reply, retries, err := completeWithRetry(ctx, r.provider, call, r.retry, func(n int, wait time.Duration, err error) {
			r.emit(Event{Kind: EventRetry, Index: n, Wait: wait, Err: err})
		})
		att := Attempt{Number: len(r.report.Attempts) + 1, Kind: kind, Want: want, Retries: retries, Duration: time.Since(began)}
		if err != nil {
			att.Error = err.Error()
			r.report.Attempts = append(r.report.Attempts, att)
			reason := StopTransport
			if ctx.Err() != nil {
				reason = stopFor(ctx.Err())
			}
			return r.exhaust(reason, last, err)
		}
		att.Usage, att.FinishReason, att.CallID, att.Raw = reply.Usage, reply.FinishReason, reply.CallID, reply.Content
		r.report.Usage = r.report.Usage.add(reply.Usage, len(r.report.Attempts) == 0)
		r.report.Attempts = append(r.report.Attempts, att)
		r.emit(Event{Kind: EventResponse, Want: want, Usage: reply.Usage})

		problems, accepted, truncated := r.absorb(want, reply)
		cur := &r.report.Attempts[len(r.report.Attempts)-1]
		cur.Problems, cur.Accepted = problems, accepted
		last = problems

		if truncated {
			// A cut-off answer is a size problem, not a content problem:
			// re-asking the same thing would be cut off again.
			truncations++
			asked := 0
			for _, w := range want {
				asked += w.Count
			}
			switch {
			case truncations > maxTruncations:
				return r.exhaust(StopTruncated, last, nil)
			case asked > 1:
				perCall = max(1, asked/2)
			case maxTokens > 0:
				maxTokens *= 2
			default:
				return r.exhaust(StopTruncated, last, nil)
			}
			kind = AttemptContinuation
			continue
		}
		if r.repeated(problems) {
			if len(r.missing()) > 0 {
				return r.exhaust(StopRepeated, last, nil)
			}
		}
		if len(problems) == 0 || len(r.missing()) == 0 {
			kind = AttemptContinuation
			continue
		}
		if r.report.Repairs >= r.budget.MaxRepairs {
			return r.exhaust(StopMaxRepairs, last, nil)
		}
		r.report.Repairs++
		kind = AttemptRepair
	}
}

func stopFor(err error) StopReason {
	if errors.Is(err, context.DeadlineExceeded) {
		return StopDeadline
	}
	return StopCanceled
}

func (r *run) exhaust(reason StopReason, last []Problem, err error) error {
	r.report.Stop = reason
	r.report.Missing = r.missing()
	e := &ExhaustedError{Reason: reason, Missing: r.report.Missing, Last: last, Err: err}
	r.emit(Event{Kind: EventExhausted, Reason: reason, Want: r.report.Missing, Problems: last, Err: e})
	return e
}

// missing lists the slots still short of their count, in spec order.
func (r *run) missing() []Want {
	var out []Want
	for _, s := range r.spec.Slots {
		if n := s.Count - len(r.accepted[s.Name]); n > 0 {
			out = append(out, Want{Slot: s.Name, Count: n})
		}
	}
	return out
}

// plan decides how many candidates to ask per missing slot: the shortfall
// plus the spare margin, capped at perCall items in total after a truncation.
func (r *run) plan(perCall int) []Want {
	var out []Want
	left := perCall
	for _, m := range r.missing() {
		n := int(math.Ceil(float64(m.Count) * (1 + r.spec.Spare)))
		if perCall > 0 {
			if left == 0 {
				break
			}
			n = min(n, left)
			left -= n
		}
		out = append(out, Want{Slot: m.Slot, Count: n})
	}
	return out
}

// relevant keeps the problems that concern the slots asked for next (and
// whole-answer problems); errors in a slot that is now full are history.
func (r *run) relevant(problems []Problem, want []Want) []Problem {
	var out []Problem
	for _, p := range problems {
		slot, _, _ := strings.Cut(p.Path, "[")
		if p.Path == "$" || slices.ContainsFunc(want, func(w Want) bool { return w.Slot == slot }) {
			out = append(out, p)
		}
	}
	return out
}

// repeated updates the per-error streaks and reports whether any error has
// now appeared in RepeatLimit consecutive answers.
func (r *run) repeated(problems []Problem) bool {
	next := map[string]int{}
	stuck := false
	for _, p := range problems {
		key := p.Path + "\x00" + p.Code
		if _, done := next[key]; done {
			continue
		}
		next[key] = r.streak[key] + 1
		if next[key] >= r.budget.RepeatLimit {
			stuck = true
		}
	}
	r.streak = next
	return stuck
}

// absorb decodes an answer and accepts its valid items. It returns the
// problems to name in a repair, the number of items accepted, and whether
// the answer was cut off.
func (r *run) absorb(want []Want, reply Reply) ([]Problem, int, bool) {
	truncated := reply.FinishReason == "length"
	if reply.Refusal != "" {
		return []Problem{{Path: "$", Code: "refusal", Message: reply.Refusal}}, 0, truncated
	}
	members, cut, err := extractObject(reply.Content)
	if err != nil {
		if truncated {
			return nil, 0, true
		}
		return []Problem{{Path: "$", Code: "invalid_json", Message: err.Error()}}, 0, false
	}
	var problems []Problem
	if cut && !truncated {
		// The model stopped on its own with an unclosed object: broken
		// output, not a size problem. Keep the complete items and say so.
		problems = append(problems, Problem{Path: "$", Code: "invalid_json", Message: "the JSON object is not closed"})
	}
	accepted := 0
	for _, w := range want {
		raw, ok := members[w.Slot]
		if !ok {
			if !truncated {
				problems = append(problems, Problem{Path: w.Slot, Code: "missing", Message: fmt.Sprintf("field %q is absent; %d items were asked for", w.Slot, w.Count)})
			}
			continue
		}
		items, bad, err := decodeStrings(raw)
		if err != nil {
			problems = append(problems, Problem{Path: w.Slot, Code: "wrong_type", Message: err.Error()})
			continue
		}
		for i, v := range items {
			if len(r.accepted[w.Slot]) >= r.count(w.Slot) {
				break // spare candidates no longer needed
			}
			path := fmt.Sprintf("%s[%d]", w.Slot, i)
			if slices.Contains(bad, i) {
				problems = append(problems, Problem{Path: path, Code: "not_text", Message: "each item must be a JSON string"})
				continue
			}
			v = strings.TrimSpace(v)
			ps := r.judge(w.Slot, i, v)
			if len(ps) > 0 {
				for j := range ps {
					if ps[j].Path == "" {
						ps[j].Path = path
					}
					ps[j].Value = v
				}
				problems = append(problems, ps...)
				r.emit(Event{Kind: EventItemRejected, Slot: w.Slot, Index: i, Value: v, Problems: ps})
				continue
			}
			r.accepted[w.Slot] = append(r.accepted[w.Slot], v)
			accepted++
			r.emit(Event{Kind: EventItemAccepted, Slot: w.Slot, Index: i, Value: v})
		}
		if short := r.count(w.Slot) - len(r.accepted[w.Slot]); !truncated && short > 0 && len(items) < w.Count {
			problems = append(problems, Problem{Path: w.Slot, Code: "missing", Message: fmt.Sprintf("%d items were asked for, %d returned", w.Count, len(items))})
		}
	}
	return problems, accepted, truncated
}

func (r *run) judge(slot string, i int, v string) []Problem {
	if v == "" {
		return []Problem{{Code: "empty", Message: "the item is empty"}}
	}
	var ps []Problem
	if r.spec.ValidateItem != nil {
		ps = append(ps, r.spec.ValidateItem(slot, i, v)...)
	}
	if len(ps) == 0 && r.spec.ValidateSet != nil {
		ps = append(ps, r.spec.ValidateSet(r.accepted, slot, v)...)
	}
	return ps
}

func (r *run) count(slot string) int {
	for _, s := range r.spec.Slots {
		if s.Name == slot {
			return s.Count
		}
	}
	return 0
}

func (r *run) rule(slot string) string {
	for _, s := range r.spec.Slots {
		if s.Name == slot {
			return s.Rule
		}
	}
	return ""
}

// callSchema is the target schema cut down to the slots asked for, with the
// count and rule of this call written into each description.
func (r *run) callSchema(want []Want) *Schema {
	names := make([]string, 0, len(want))
	desc := make(map[string]string, len(want))
	for _, w := range want {
		names = append(names, w.Slot)
		d := fmt.Sprintf("Exactly %d items.", w.Count)
		if rule := r.rule(w.Slot); rule != "" {
			d += " " + sentence(rule)
		}
		if base := r.schema.property(w.Slot).Description; base != "" {
			d = sentence(base) + " " + d
		}
		desc[w.Slot] = d
	}
	return r.schema.subset(names, desc)
}

func cloneAccepted(m map[string][]string) map[string][]string {
	out := maps.Clone(m)
	for k, v := range out {
		out[k] = slices.Clone(v)
	}
	return out
}

// RejectDuplicates is a ready set validator: it rejects an item that equals
// an accepted item of the same slot, ignoring case and spacing.
func RejectDuplicates(accepted map[string][]string, slot, value string) []Problem {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	v := norm(value)
	for i, a := range accepted[slot] {
		if norm(a) == v {
			return []Problem{{Code: "duplicate", Message: fmt.Sprintf("repeats accepted %s[%d]", slot, i)}}
		}
	}
	return nil
}
