package ai

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// messages builds the prompt of one call: the request, then one loop-owned
// user message. The first call and continuations send the original request
// (System, User) unchanged; a repair sends RepairSystem and RepairUser when
// the caller set them, so it does not pay again for instructions written for
// a whole set. The loop's message restates only what this call needs: the
// kept items of the slots asked for, the latest problems, and the shape of
// the answer. It stays the same size however many attempts came before, and
// the model's earlier answers are never replayed.
func (r *run) messages(kind AttemptKind, want []Want, problems []Problem) []Message {
	system, user := r.system, r.user
	if kind == AttemptRepair {
		if r.repair.system != "" {
			system = r.repair.system
		}
		if r.repair.user != "" {
			user = r.repair.user
		}
	}
	var msgs []Message
	if system != "" {
		msgs = append(msgs, Message{Role: RoleSystem, Content: system})
	}
	if user != "" {
		msgs = append(msgs, Message{Role: RoleUser, Content: user})
	}
	var b strings.Builder
	if kind != AttemptInitial {
		writeProblems(&b, problems)
		r.writeKept(&b, want, problems)
		writeAdvice(&b, problems)
	}
	if kind == AttemptRepair {
		// The schema carries each slot's rule; the answer's shape is all
		// a repair needs to restate.
		b.WriteString("Return only the JSON object:")
		for i, w := range want {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s (%d new)", w.Slot, w.Count)
		}
		b.WriteByte('.')
		return append(msgs, Message{Role: RoleUser, Content: b.String()})
	}
	if kind == AttemptContinuation {
		b.WriteString("Write only the following, as a JSON object with exactly these fields:\n")
	} else {
		b.WriteString("Answer with a JSON object with exactly these fields:\n")
	}
	for _, w := range want {
		fmt.Fprintf(&b, "- %s: %d %s", w.Slot, w.Count, plural(w.Count, "item", "items"))
		if kind != AttemptInitial {
			b.WriteString(", all new")
		}
		if rule := r.rule(w.Slot); rule != "" {
			fmt.Fprintf(&b, " (%s)", rule)
		}
		b.WriteByte('\n')
	}
	b.WriteString("Return only the JSON object.")
	return append(msgs, Message{Role: RoleUser, Content: b.String()})
}

// repairPrompt is the caller's short request for repairs
// (Request.RepairSystem, Request.RepairUser).
type repairPrompt struct{ system, user string }

// Everything the model or the user wrote — rejected items, kept items, and
// the validators' messages, which may quote either — goes between data tags
// and is escaped by dataText, so no such text can close a tag or appear
// outside one. What stands outside the tags is the loop's own wording and
// the callers' Advice.

// writeProblems lists the problems of the last answer between <rejected>
// tags: one line per item with all its problems, each problem once. A
// message that several items share without Advice is stated once, after
// the items, instead of on every line.
func writeProblems(b *strings.Builder, problems []Problem) {
	if len(problems) == 0 {
		return
	}
	type line struct {
		path, value string
		problems    []Problem
	}
	var lines []*line
	byPath := map[string]*line{}
	// A slot that came back short needs no line of its own when its
	// rejected items are listed: the answer's shape says how many to write.
	itemsOf := map[string]bool{}
	for _, p := range problems {
		if slot, _, ok := strings.Cut(p.Path, "["); ok {
			itemsOf[slot] = true
		}
	}
	shared := map[[2]string]int{} // code and message → items showing it
	for _, p := range problems {
		if p.Code == "missing" && itemsOf[p.Path] {
			continue
		}
		l := byPath[p.Path]
		if l == nil {
			l = &line{path: p.Path, value: p.Value}
			byPath[p.Path] = l
			lines = append(lines, l)
		}
		if slices.ContainsFunc(l.problems, func(q Problem) bool {
			return q.Code == p.Code && q.Message == p.Message && q.Width == p.Width && q.Limit == p.Limit
		}) {
			continue
		}
		l.problems = append(l.problems, p)
		if p.Advice == "" && p.Message != "" && !slices.ContainsFunc(l.problems[:len(l.problems)-1], func(q Problem) bool { return q.Code == p.Code && q.Message == p.Message }) {
			shared[[2]string{p.Code, p.Message}]++
		}
	}
	b.WriteString("Rejected (data):\n<rejected>\n")
	var legend [][2]string
	for _, l := range lines {
		b.WriteString(l.path)
		if l.value != "" {
			b.WriteString(" " + quoteData(l.value))
		}
		b.WriteString(":")
		for i, p := range l.problems {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(" " + dataText(p.Code))
			if p.Limit > 0 {
				fmt.Fprintf(b, " %d/%d characters", p.Width, p.Limit)
			}
			if p.Advice != "" || p.Message == "" {
				continue
			}
			key := [2]string{p.Code, p.Message}
			if shared[key] > 1 {
				if !slices.Contains(legend, key) {
					legend = append(legend, key)
				}
				continue
			}
			b.WriteString(" (" + dataText(strings.TrimRight(p.Message, ".")) + ")")
		}
		b.WriteByte('\n')
	}
	for _, k := range legend {
		fmt.Fprintf(b, "%s, where no reason is given: %s\n", dataText(k[0]), dataText(sentence(k[1])))
	}
	b.WriteString("</rejected>\n\n")
}

