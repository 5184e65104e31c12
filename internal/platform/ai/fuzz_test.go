package ai

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzExtractObject: whatever a model writes, the tolerant reader never
// panics; what it accepts is JSON again (every member re-marshals); a valid
// JSON object is always accepted as it is, bare, in prose or in a fence; a
// valid object cut anywhere keeps only whole items, each list a prefix of the
// full one; and every slot decodes to items with the bad ones named in range.
func FuzzExtractObject(f *testing.F) {
	for _, s := range []string{
		`{"headlines":["Winterreifen für Größe 16","Straßentauglich & günstig"],"descriptions":["Über 200 Marken – Lieferung in 2 Tagen."]}`,
		"Hier ist das JSON:\n```json\n{\"headlines\": [\"Grüße aus Köln 👋\", \"Jetzt 20 % sparen!\"],}\n```\nViel Erfolg!",
		`{"headlines": ["שלום עולם", "مرحبا بالعالم"], "descriptions": ["‏RTL mark"]}`,
		"{\"headlines\": [\"NUL \u0000 inside\", \"tab\tand\nnewline\"]}",
		`{"headlines": ["a", 1e999999, -0.0000000000000000000001, 123456789012345678901234567890]}`,
		`{"headlines": ["Winterreifen", "Sommerreif`,
		`{"headlines": ["x"], "descriptions": [`,
		`{"a": {"b": [{"c": "}"}]}, "d": "\"\\"}`,
		`{"headlines": "nur eine Überschrift"}`,
		`{"headlines": ["Code: ` + "```" + `go"]}`,
		"```\n{\"headlines\": [\"ohne Sprache\"]}\n```",
		`{]`, `{"a":}`, `}{`, `[{"a": ["x"]}]`, `{"a": ["x",, "y"]}`, "\xff\xfe{\"a\": [\"\xc3\"]}",
		`{"a": ["\ud800"], "b": "\u00df"}`, `{"dup": ["1"], "dup": ["2"]}`, strings.Repeat("[", 64),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		members, truncated, err := extractObject(raw)
		if err != nil {
			if members != nil {
				t.Fatalf("an error (%v) with members %v", err, members)
			}
		} else {
			if _, err := json.Marshal(members); err != nil {
				t.Fatalf("accepted members do not re-marshal: %v", err)
			}
			for k, v := range members {
				checkSlot(t, k, v)
			}
		}
		if truncated && err == nil && len(members) > 0 && !strings.Contains(raw, "{") {
			t.Fatalf("members from a text without an object: %q", raw)
		}

		// A valid JSON object is taken as it is, however it is wrapped.
		var want map[string]json.RawMessage
		trimmed := bytes.TrimSpace([]byte(raw))
		if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &want) != nil {
			return
		}
		wrapped := []string{raw, "Sure! Here it is: " + raw + "\nAnything else?"}
		if !strings.Contains(raw, "```") {
			wrapped = append(wrapped, "```json\n"+raw+"\n```", "Ergebnis:\n```\n"+raw+"```\nGrüße")
		}
		for _, w := range wrapped {
			got, cut, err := extractObject(w)
			if err != nil || cut {
				t.Fatalf("valid object %q refused in %q: cut %v, %v", raw, w, cut, err)
			}
			if !sameMembers(got, want) {
				t.Fatalf("valid object %q read from %q as %v", raw, w, got)
			}
		}
		// Cut anywhere, it keeps whole items only (of a member named twice,
		// the first value is the one before a cut).
		for _, at := range []int{len(raw) / 3, len(raw) / 2, len(raw) - 1} {
			if at <= strings.IndexByte(raw, '{') || !uniqueKeys(trimmed) {
				continue
			}
			got, _, err := extractObject(raw[:at])
			if err != nil {
				continue
			}
			for k, v := range got {
				full, ok := want[k]
				if !ok {
					t.Fatalf("cut %q gives member %q the object lacks", raw[:at], k)
				}
				var a, b []string
				if json.Unmarshal(full, &a) == nil && json.Unmarshal(v, &b) == nil && (len(b) > len(a) || !slices.Equal(a[:len(b)], b)) {
					t.Fatalf("cut %q keeps %q of %q", raw[:at], b, a)
				}
			}
		}
	})
}

func checkSlot(t *testing.T, k string, v json.RawMessage) {
	t.Helper()
	if !json.Valid(v) {
		t.Fatalf("member %q is not JSON: %s", k, v)
	}
	items, bad, err := decodeStrings(v)
	if err != nil {
		return
	}
	var elems []json.RawMessage
	if json.Unmarshal(v, &elems) == nil && len(items) != len(elems) {
		t.Fatalf("%d items of %d elements in %s", len(items), len(elems), v)
	}
	for i, b := range bad {
		if b < 0 || b >= len(items) || i > 0 && bad[i-1] >= b || items[b] != "" {
			t.Fatalf("bad items %v of %d", bad, len(items))
		}
	}
	// Every element that is a string is an item as written; every other
	// (null included) is named bad.
	for i, e := range elems {
		var s string
		isString := bytes.HasPrefix(bytes.TrimSpace(e), []byte(`"`)) && json.Unmarshal(e, &s) == nil
		if isString == slices.Contains(bad, i) || isString && items[i] != s {
			t.Fatalf("element %d (%s) of %s read as %q, bad %v", i, e, v, items[i], bad)
		}
	}
}

// sameMembers compares members by value (a RawMessage keeps its spacing).
func sameMembers(a, b map[string]json.RawMessage) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok {
			return false
		}
		x, errX := decodeNumbers(va)
		y, errY := decodeNumbers(vb)
		if errX != nil || errY != nil || !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

// decodeNumbers decodes v keeping numbers as written (1e999999 is valid JSON
// but no float64).
func decodeNumbers(v json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var x any
	err := d.Decode(&x)
	return x, err
}

// uniqueKeys reports whether no member of the object is named twice.
func uniqueKeys(obj []byte) bool {
	d := json.NewDecoder(bytes.NewReader(obj))
	seen := map[string]bool{}
	depth := 0
	expectKey := false
	for {
		tok, err := d.Token()
		if err != nil {
			return true
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
			expectKey = depth == 1
			continue
		case string:
			if depth == 1 && expectKey {
				if seen[v] {
					return false
				}
				seen[v] = true
				expectKey = false
				continue
			}
		}
		if depth == 1 {
			expectKey = true
		}
	}
}
