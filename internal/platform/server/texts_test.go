package server

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFindBadText(t *testing.T) {
	for _, c := range []struct {
		doc, location, reason string
	}{
		{`{"name":"Winter\u0000Sale"}`, "body.name", "U+0000"},
		{`{"name":"ok","brief":{"notes":"line\nbreaks\tand\r\nreturns are fine"}}`, "", ""},
		{`{"name":"a\u0007b"}`, "body.name", "U+0007"},
		{`{"name":"a\bb"}`, "body.name", "U+0008"},
		{`{"name":"a` + "\x7f" + `b"}`, "body.name", "U+007F"},
		{`{"name":"a` + "\u0085" + `b"}`, "body.name", "U+0085"},
		{`{"name":"a\u009fb"}`, "body.name", "U+009F"},
		{`{"headlines":[{"text":"ok"},{"text":"x\ud800y"}]}`, "body.headlines[1].text", "lone UTF-16 surrogate (\\ud800)"},
		{`{"headlines":["x\udc00"]}`, "body.headlines[0]", "lone UTF-16 surrogate (\\udc00)"},
		{`{"t":"\ud83d"}`, "body.t", "lone UTF-16 surrogate"},
		{`{"t":"\ud83d\u0041"}`, "body.t", "lone UTF-16 surrogate"},
		{`{"t":"pair \ud83d\ude00 is one character"}`, "", ""},
		{`{"t":"raw emoji 😀, Umlaute äöü, 日本語, \"quotes\" and \\ backslash"}`, "", ""},
		{`{"a\u0000b":1}`, "body", "U+0000"},
		{`[1, true, null, -2.5e3, {"x": ["y", "\u0001"]}]`, "body[4].x[1]", "U+0001"},
		{`{"name":`, "", ""},             // malformed: the decoder reports it
		{`{"name":"abc`, "", ""},         // unterminated
		{`{"name":"a\u00"}`, "", ""},     // bad escape
		{"{\"name\":\"a\x01\"}", "", ""}, // raw control byte: not JSON
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), "body" + strings.Repeat("[0]", 65), "nested more than 64"},
	} {
		p := findBadText([]byte(c.doc))
		switch {
		case c.location == "" && p != nil:
			t.Errorf("%s: refused at %s: %s", c.doc, p.location, p.reason)
		case c.location != "" && p == nil:
			t.Errorf("%s: accepted, want refused at %s", c.doc, c.location)
		case p != nil && (p.location != c.location || !strings.Contains(p.reason, c.reason)):
			t.Errorf("%s: refused at %s (%s), want %s (%s)", c.doc, p.location, p.reason, c.location, c.reason)
		}
	}
}

// Whatever the scanner accepts, encoding/json decodes into strings that hold
// no forbidden control character, and no U+FFFD the client did not send.
func FuzzFindBadText(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":"\ud800"}`, `["\u0000"]`, `{"a":{"b":["c\n"]}}`, `"\ud83d\ude00"`, `{"\u0085":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var v any
		if !utf8.Valid(doc) || findBadText(doc) != nil || json.Unmarshal(doc, &v) != nil {
			return
		}
		sentFFFD := strings.Contains(string(doc), "\ufffd") || strings.Contains(string(doc), "\uFFFD") || strings.Contains(string(doc), "\uFffd") || strings.ContainsRune(string(doc), '\ufffd')
		var walk func(any)
		check := func(s string) {
			for _, r := range s {
				if forbiddenControl(r) || (r == '\ufffd' && !sentFFFD) {
					t.Fatalf("accepted %q, which decodes to %q", doc, s)
				}
			}
		}
		walk = func(v any) {
			switch t := v.(type) {
			case string:
				check(t)
			case []any:
				for _, x := range t {
					walk(x)
				}
			case map[string]any:
				for k, x := range t {
					check(k)
					walk(x)
				}
			}
		}
		walk(v)
	})
}
