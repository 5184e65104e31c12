package campaigns

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/refusal"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

var (
	languageRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	locationRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// checkURL accepts absolute http(s) URLs with a host, as Google Ads requires.
func checkURL(location, raw string) error {
	if len(raw) > 2048 {
		return errs.Field(location, "longer than 2048 characters", raw)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errs.Field(location, "must be an absolute http:// or https:// URL", raw)
	}
	if strings.ContainsAny(raw, " \t\n") {
		return errs.Field(location, "must not contain spaces", raw)
	}
	return nil
}

func checkURLs(location string, urls []string) error {
	seen := map[string]bool{}
	for i, u := range urls {
		loc := fmt.Sprintf("%s[%d]", location, i)
		if err := checkURL(loc, u); err != nil {
			return err
		}
		if seen[u] {
			return errs.Field(loc, "duplicate URL", u)
		}
		seen[u] = true
	}
	return nil
}

func checkLanguages(location string, langs []string) error {
	for i, l := range langs {
		if !languageRE.MatchString(l) {
			return errs.Field(fmt.Sprintf("%s[%d]", location, i), "not a BCP 47 language code such as de, en or de-CH", l)
		}
	}
	return nil
}

func checkLocations(location string, locs []string) error {
	for i, l := range locs {
		if !locationRE.MatchString(l) {
			return errs.Field(fmt.Sprintf("%s[%d]", location, i), "not a country code or geo target ID", l)
		}
	}
	return nil
}

// cleanName trims a display name; an empty result, or one of several
// lines, is refused.
func cleanName(location, name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", errs.Field(location, "must not be blank", name)
	}
	if i := strings.IndexFunc(n, unicode.IsControl); i >= 0 {
		return "", errs.Field(location, fmt.Sprintf("must be one line; it contains the control character %U", []rune(n[i:])[0]), name)
	}
	return n, nil
}

// keywordForbidden are characters Google Ads refuses in keyword text; match
// types are given in match_type, not as [brackets] or "quotes".
const keywordForbidden = "!@%^*()={};~`<>?\\|[]\""

func cleanKeyword(location, text string) (string, error) {
	t := strings.Join(strings.Fields(text), " ")
	if t == "" {
		return "", errs.Field(location, "must not be blank", text)
	}
	if i := strings.IndexFunc(t, unicode.IsControl); i >= 0 {
		return "", errs.Field(location, fmt.Sprintf("contains the control character %U", []rune(t[i:])[0]), text)
	}
	if i := strings.IndexAny(t, keywordForbidden); i >= 0 {
		r, _ := utf8.DecodeRuneInString(t[i:])
		return "", errs.Field(location, fmt.Sprintf("contains %q; give the match type in match_type, not as punctuation", r), text)
	}
	if n := len(strings.Fields(t)); n > policy.MaxKeywordWords {
		return "", errs.Field(location, fmt.Sprintf("has %d words; Google Ads allows at most %d", n, policy.MaxKeywordWords), text)
	}
	if limit := policy.Limit(policy.Keyword); utf8.RuneCountInString(t) > limit {
		return "", errs.Field(location, fmt.Sprintf("longer than %d characters", limit), text)
	}
	return t, nil
}

// checkPaths applies the policy's display-path rules to an asset group's
// path1 and path2 with the campaign's checker: width 15, no slash, no line
// break or other invalid character, the editorial rules and banned terms, and
// path2 only together with path1. Performance Max takes no ad customizers in
// paths, which the format adds.
func checkPaths(c *policy.Checker, prefix, path1, path2 string) error {
	res := c.CheckSet(policy.PerformanceMaxFormat, policy.Set{Path1: path1, Path2: path2})
	var fields []errs.FieldError
	for _, it := range res.Items {
		for _, v := range it.Errors() {
			fields = append(fields, refusal.Field(prefix+it.Path, it.Text, v))
		}
	}
	for _, v := range res.Violations {
		if v.Code == policy.CodePath2WithoutPath1 {
			fields = append(fields, refusal.Field(prefix+"path2", path2, v))
		}
	}
	return refusal.Of(fields)
}

// adParts says which parts of a responsive search ad a write sends. Findings
// in parts it does not send are not its doing (the brief may have changed
// since they were stored), so they do not refuse it.
type adParts struct {
	headlines, descriptions, paths, finalURLs bool
}

// wholeAd: creating an ad sends every part.
var wholeAd = adParts{headlines: true, descriptions: true, paths: true, finalURLs: true}

// pinPositions is how many positions each pinnable field has. A draft with
// fewer items than positions cannot fill them all yet, whatever its pins, and
// the items still to come can fill them.
func pinPositions(f policy.Field) int { return len(policy.Pins(f)) }

