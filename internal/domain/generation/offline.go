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
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
	"github.com/imaphub/imaphub/internal/platform/ai"
)

// OfflineName is the provider name, and the provenance source, of copy
// written without a language model.
const OfflineName = "offline"

// offlineModel versions the composition rules below, the way a model name
// versions a model: stored in provenance, so a change here is traceable.
const offlineModel = "imaphub-offline/2"

// OfflineWriter writes copy without a network: deterministic sentences
// composed from the brief's own facts (product, keywords, selling points,
// business name) with a small phrase book per language (German, English,
// Japanese; other languages get the brief's phrases alone) that adds only
// calls to action and connectors. Selling points are used whole (fitPoint
// keeps their meaning or drops them), German nouns are capitalised
// (casing), and a set it cannot fill from the brief stays short rather than
// padded. It is used when no model is configured and goes through the same
// validation loop as a model: it aims for valid copy (it measures widths and
// avoids banned terms, used texts and near-duplicates) but the policy engine
// judges it, and when the loop asks it to repair an item it writes an
// alternative — a corrected one for capitals or punctuation, else a text of
// its pool not offered before. It reads the request as data (ai.Call's
// Input, Want, Accepted and Problems) and never the prompt.
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
	c := newComposer(in.Brief, in.Format, in.Taken)
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
	tone     int // formal or informal
	format   Format
	casing   casing
	product  string
	brand    string
	keywords []string
	points   []string
	allow    []string
	banned   []string
	taken    map[string]bool
	ctaNext  int // the next call to action of the pool being written
}

// informalMarkers in a brief's tone ask for the informal address (du, casual
// English); everything else, and no tone, is formal (Sie).
var informalMarkers = []string{"du", "duzen", "duzt", "informal", "informell", "locker", "casual", "friendly", "freundschaftlich", "タメ口", "カジュアル"}

