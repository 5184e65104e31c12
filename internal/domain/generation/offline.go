package generation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/ai"
)

// OfflineName is the provider name, and the provenance source, of copy
// written without a language model.
const OfflineName = "offline"

// offlineModel versions the composition rules below, the way a model name
// versions a model: stored in provenance, so a change here is traceable.
const offlineModel = "imaphub-offline/1"

// OfflineWriter writes copy without a network: deterministic sentences
// composed from the brief's own product, keywords, selling points, audience
// and brand with a small phrase book per language (German, English,
// Japanese; other languages get the brief's phrases alone). It is used when
// no model is configured and goes through the same validation loop as a
// model: it aims for valid copy (it measures widths and avoids banned terms
// and texts already used) but the policy engine judges it, and when the loop
// asks it to repair an item it writes an alternative — a shorter variant for
// a width problem, a corrected one for capitals or punctuation, else the next
// phrase. It reads the request as data (ai.Call's Input, Want, Accepted and
// Problems) and never the prompt.
type OfflineWriter struct{}

// NewOfflineWriter returns the offline writer.
func NewOfflineWriter() *OfflineWriter { return &OfflineWriter{} }

func (*OfflineWriter) Name() string  { return OfflineName }
func (*OfflineWriter) Model() string { return offlineModel }

// Complete answers with the wanted number of new items per slot, written
// from the call's WriterInput, avoiding the items the loop rejected.
func (*OfflineWriter) Complete(ctx context.Context, call ai.Call) (ai.Reply, error) {
	if err := ctx.Err(); err != nil {
		return ai.Reply{}, err
	}
	in, ok := call.Input.(WriterInput)
	if !ok {
		// Not a generation: a programming error, not a bad answer, so it
		// must not be retried or repaired.
		return ai.Reply{}, &ai.TransportError{Err: fmt.Errorf("offline writer: the call carries %T, not a WriterInput to write from", call.Input)}
	}
	var rejected []rejection
	for _, p := range call.Problems {
		if p.Value == "" {
			continue // about a slot or the whole answer, not an item to rewrite
		}
		slot, _, _ := strings.Cut(p.Path, "[")
		rejected = append(rejected, rejection{slot: slot, value: p.Value, code: p.Code})
	}
	c := newComposer(in.Brief, in.Taken)
	answer := map[string][]string{}
	for _, w := range call.Want {
		answer[w.Slot] = c.write(w.Slot, w.Count, call.Accepted[w.Slot], rejected)
	}
	content, err := json.Marshal(answer)
	if err != nil {
		return ai.Reply{}, &ai.TransportError{Err: err}
	}
	// Known to cost nothing: reports show a cost of 0 rather than "unknown".
	return ai.Reply{Content: string(content), FinishReason: "stop", Usage: ai.Usage{CostReported: true}}, nil
}

// rejection is an item the loop refused in the previous answer.
type rejection struct {
	slot, value, code string
}

// composer writes candidates for one brief.
type composer struct {
	lang     string
	book     phrasebook
	informal bool
	product  string
	brand    string
	audience string
	keywords []string
	points   []string
	allow    []string
	banned   []string
	taken    map[string]bool
}