// writeKept lists the items kept so far in the slots this call asks for,
// which the new items must not repeat. Slots that are full need no new
// item, so their items would only cost tokens; of a slot whose rejected
// items are rewritten, only the kept items related to one of them
// (Spec.Related) are listed.
func (r *run) writeKept(b *strings.Builder, want []Want, problems []Problem) {
	kept := map[string][]string{}
	var names []string
	for _, w := range want {
		if items := r.relatedKept(w.Slot, problems); len(items) > 0 {
			kept[w.Slot] = items
			names = append(names, w.Slot)
		}
	}
	if len(names) == 0 {
		return
	}
	// One item a line under its slot's name: dataText keeps each on its
	// line and inside the tag, at a fraction of JSON's quoting.
	b.WriteString("Kept (data); do not repeat or nearly copy:\n<kept>\n")
	for _, name := range names {
		b.WriteString(name + ":\n")
		for _, it := range kept[name] {
			b.WriteString(dataText(it) + "\n")
		}
	}
	b.WriteString("</kept>\n\n")
}

// relatedKept returns the kept items of slot that a rewrite of its rejected
// items could repeat: all of them without Spec.Related, and when the kept
// and rejected items together do not fill the slot, because then some new
// items are written from scratch, not rewritten. Spares asked beyond the
// count may repeat anything; ValidateSet drops those that do.
func (r *run) relatedKept(slot string, problems []Problem) []string {
	items := r.accepted[slot]
	if r.spec.Related == nil || len(items) == 0 {
		return items
	}
	var rejected []string
	for _, p := range problems {
		if s, _, indexed := strings.Cut(p.Path, "["); s == slot && indexed && p.Value != "" && !slices.Contains(rejected, p.Value) {
			rejected = append(rejected, p.Value)
		}
	}
	i := slices.IndexFunc(r.spec.Slots, func(s Slot) bool { return s.Name == slot })
	if i < 0 || len(items)+len(rejected) < r.spec.Slots[i].Count {
		return items
	}
	var out []string
	for _, k := range items {
		if slices.ContainsFunc(rejected, func(v string) bool { return r.spec.Related(slot, k, v) }) {
			out = append(out, k)
		}
	}
	return out
}

// writeAdvice states each distinct Advice once, naming the codes it fixes.
func writeAdvice(b *strings.Builder, problems []Problem) {
	type advice struct {
		codes []string
		text  string
	}
	var all []*advice
	for _, p := range problems {
		if p.Advice == "" {
			continue
		}
		i := slices.IndexFunc(all, func(a *advice) bool { return a.text == p.Advice })
		if i < 0 {
			all = append(all, &advice{text: p.Advice})
			i = len(all) - 1
		}
		if code := dataText(p.Code); !slices.Contains(all[i].codes, code) {
			all[i].codes = append(all[i].codes, code)
		}
	}
	if len(all) == 0 {
		return
	}
	b.WriteString("How to fix:\n")
	for _, a := range all {
		fmt.Fprintf(b, "- %s: %s\n", strings.Join(a.codes, ", "), sentence(a.text))
	}
	b.WriteByte('\n')
}

// quoteData writes s as a JSON string. encoding/json escapes <, > and &,
// so the result cannot open or close a tag.
func quoteData(s string) string {
	raw, err := json.Marshal(s)
	if err != nil { // a string always encodes
		panic(err)
	}
	return string(raw)
}

// dataText makes text that may quote the model or the user safe to write
// inside a data tag on one line: angle brackets are escaped as in JSON, and
// line breaks become spaces.
var dataEscaper = strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "\r\n", " ", "\n", " ", "\r", " ")

func dataText(s string) string { return dataEscaper.Replace(s) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// sentence capitalises s and ends it with a full stop unless it already ends
// with punctuation; validator and Go error messages are lower-case phrases.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if strings.ContainsAny(s[len(s)-1:], ".!?") {
		return s
	}
	return s + "."
}
