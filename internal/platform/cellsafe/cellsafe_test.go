package cellsafe

import "testing"

func TestDefuseQuotesFormulaLookingCells(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"=SUM(A1)", "'=SUM(A1)"},
		{"+49 89 123", "'+49 89 123"},
		{"-20 %", "'-20 %"},
		{"@home", "'@home"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'=A1", "''=A1"},    // already looks defused: one more, so Restore gives it back
		{"'hello", "'hello"}, // an apostrophe before ordinary text is text
		{"Winterreifen", "Winterreifen"},
		{"", ""},
		{"a=b", "a=b"},
	} {
		if got := Defuse(c.in); got != c.want {
			t.Errorf("Defuse(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := Restore(Defuse(c.in)); got != c.in {
			t.Errorf("Restore(Defuse(%q)) = %q", c.in, got)
		}
	}
}

func FuzzDefuseRestore(f *testing.F) {
	for _, s := range []string{"=1+1", "''-x", "'", "''", "@", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Defuse(s)
		if Restore(d) != s {
			t.Fatalf("Restore(Defuse(%q)) = %q", s, Restore(d))
		}
		if d != "" && isTrigger(d[0]) {
			t.Fatalf("Defuse(%q) = %q starts with a formula character", s, d)
		}
	})
}