func newComposer(b Brief, existing []string) *composer {
	base, _, _ := strings.Cut(strings.ToLower(b.Language), "-")
	book, ok := phrasebooks[base]
	if !ok {
		base, book = "", phrasebooks[""]
	}
	c := &composer{lang: base, book: book, allow: b.BrandTerms, taken: map[string]bool{}}
	tone := " " + strings.ToLower(b.Tone) + " "
	for _, w := range []string{" du ", "duzen", "informal", "locker", "casual"} {
		c.informal = c.informal || strings.Contains(tone, w)
	}
	c.product = clean(b.Product)
	c.brand = clean(b.BusinessName)
	if c.brand == "" && len(b.BrandTerms) > 0 {
		c.brand = clean(b.BrandTerms[0])
	}
	c.audience = clean(b.Audience)
	for _, k := range b.Keywords {
		if base == "ja" {
			// Japanese searches separate words with spaces; copy does not.
			k = strings.ReplaceAll(k, " ", "")
		}
		if k = clean(k); k != "" {
			c.keywords = append(c.keywords, k)
		}
	}
	// A product described in a phrase ("Winter and all-season tyres with
	// fitting") leaves no room in a 30-character headline and would be cut to
	// a stump; the first keyword names it in fewer characters.
	if len(c.keywords) > 0 && policy.Width(c.product) > 20 && policy.Width(c.keywords[0]) < policy.Width(c.product) {
		c.product = c.capitalise(c.keywords[0])
	}
	for _, s := range b.SellingPoints {
		// A selling point opens a sentence or a headline.
		if s = c.capitalise(strings.TrimRight(clean(s), ".。")); s != "" {
			c.points = append(c.points, s)
		}
	}
	for _, t := range b.BannedTerms {
		if t = strings.ToLower(clean(t)); t != "" {
			c.banned = append(c.banned, t)
		}
	}
	for _, e := range existing {
		c.taken[foldKey(e)] = true
	}
	return c
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// capitalise upper-cases the first letter in German and English, where
// headlines and sentences start with a capital; keywords are usually
// written in lower case.
func (c *composer) capitalise(s string) string {
	if s == "" || (c.lang != "de" && c.lang != "en") {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// write returns n new items for slot: first an alternative to each item the
// loop rejected, then phrases not offered before. Offers are prefixes of the
// deterministic pool, so everything up to the last pool item the loop has
// seen (accepted or rejected) was offered already and is skipped.
func (c *composer) write(slot string, n int, accepted []string, rejected []rejection) []string {
	field := slotField(slot)
	limit := policy.Limit(field)
	seen := map[string]bool{}
	for k := range c.taken {
		seen[k] = true
	}
	for _, a := range accepted {
		seen[foldKey(a)] = true
	}
	var mine []rejection
	rejectedText := map[string]bool{}
	for _, r := range rejected {
		if r.slot == slot {
			mine = append(mine, r)
			rejectedText[r.value] = true
		}
	}
	var out []string
	add := func(s string) {
		if k := foldKey(s); s != "" && len(out) < n && !seen[k] && !rejectedText[s] && policy.Width(s) <= limit && !c.hasBanned(s) {
			seen[k] = true
			out = append(out, s)
		}
	}
	for _, r := range mine {
		add(c.repair(field, r))
	}
	pool := c.pool(field)
	offset := -1
	for i, p := range pool {
		k := foldKey(p)
		if slicesContainsFold(accepted, k) || slicesContainsFold(values(mine), k) {
			offset = i
		}
	}
	// A rule broken in one item is likely broken by the phrases it came
	// from: apply the same correction to the rest, as a copywriter would.
	for _, p := range pool[offset+1:] {
		for _, r := range rejected {
			if v := c.repair(field, rejection{value: p, code: r.code}); v != "" && r.code != policy.CodeTooLong {
				p = v
			}
		}
		add(p)
	}
	return out
}

func values(rs []rejection) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.value
	}
	return out
}

func slicesContainsFold(items []string, key string) bool {
	for _, it := range items {
		if foldKey(it) == key {
			return true
		}
	}
	return false
}

// repair writes an alternative to a rejected item, addressing its rule.
func (c *composer) repair(field policy.Field, r rejection) string {
	v := r.value
	switch r.code {
	case policy.CodeTooLong:
		return c.fit(field, v, policy.Limit(field), true)
	case policy.CodeShortHeadlineMissing:
		return c.fit(field, v, policy.PerformanceMaxFormat.ShortHeadline, true)
	case policy.CodeShortDescriptionMissing:
		return c.fit(field, v, policy.PerformanceMaxFormat.ShortDescription, true)
	case policy.CodeAllCaps:
		words := strings.Fields(v)
		for i, w := range words {
			if isShouted(w) && !c.allowed(w) {
				r, n := utf8.DecodeRuneInString(w)
				words[i] = string(r) + strings.ToLower(w[n:])
			}
		}
		return strings.Join(words, " ")
	case policy.CodeExclamation, policy.CodeTooManyExclamations, policy.CodeRepeatedPunctuation:
		v = strings.NewReplacer("!", "", "！", "", "??", "?", "..", ".").Replace(v)
		v = strings.TrimSpace(v)
		if field == policy.Description {
			v = c.endSentence(v)
		}
		return clean(v)
	case policy.CodeExtraSpace:
		return clean(v)
	}
	return ""
}

// isShouted reports a word of two or more letters written all in capitals.
func isShouted(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			letters++
		}
	}
	return letters >= 2
}

