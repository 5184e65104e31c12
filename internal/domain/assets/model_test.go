package assets

import (
	"testing"

	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

func TestNormalizeText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Café", "Café"},
		{"Cafe\u0301", "Café"}, // NFD → NFC
		{"  two   spaces\t\ttabs \n", "two spaces tabs"},
		{"no\u00a0break\u2003em\u3000ideographic", "no break em ideographic"},
		{"\u200bzero width", "\u200bzero width"}, // not whitespace: kept, visible to the policy checks
		{" \t\n", ""},
	} {
		if got := NormalizeText(c.in); got != c.want {
			t.Errorf("NormalizeText(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := NormalizeText(NormalizeText(c.in)); got != NormalizeText(c.in) {
			t.Errorf("NormalizeText is not idempotent on %q", c.in)
		}
	}
	if TextHash("Cafe\u0301  Berlin") != TextHash("Café Berlin") {
		t.Error("variants hash differently")
	}
	if TextHash("Café Berlin") == TextHash("Cafe Berlin") {
		t.Error("different texts hash alike")
	}
	if h := TextHash("abc"); len(h) != 64 || h != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("TextHash(abc) = %s, want the SHA-256 hex of the bytes", h)
	}
}

func decodeCursorForTest(s, sort string) (*httpapi.Cursor, error) {
	return httpapi.DecodeCursor(s, sort)
}
