package strength_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
)

var itemPath = regexp.MustCompile(`^(headlines|descriptions|longHeadlines)\[\d+\]$`)

// FuzzRate: any texts, pins and keywords give a rating on the scale, a score
// in its band, known action codes with both messages, and item paths that
// exist in the set — and never a panic.
func FuzzRate(f *testing.F) {
	f.Add(strings.Join(germanHeadlines, "\n"), strings.Join(germanDescriptions, "\n"), "winterreifen\nreifen kaufen", "HEADLINE_1", "de")
	f.Add(strings.Join(englishHeadlines, "\n"), strings.Join(englishDescriptions, "\n"), "\"emergency plumber\"", "", "en")
	f.Add("冬用タイヤ\n冬用タイヤ！\n{KeyWord:x}", "。。。\n", "冬用", "DESCRIPTION_2", "ja")
	f.Add("\xff\xfe\n\u0301\u200d\n   ", "!!!\n", "[]\n+", "BOGUS", "")
	f.Fuzz(func(t *testing.T, heads, descs, keywords, pin, lang string) {
		hs, ds := strings.Split(heads, "\n"), strings.Split(descs, "\n")
		ad := rsa(hs, ds)
		for i := range ad.Headlines {
			if i%3 == 0 {
				ad.Headlines[i].Pin = pin
			}
		}
		ctx := strength.Context{Keywords: strings.Split(keywords, "\n"), Language: lang}
		checkInvariants(t, strength.RateRSA(ad, ctx), len(hs), len(ds), 0)
		g := policy.AssetGroupText{Headlines: hs, LongHeadlines: ds, Descriptions: slices.Concat(ds, hs), BusinessName: keywords,
			Images: images(len(hs)%4, len(ds)%4, len(pin)%2, len(lang)%2, len(keywords)%2)}
		checkInvariants(t, strength.RateAssetGroup(g, ctx), len(hs), len(ds)+len(hs), len(ds))
		for _, a := range hs {
			for _, b := range ds {
				if strength.Similar(a, b) != strength.Similar(b, a) {
					t.Fatalf("Similar(%q, %q) is not symmetric", a, b)
				}
			}
		}
	})
}

func checkInvariants(t *testing.T, r strength.AdStrength, headlines, descriptions, long int) {
	t.Helper()
	if !slices.Contains(strength.Ratings, r.Rating) {
		t.Fatalf("rating %q is not on the scale", r.Rating)
	}
	checkScore(t, r)
	for _, a := range r.Actions {
		if !slices.Contains(strength.Codes, a.Code) {
			t.Fatalf("unknown action code %q", a.Code)
		}
		if a.Message.DE == "" || a.Message.EN == "" {
			t.Fatalf("action %s lacks a message", a.Code)
		}
		for _, p := range a.Items {
			if !itemPath.MatchString(p) {
				t.Fatalf("action %s names %q", a.Code, p)
			}
			var n int
			switch {
			case strings.HasPrefix(p, "headlines"):
				n = headlines
			case strings.HasPrefix(p, "descriptions"):
				n = descriptions
			default:
				n = long
			}
			i, err := strconv.Atoi(p[strings.IndexByte(p, '[')+1 : len(p)-1])
			if err != nil || i >= n {
				t.Fatalf("action %s names %s, but the list has %d texts", a.Code, p, n)
			}
		}
	}
}