func newComposer(b Brief, f Format, existing []string) *composer {
	base, _, _ := strings.Cut(strings.ToLower(b.Language), "-")
	book, ok := phrasebooks[base]
	if !ok {
		base, book = "", phrasebooks[""]
	}
	c := &composer{lang: base, book: book, format: f, allow: b.BrandTerms, taken: map[string]bool{}, casing: newCasing(base, b)}
	for _, w := range strings.FieldsFunc(strings.ToLower(b.Tone), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if slices.Contains(informalMarkers, w) {
			c.tone = informal
		}
	}
	c.product = c.casing.phrase(clean(b.Product))
	c.brand = clean(b.BusinessName)
	if c.brand == "" && len(b.BrandTerms) > 0 {
		c.brand = clean(b.BrandTerms[0])
	}
	for _, k := range b.Keywords {
		if base == "ja" {
			// Japanese searches separate words with spaces; copy does not.
			k = strings.ReplaceAll(k, " ", "")
		}
		if k = c.casing.phrase(clean(k)); k != "" && !slices.Contains(c.keywords, k) {
			c.keywords = append(c.keywords, k)
		}
	}
	for _, s := range b.SellingPoints {
		// A selling point opens a sentence or a headline.
		if s = c.casing.text(strings.TrimRight(clean(s), ".。 ")); s != "" {
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
	out := []string{} // an empty list, not null: "nothing more to offer"
	add := func(s string) {
		if k := foldKey(s); s != "" && len(out) < n && !seen[k] && !rejectedText[s] && policy.Width(s) <= limit && !c.hasBanned(s) &&
			(field == policy.Path || !slices.ContainsFunc(accepted, func(a string) bool { return strength.Similar(a, s) })) {
			seen[k] = true
			out = append(out, s)
		}
	}
	for _, r := range mine {
		add(c.repair(field, r))
	}
	pool := c.pool(field)
	for _, r := range mine {
		width := 0
		switch r.code {
		case policy.CodeShortHeadlineMissing:
			width = policy.PerformanceMaxFormat.ShortHeadline
		case policy.CodeShortDescriptionMissing:
			width = policy.PerformanceMaxFormat.ShortDescription
		}
		for _, p := range pool {
			if had := len(out); width > 0 && policy.Width(p) <= width {
				if add(p); len(out) > had {
					break
				}
			}
		}
	}
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
			if v := c.repair(field, rejection{value: p, code: r.code}); v != "" {
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
	case policy.CodeTooLong, policy.CodeShortHeadlineMissing, policy.CodeShortDescriptionMissing:
		// Never cut: write returns a shorter text of the pool instead.
		return ""
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

// pool lists every candidate for a field in a fixed order, each within the
// width limit, without banned terms, duplicates or texts already used. The
// brief's phrases are used whole or shortened by rules that keep their
// meaning (fitPoint); a composed text that does not fit is dropped, never
// cut. Search ads lead with the keywords; Performance Max with the selling
// points and its own templates, so an asset group does not repeat the ad.
func (c *composer) pool(field policy.Field) []string {
	limit := policy.Limit(field)
	var cands []string
	pmax := c.format == FormatPMax
	c.ctaNext = 0
	switch field {
	case policy.Headline:
		var points []string
		for _, s := range c.points {
			points = append(points, c.fitPoint(s, limit)...)
		}
		if pmax {
			// Bare keywords are the search ad's headlines: an asset group
			// uses them only to reach a usable set.
			cands = append(cands, points...)
			cands = append(cands, c.expand(c.book.pmaxHeadlines[c.tone])...)
			cands = append(cands, c.brand, upperFirst(c.product))
			if fitting := slices.DeleteFunc(slices.Clone(cands), func(s string) bool { return s == "" || policy.Width(s) > limit }); len(fitting) < minPMaxHeadlines {
				for _, k := range c.keywords {
					cands = append(cands, upperFirst(k))
				}
			}
		} else {
			for _, k := range c.keywords {
				cands = append(cands, upperFirst(k))
			}
			cands = append(cands, upperFirst(c.product), c.brand)
			cands = append(cands, points...)
			cands = append(cands, c.expand(c.book.rsaHeadlines[c.tone])...)
		}
	case policy.Description:
		if pmax {
			cands = append(c.expand(c.book.pmaxDescriptions), c.expand(c.book.pmaxFallback)...)
		} else {
			cands = append(c.expand(c.book.rsaDescriptions), c.expand(c.book.rsaFallback)...)
		}
	case policy.LongHeadline:
		cands = c.expand(c.book.longHeadlines[c.tone])
	case policy.Path:
		cands = c.paths()
	}
	var out []string
	seen := map[string]bool{}
	closing := map[string]bool{}
	for _, s := range cands {
		k := foldKey(s)
		if s == "" || policy.Width(s) > limit || seen[k] || c.taken[k] || c.hasBanned(s) {
			continue
		}
		// Google counts a near-duplicate as no new text (the Ad Strength
		// estimator's rule): offer the first of them only.
		if field != policy.Path && slices.ContainsFunc(out, func(o string) bool { return strength.Similar(o, s) }) {
			continue
		}
		if field == policy.Description {
			// Each description closes differently: the same last sentence
			// under every description reads like a template.
			last := c.lastSentence(s)
			if closing[last] {
				continue
			}
			closing[last] = true
		}
		seen[k] = true
		out = append(out, s)
	}
	if pmax {
		// Performance Max needs one headline of at most 15 and one
		// description of at most 60 characters: offer one first.
		switch field {
		case policy.Headline:
			out = shortFirst(out, policy.PerformanceMaxFormat.ShortHeadline)
		case policy.Description:
			out = shortFirst(out, policy.PerformanceMaxFormat.ShortDescription)
		}
	}
	return out
}

// minPMaxHeadlines is how many headlines an asset group should have before
// the offline writer borrows the search ad's bare keywords.
const minPMaxHeadlines = 5

// shortFirst moves the first item at most width wide to the front.
func shortFirst(items []string, width int) []string {
	i := slices.IndexFunc(items, func(s string) bool { return policy.Width(s) <= width })
	if i <= 0 {
		return items
	}
	return append([]string{items[i]}, append(slices.Clone(items[:i]), items[i+1:]...)...)
}

// lastSentence is a description's closing sentence, folded.
func (c *composer) lastSentence(s string) string {
	end := c.book.sentenceEnd
	parts := strings.Split(strings.TrimRight(s, end+" "), end)
	return foldKey(strings.TrimSpace(parts[len(parts)-1]))
}

// expand fills templates with every selling point (the next one as {s2}),
// every keyword and a new call to action each time one is asked for. The
// templates take turns, each starting at a different selling point, so the
// first items of a slot differ in structure and in what they say.
func (c *composer) expand(templates []string) []string {
	points := c.points
	if len(points) == 0 {
		points = []string{""}
	}
	keywords := c.keywords
	if len(keywords) == 0 {
		keywords = []string{""}
	}
	per := make([][][3]string, len(templates)) // per template: its fillings ({s}, {s2}, {k})
	for j, t := range templates {
		for n := range points {
			i := (n + j) % len(points)
			for _, k := range keywords {
				s2 := ""
				if len(c.points) > 1 {
					s2 = c.points[(i+1)%len(c.points)]
				}
				per[j] = append(per[j], [3]string{points[i], s2, k})
				if !strings.Contains(t, "{k}") {
					break // the same text for every keyword
				}
			}
			if !strings.Contains(t, "{s}") {
				break // the same text for every point
			}
		}
	}
	ctas := c.book.cta[c.tone]
	var out []string
	for round := 0; ; round++ {
		more := false
		for j, t := range templates {
			if round >= len(per[j]) {
				continue
			}
			more = true
			f := per[j][round]
			cta := ""
			if strings.Contains(t, "{cta}") && len(ctas) > 0 {
				cta = ctas[c.ctaNext%len(ctas)]
			}
			text, ok := fill(t, map[string]string{"{p}": c.product, "{b}": c.brand, "{k}": f[2], "{s}": f[0], "{s2}": f[1], "{cta}": cta})
			if !ok {
				continue
			}
			// A point ending in its own mark needs no full stop after it.
			text = strings.NewReplacer("!.", "!", "?.", "?", "!。", "!", "？。", "？").Replace(text)
			if cta != "" && policy.Width(text) <= policy.Limit(policy.Description) {
				c.ctaNext++ // a call to action is spent only by a text that fits
			}
			out = append(out, c.sentenceCase(text))
		}
		if !more {
			return out
		}
	}
}

// sentenceCase capitalises the text's first letter and every letter that
// starts a sentence inside it.
func (c *composer) sentenceCase(s string) string {
	if c.lang != "de" && c.lang != "en" {
		return s
	}
	s = upperFirst(s)
	for _, sep := range []string{". ", "! ", "? "} {
		parts := strings.Split(s, sep)
		for i := 1; i < len(parts); i++ {
			parts[i] = upperFirst(parts[i])
		}
		s = strings.Join(parts, sep)
	}
	return s
}

func fill(t string, vals map[string]string) (string, bool) {
	// Longest placeholders first: {s2} before {s}.
	for _, k := range []string{"{s2}", "{s}", "{p}", "{b}", "{k}", "{cta}"} {
		if strings.Contains(t, k) {
			if vals[k] == "" {
				return "", false
			}
			t = strings.ReplaceAll(t, k, vals[k])
		}
	}
	return t, true
}

// paths are display paths: a keyword's words joined by hyphens, then single
// words of the keywords and product. Japanese paths hold 7 characters.
func (c *composer) paths() []string {
	out := []string{} // an empty list, not null: "nothing more to offer"
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
		if s = upperFirst(strings.Trim(s, "-")); s != "" {
			out = append(out, s)
		}
	}
	for _, k := range c.keywords {
		add(k)
	}
	for _, k := range append(slices.Clone(c.keywords), c.product) {
		for _, w := range strings.Fields(k) {
			add(upperFirst(w))
		}
	}
	add(c.product)
	return out
}