// checkRSA runs the policy's responsive-search-ad checks over the whole ad
// and refuses its errors at the request's fields: item findings at
// body.headlines[i].text (with the span in the stored text), invalid and
// infeasible pins at the pinned_field, paths and final URLs at theirs. Too few
// headlines or descriptions is not refused: a draft may be incomplete, and
// approval requires the minimum counts.
func checkRSA(c *policy.Checker, ad policy.RSA, sent adParts) error {
	res := c.CheckRSA(ad)
	if res.Valid {
		return nil
	}
	var fields []errs.FieldError
	for _, it := range res.Items {
		if !sent.has(it.Path) {
			continue
		}
		for _, v := range it.Errors() {
			fields = append(fields, refusal.Field(requestPath(it.Path)+textSuffix(it.Field), it.Text, v))
		}
	}
	for _, v := range res.Violations {
		if v.Severity != policy.Error || v.Code == policy.CodeTooFew {
			continue
		}
		switch v.Code {
		case policy.CodeInvalidPin:
			if sent.has(v.Path) {
				fields = append(fields, errs.FieldError{Location: requestPath(v.Path) + ".pinned_field", Message: v.Message("en"), Value: v.Args.Text, Code: v.Code})
			}
		case policy.CodePinInfeasible:
			texts := ad.Headlines
			if v.Args.Field == policy.Description {
				texts = ad.Descriptions
			}
			if len(texts) >= pinPositions(v.Args.Field) && sent.has(listName(v.Args.Field)) {
				fields = append(fields, errs.FieldError{Location: infeasiblePinAt(v.Args.Field, texts), Message: v.Message("en"), Value: v.Args.Text, Code: v.Code})
			}
		case policy.CodeFinalURLMissing:
			if sent.finalURLs {
				fields = append(fields, errs.FieldError{Location: "body.final_urls", Message: v.Message("en"), Code: v.Code})
			}
		case policy.CodeTooMany:
			if sent.has(listName(v.Args.Field)) {
				fields = append(fields, errs.FieldError{Location: "body." + listName(v.Args.Field), Message: v.Message("en"), Value: v.Args.Count, Code: v.Code})
			}
		default: // DUPLICATE, PATH2_WITHOUT_PATH1, FINAL_URL_INVALID/TOO_LONG: about one item
			if sent.has(v.Path) {
				it, isItem := res.Item(v.Path)
				value := it.Text
				if !isItem { // a final URL
					value = finalURLAt(ad.FinalURLs, v.Path)
				}
				fields = append(fields, refusal.Field(requestPath(v.Path)+textSuffix(it.Field), value, v))
			}
		}
	}
	return refusal.Of(fields)
}

// has reports whether the write sends the part a policy path ("headlines[2]",
// "path1", "finalUrls[0]") belongs to.
func (p adParts) has(path string) bool {
	switch {
	case strings.HasPrefix(path, "headlines"):
		return p.headlines
	case strings.HasPrefix(path, "descriptions"):
		return p.descriptions
	case strings.HasPrefix(path, "path"):
		return p.paths
	case strings.HasPrefix(path, "finalUrls"):
		return p.finalURLs
	}
	return true
}

// requestPath turns a policy path into the request's location:
// "finalUrls[0]" → "body.final_urls[0]".
func requestPath(path string) string {
	return "body." + strings.Replace(path, "finalUrls", "final_urls", 1)
}

func listName(f policy.Field) string {
	if f == policy.Description {
		return "descriptions"
	}
	return "headlines"
}

// textSuffix: headlines and descriptions are objects whose text is in "text";
// paths and URLs are the value itself.
func textSuffix(f policy.Field) string {
	if f == policy.Headline || f == policy.Description {
		return ".text"
	}
	return ""
}

// finalURLAt returns the URL a path "finalUrls[i]" names.
func finalURLAt(urls []string, path string) string {
	for i, u := range urls {
		if path == fmt.Sprintf("finalUrls[%d]", i) {
			return u
		}
	}
	return ""
}

// infeasiblePinAt names the pin to change when a position cannot be filled:
// the last item pinned to a position another item also holds, since moving
// or removing that pin frees an item for the empty position.
func infeasiblePinAt(f policy.Field, texts []policy.PinnedText) string {
	held := map[string]int{}
	for _, t := range texts {
		if t.Pin != "" {
			held[t.Pin]++
		}
	}
	for i := len(texts) - 1; i >= 0; i-- {
		if held[texts[i].Pin] > 1 && texts[i].Pin != "" {
			return fmt.Sprintf("body.%s[%d].pinned_field", listName(f), i)
		}
	}
	return "body." + listName(f)
}
