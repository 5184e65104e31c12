package policy

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// matchOneByOne is how phrases were matched before the trie: each phrase
// tried in turn. It is the reference the trie must agree with.
func matchOneByOne(phrases [][]rune, foldCase bool, vis []rune, k int) int {
	best := -1
	for _, p := range phrases {
		j, ok := k, true
		for _, pr := range p {
			if pr == ' ' {
				if j >= len(vis) || !isSpace(vis[j]) {
					ok = false
					break
				}
				for j < len(vis) && isSpace(vis[j]) {
					j++
				}
				continue
			}
			if j >= len(vis) {
				ok = false
				break
			}
			r := vis[j]
			if foldCase {
				r = fold(r)
			}
			if r != pr {
				ok = false
				break
			}
			j++
		}
		if ok && !(j < len(vis) && isLetter(p[len(p)-1]) && isLetter(vis[j])) && j > best {
			best = j
		}
	}
	return best
}

// TestPhraseTrieMatchesEachPhrase compares the trie with trying each phrase
// on random phrases and texts over a small alphabet, so that phrases share
// beginnings, begin one another and meet at word boundaries.
func TestPhraseTrieMatchesEachPhrase(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("aAbä1!  \u00a0")
	word := func(n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(rs)
	}
	matched := 0
	for round := range 300 {
		var terms []string
		for len(terms) < 1+rng.IntN(30) {
			if term := "a" + strings.TrimSpace(word(rng.IntN(6))); term != "" {
				terms = append(terms, term)
			}
		}
		foldCase := round%2 == 0
		ps, err := compilePhrases(terms, foldCase)
		if err != nil {
			t.Fatal(err)
		}
		var phrases [][]rune
		for _, term := range terms {
			rs := []rune(strings.Join(strings.Fields(term), " "))
			if foldCase {
				for i, r := range rs {
					rs[i] = fold(r)
				}
			}
			phrases = append(phrases, rs)
		}
		var text strings.Builder // terms and bits of them among random characters
		for text.Len() < 60 {
			term := terms[rng.IntN(len(terms))]
			text.WriteString(term[:len(term)-rng.IntN(2)])
			text.WriteString(word(rng.IntN(3)))
		}
		vis := []rune(text.String())
		for k := range vis {
			got, want := ps.matchAt(vis, k), matchOneByOne(phrases, foldCase, vis, k)
			if got != want {
				t.Fatalf("terms %q (fold %v), text %q at %d: trie %d, one by one %d", terms, foldCase, string(vis), k, got, want)
			}
			if got > k+1 {
				matched++
			}
		}
	}
	if matched < 500 {
		t.Fatalf("only %d matches longer than one character: the texts do not test the trie", matched)
	}
}

// TestLargeAllowlistStillMatches: 1000 terms that share their first 86
// characters ("a a … a 17x"), the first 25 of them also banned: a term
// matches whole, up to a word boundary.
func TestLargeAllowlistStillMatches(t *testing.T) {
	c := allowlistOfSharedPrefixes(t)
	prefix := strings.Repeat("a ", 43)
	unlisted := []string{CodeRepetition, CodeGimmickySpacing} // "a a a …" without a term over it
	for _, tc := range []struct {
		text string
		want []string
	}{
		{prefix + "7x", []string{CodeBannedTerm}}, // banned and allowed
		{prefix + "999x", nil},                    // allowed
		{prefix + "1000x", append(unlisted, CodeTooLong)},
		{prefix + "7xb", unlisted}, // "x" continues into a word
		{"Acme " + prefix + "24x ok", []string{CodeBannedTerm, CodeTooLong}},
	} {
		if got := codes(c.CheckText(Description, tc.text).Violations); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%q: %v, want %v", tc.text, got, tc.want)
		}
	}
}
