package ai

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// messages builds the prompt of one call: the original request unchanged,
// then one loop-owned user message. For a repair or a continuation that
// message restates the accepted items and only the latest problems, so the
// prompt stays the same size however many attempts came before, and the
// model's earlier answers are never replayed.
func (r *run) messages(kind AttemptKind, want []Want, problems []Problem) []Message {
	var msgs []Message
	if r.system != "" {
		msgs = append(msgs, Message{Role: RoleSystem, Content: r.system})
	}
	if r.user != "" {
		msgs = append(msgs, Message{Role: RoleUser, Content: r.user})
	}
	var b strings.Builder
	if kind != AttemptInitial {
		r.writeAccepted(&b)
		if len(problems) > 0 {
			b.WriteString("Problems in your last answer (those items were not kept):\n")
			for _, p := range problems {
				writeProblem(&b, p)
			}
			b.WriteByte('\n')
		}
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

func (r *run) writeAccepted(b *strings.Builder) {
	b.WriteString("Accepted so far. Keep these; do not repeat them or write near-copies:\n")
	for _, s := range r.spec.Slots {
		items := r.accepted[s.Name]
		fmt.Fprintf(b, "%s (%d of %d):\n", s.Name, len(items), s.Count)
		for _, it := range items {
			fmt.Fprintf(b, "- %q\n", it)
		}
	}
	b.WriteByte('\n')
}

// writeProblem renders one error the way the model can act on it: where,
// which rule, what was measured against which limit, and the rejected text.
func writeProblem(b *strings.Builder, p Problem) {
	b.WriteString("- " + p.Path)
	if p.Value != "" {
		fmt.Fprintf(b, " %q", p.Value)
	}
	b.WriteString(": " + p.Code)
	if p.Limit > 0 {
		fmt.Fprintf(b, ", width %d, limit %d", p.Width, p.Limit)
	}
	if p.Message != "" {
		b.WriteString(". " + sentence(p.Message))
	}
	b.WriteByte('\n')
}

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
