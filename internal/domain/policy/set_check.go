package policy

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// CheckSet and the set-level rules: counts, duplicates, short texts, pins,
// paths, final URLs and keywords.

// maxFinalURLLength: 2048 in the Google Ads help; the old API limit of 2083
// bytes is looser, so 2048 is the safe maximum (reference §1.1).
const maxFinalURLLength = 2048

// CheckSet checks the items of a set against a format.
func (c *Checker) CheckSet(f *Format, s Set) SetResult {
	res := SetResult{Items: make([]ItemResult, 0, len(s.Items)+2), Violations: []Violation{}}
	var counts fieldCounts
	for _, it := range s.Items {
		r := c.CheckText(it.Field, it.Text)
		if !f.Placeholders && allowsPlaceholders(it.Field) && strings.IndexByte(it.Text, '{') >= 0 {
			r = addPlaceholderViolations(r, it)
		}
		res.Items = append(res.Items, ItemResult{Path: it.Path, Field: it.Field, Index: counts.get(it.Field), Text: it.Text, Result: r})
		counts.inc(it.Field)
		if _, ok := f.rangeOf(it.Field); !ok {
			res.Violations = append(res.Violations, Violation{Code: CodeFieldNotAllowed, Path: it.Path, Args: Args{Field: it.Field}})
		}
	}
	c.checkPaths(f, s, &res)
	for _, r := range f.Ranges {
		if IsImage(r.Field) && s.Images == nil {
			continue
		}
		n := counts.get(r.Field)
		if IsImage(r.Field) {
			n = countFields(s.Images, r.Field)
		}
		res.Violations = appendCount(res.Violations, n, r.Min, r.Max, Args{Field: r.Field})
	}
	if s.Images != nil {
		for i, img := range s.Images {
			if _, ok := f.rangeOf(img); !ok {
				res.Violations = append(res.Violations, Violation{Code: CodeFieldNotAllowed, Path: fmt.Sprintf("images[%d]", i), Args: Args{Field: img}})
			}
		}
		for _, g := range f.Groups {
			n := 0
			names := make([]string, len(g.Fields))
			for i, fl := range g.Fields {
				n += countFields(s.Images, fl)
				names[i] = string(fl)
			}
			max := g.Max
			if max == 0 {
				max = -1
			}
			res.Violations = appendCount(res.Violations, n, g.Min, max, Args{Text: strings.Join(names, " + ")})
		}
	}
	duplicates(&res)
	if f.ShortHeadline > 0 {
		requireShort(&res, Headline, f.ShortHeadline, CodeShortHeadlineMissing)
	}
	if f.ShortDescription > 0 {
		requireShort(&res, Description, f.ShortDescription, CodeShortDescriptionMissing)
	}
	checkPins(f, s.Items, &res)
	checkFinalURLs(s.FinalURLs, &res)
	c.checkKeywords(s.Items, &res)
	sortSetViolations(res.Violations)
	res.Valid = validOf(res.Violations)
	for _, it := range res.Items {
		if !it.Valid {
			res.Valid = false
		}
	}
	return res
}

// fieldCounts counts items per field type; a set has few field types, so a
// slice beats a map.
type fieldCounts []struct {
	f Field
	n int
}

func (fc fieldCounts) get(f Field) int {
	for _, x := range fc {
		if x.f == f {
			return x.n
		}
	}
	return 0
}

func (fc *fieldCounts) inc(f Field) {
	for i := range *fc {
		if (*fc)[i].f == f {
			(*fc)[i].n++
			return
		}
	}
	*fc = append(*fc, struct {
		f Field
		n int
	}{f, 1})
}

func countFields(fs []Field, f Field) int {
	n := 0
	for _, x := range fs {
		if x == f {
			n++
		}
	}
	return n
}

