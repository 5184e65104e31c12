package campaigns

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/domain/assets/policy"
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

// cleanName trims a display name; an empty result is refused.
func cleanName(location, name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", errs.Field(location, "must not be blank", name)
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
	if i := strings.IndexAny(t, keywordForbidden); i >= 0 {
		r, _ := utf8.DecodeRuneInString(t[i:])
		return "", errs.Field(location, fmt.Sprintf("contains %q; give the match type in match_type, not as punctuation", r), text)
	}
	if n := len(strings.Fields(t)); n > 10 {
		return "", errs.Field(location, fmt.Sprintf("has %d words; Google Ads allows at most 10", n), text)
	}
	if utf8.RuneCountInString(t) > 80 {
		return "", errs.Field(location, "longer than 80 characters", text)
	}
	return t, nil
}

// checkPaths applies the display-path rules: at most 15 characters each, no
// slash, and path2 only together with path1.
func checkPaths(prefix, path1, path2 string) error {
	for i, p := range []string{path1, path2} {
		loc := fmt.Sprintf("%spath%d", prefix, i+1)
		if strings.ContainsAny(p, "/\n") {
			return errs.Field(loc, "must not contain a slash or a line break", p)
		}
		if strings.TrimSpace(p) != p {
			return errs.Field(loc, "must not start or end with a space", p)
		}
		if w := policy.Width(p); w > 15 {
			return errs.Field(loc, fmt.Sprintf("is %d characters wide; the limit is 15", w), p)
		}
	}
	if path2 != "" && path1 == "" {
		return errs.Field(prefix+"path2", "needs path1", path2)
	}
	return nil
}