func (c *composer) allowed(w string) bool {
	for _, a := range c.allow {
		if strings.Contains(a, strings.Trim(w, ".,:;")) {
			return true
		}
	}
	return false
}

func (c *composer) hasBanned(s string) bool {
	low := strings.ToLower(s)
	for _, t := range c.banned {
		for i := 0; ; {
			j := strings.Index(low[i:], t)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(t)
			before, _ := utf8.DecodeLastRuneInString(low[:start])
			after, _ := utf8.DecodeRuneInString(low[end:])
			if (start == 0 || !unicode.IsLetter(before)) && (end == len(low) || !unicode.IsLetter(after)) {
				return true
			}
			i = start + 1
		}
	}
	return false
}

// pool lists every candidate for a field in a fixed order: short, direct
// phrases first (they pass most often), each brought within the width limit
// by fit, without banned terms, duplicates or texts already used.
func (c *composer) pool(field policy.Field) []string {
	limit := policy.Limit(field)
	// Composed sentences are kept whole or dropped; only the brief's own
	// phrases are shortened word by word, because cutting a template's
	// words leaves half a sentence ("Shoes for trail").
	var composed, phrases []string
	switch field {
	case policy.Headline:
		composed = c.expand(c.book.headlines)
		if c.informal {
			composed = append(composed, c.expand(c.book.informalHeadlines)...)
		}
		for _, k := range c.keywords {
			composed = append(composed, c.expandWith(c.book.keywordHeadlines, k)...)
		}
		phrases = c.points
	case policy.Description:
		composed = c.expand(c.book.descriptions)
		for _, s := range c.points {
			phrases = append(phrases, s+c.book.sentenceEnd)
		}
	case policy.LongHeadline:
		composed = c.expand(c.book.longHeadlines)
	case policy.Path:
		composed = c.paths()
	}
	var out []string
	seen := map[string]bool{}
	for i, r := range append(composed, phrases...) {
		s := c.fit(field, r, limit, i >= len(composed))
		k := foldKey(s)
		if s == "" || seen[k] || c.taken[k] || c.hasBanned(s) {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}

// expand fills templates with every selling point (and pair of points) and
// every keyword they name.
func (c *composer) expand(templates []string) []string {
	var out []string
	for _, t := range templates {
		out = append(out, c.expandWith([]string{t}, "")...)
	}
	return out
}

func (c *composer) expandWith(templates []string, keyword string) []string {
	cta := c.book.cta
	if c.informal && c.book.informalCTA != "" {
		cta = c.book.informalCTA
	}
	points := c.points
	if len(points) == 0 {
		points = []string{""}
	}
	var out []string
	for _, t := range templates {
		for i, s := range points {
			s2 := ""
			if len(c.points) > 1 {
				s2 = c.points[(i+1)%len(c.points)]
			}
			vals := map[string]string{"{p}": c.product, "{b}": c.brand, "{a}": c.audience, "{k}": keyword, "{s}": s, "{s2}": s2, "{cta}": cta}
			text, ok := fill(t, vals)
			// A point ending in its own mark needs no full stop after it.
			text = strings.NewReplacer("!.", "!", "?.", "?", "!。", "!", "？。", "？").Replace(text)
			if ok {
				out = append(out, c.capitalise(text))
			}
			if !strings.Contains(t, "{s}") {
				break // the same text for every point
			}
		}
	}
	return out
}

func fill(t string, vals map[string]string) (string, bool) {
	for k, v := range vals {
		if strings.Contains(t, k) {
			if v == "" {
				return "", false
			}
			t = strings.ReplaceAll(t, k, v)
		}
	}
	return t, true
}

// paths are display paths: a keyword's words joined by hyphens, then single
// words of the keywords and product. Japanese paths hold 7 characters.
func (c *composer) paths() []string {
	var out []string
	add := func(s string) {
		s = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
				return r
			}
			if unicode.IsSpace(r) {
				return '-'
			}
			return -1
		}, s)
		if s = strings.Trim(s, "-"); s != "" {
			out = append(out, s)
		}
	}
	for _, k := range c.keywords {
		add(k)
	}
	for _, k := range append(slices.Clone(c.keywords), c.product) {
		for _, w := range strings.Fields(k) {
			add(c.capitalise(w))
		}
	}
	add(c.product)
	return out
}