// appendCount reports a count outside [min, max]; max < 0 means no maximum.
func appendCount(vs []Violation, n, min, max int, a Args) []Violation {
	a.Count = n
	switch {
	case n < min:
		a.Min = min
		return append(vs, Violation{Code: CodeTooFew, Args: a})
	case max >= 0 && n > max:
		a.Max = max
		return append(vs, Violation{Code: CodeTooMany, Args: a})
	}
	return vs
}

// addPlaceholderViolations: formats without ad customizers reject them in
// fields that support them elsewhere.
func addPlaceholderViolations(r Result, it Item) Result {
	runeIdx := 0
	for i := 0; i < len(it.Text); {
		if it.Text[i] == '{' {
			if p := parsePlaceholder(it.Text, i); p.ok {
				n := utf8.RuneCountInString(it.Text[i:p.end])
				r.Violations = append(r.Violations, Violation{Code: CodePlaceholderNotAllowed, Start: runeIdx, End: runeIdx + n,
					Args: Args{Field: it.Field, Text: quote(it.Text[i:p.end], n)}})
				r.Valid = false
				runeIdx += n
				i = p.end
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(it.Text[i:])
		i += size
		runeIdx++
	}
	slices.SortStableFunc(r.Violations, byPosition)
	return r
}

func (c *Checker) checkPaths(f *Format, s Set, res *SetResult) {
	if !f.Paths {
		if s.Path1 != "" || s.Path2 != "" {
			res.Violations = append(res.Violations, Violation{Code: CodeFieldNotAllowed, Path: "path1", Args: Args{Field: Path}})
		}
		return
	}
	for i, p := range []string{s.Path1, s.Path2} {
		if p == "" {
			continue
		}
		name := "path1"
		if i == 1 {
			name = "path2"
		}
		r := c.CheckText(Path, p)
		if !f.Placeholders {
			r = addPlaceholderViolations(r, Item{Field: Path, Text: p})
		}
		res.Items = append(res.Items, ItemResult{Path: name, Field: Path, Index: i, Text: p, Result: r})
	}
	if s.Path2 != "" && s.Path1 == "" {
		res.Violations = append(res.Violations, Violation{Code: CodePath2WithoutPath1, Path: "path2",
			End: utf8.RuneCountInString(s.Path2)})
	}
}

// nextNormalized returns the next letter or digit of s at or after i,
// folded to lower case, and the index after it; r < 0 at the end. Comparing
// through it means "Free Shipping!" and "free  shipping" are equal without
// building normalized copies.
func nextNormalized(s string, i int) (rune, int) {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			i++
			if isWordRune(rune(c)) {
				return fold(rune(c)), i
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if isWordRune(r) {
			return fold(r), i
		}
	}
	return -1, i
}

func normalizedEqual(a, b string) bool {
	i, j := 0, 0
	empty := true
	for {
		var ra, rb rune
		ra, i = nextNormalized(a, i)
		rb, j = nextNormalized(b, j)
		if ra != rb {
			return false
		}
		if ra < 0 {
			return !empty // two texts of only punctuation are not "the same words"
		}
		empty = false
	}
}

// duplicates: Google rejects identical texts within a field
// (AssetError.DUPLICATE_ASSET); texts that differ only in case, spacing or
// punctuation are accepted but add nothing, so they are warnings.
func duplicates(res *SetResult) {
	for i := range res.Items {
		a := res.Items[i]
		if a.Field == Path {
			continue
		}
		for j := 0; j < i; j++ {
			b := res.Items[j]
			if a.Field != b.Field {
				continue
			}
			n := utf8.RuneCountInString(a.Text)
			if a.Text == b.Text {
				res.Violations = append(res.Violations, Violation{Code: CodeDuplicate, Path: a.Path, End: n, Args: Args{Other: b.Path}})
				break
			}
			if normalizedEqual(a.Text, b.Text) {
				res.Violations = append(res.Violations, Violation{Code: CodeDuplicateSimilar, Severity: Warning, Path: a.Path, End: n, Args: Args{Other: b.Path}})
				break
			}
		}
	}
}

func requireShort(res *SetResult, f Field, limit int, code string) {
	seen := false
	for _, it := range res.Items {
		if it.Field != f {
			continue
		}
		seen = true
		if it.Width <= limit {
			return
		}
	}
	if seen {
		res.Violations = append(res.Violations, Violation{Code: code, Args: Args{Field: f, Limit: limit}})
	}
}

// checkPins: pins must name a position of the item's field, and every
// position must stay fillable — "at least one title must be available for
// each position" (reference §1.1). Several assets may share a position.
func checkPins(f *Format, items []Item, res *SetResult) {
	for _, pf := range []struct {
		field     Field
		positions []string
	}{{Headline, Pins(Headline)}, {Description, Pins(Description)}} {
		var pinnedBuf [3]int
		pinned := pinnedBuf[:len(pf.positions)]
		unpinned, used := 0, false
		for _, it := range items {
			if it.Field != pf.field {
				continue
			}
			if it.Pin == "" {
				unpinned++
				continue
			}
			pos := indexOf(pf.positions, it.Pin)
			if !f.Pins || pos < 0 {
				allowed := strings.Join(pf.positions, ", ")
				if !f.Pins {
					allowed = "no pin (this format does not support pinning)"
				}
				res.Violations = append(res.Violations, Violation{Code: CodeInvalidPin, Path: it.Path,
					End: utf8.RuneCountInString(it.Text), Args: Args{Text: it.Pin, Other: allowed}})
				continue
			}
			pinned[pos]++
			used = true
		}
		if !used {
			continue // unpinned assets rotate freely; the counts are checked elsewhere
		}
		for pos, n := range pinned {
			if n > 0 {
				continue
			}
			if unpinned > 0 {
				unpinned--
				continue
			}
			res.Violations = append(res.Violations, Violation{Code: CodePinInfeasible, Args: Args{Field: pf.field, Text: pf.positions[pos]}})
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func checkFinalURLs(urls []string, res *SetResult) {
	if len(urls) == 0 {
		res.Violations = append(res.Violations, Violation{Code: CodeFinalURLMissing})
		return
	}
	for i, raw := range urls {
		path := indexPath("finalUrls", i)
		n := utf8.RuneCountInString(raw)
		if len(raw) > maxFinalURLLength {
			res.Violations = append(res.Violations, Violation{Code: CodeFinalURLTooLong, Path: path, End: n,
				Args: Args{Width: len(raw), Limit: maxFinalURLLength}})
			continue
		}
		if !validFinalURL(raw) {
			res.Violations = append(res.Violations, Violation{Code: CodeFinalURLInvalid, Path: path, End: n, Args: Args{Text: raw}})
		}
	}
}

func validFinalURL(raw string) bool {
	if strings.ContainsAny(raw, " \t\r\n") {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Hostname() != ""
}

// checkKeywords: a soft finding when no headline mentions any of the ad
// group's keywords; keyword insertion counts as a mention.
func (c *Checker) checkKeywords(items []Item, res *SetResult) {
	if c.keywords.n == 0 {
		return
	}
	seen := false
	for _, it := range items {
		if it.Field != Headline {
			continue
		}
		seen = true
		if hasKeywordInsertion(it.Text) {
			return
		}
		rs := []rune(it.Text)
		for k := range rs {
			if (k == 0 || !isWordRune(rs[k-1])) && c.keywords.matchAt(rs, k) > 0 {
				return
			}
		}
	}
	if seen {
		res.Violations = append(res.Violations, Violation{Code: CodeNoKeywordInHeadlines, Severity: Warning})
	}
}

func hasKeywordInsertion(s string) bool {
	for i := strings.IndexByte(s, '{'); i >= 0; {
		if p := parsePlaceholder(s, i); p.ok && strings.EqualFold(s[i+1:min(i+8, len(s))], "keyword") {
			return true
		}
		j := strings.IndexByte(s[i+1:], '{')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func sortSetViolations(vs []Violation) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].Path < vs[j-1].Path; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}
