package policy

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Phrase lists compiled into a trie, so a text is matched against every
// phrase of a list in one pass.

type phraseSet struct {
	fold  bool
	n     int          // phrases
	nodes []phraseNode // nodes[0] is the root
	edges []phraseEdge
}

type phraseNode struct {
	first, n int32 // children: edges[first:first+n], ascending by rune
	end      bool  // a phrase ends here
}

// phraseEdge leads to a child; ' ' stands for one or more spaces.
type phraseEdge struct {
	r  rune
	to int32
}

func compilePhrases(terms []string, foldCase bool) (phraseSet, error) {
	ps := phraseSet{fold: foldCase}
	list := make([][]rune, 0, len(terms))
	for i, t := range terms {
		if !utf8.ValidString(t) {
			return ps, fmt.Errorf("term %d is not valid UTF-8", i+1)
		}
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			return ps, fmt.Errorf("term %d is empty", i+1)
		}
		rs := []rune(t)
		if len(rs) > maxTermRunes {
			return ps, fmt.Errorf("term %d is longer than %d characters", i+1, maxTermRunes)
		}
		if !isWordRune(rs[0]) {
			return ps, fmt.Errorf("term %q must start with a letter or digit", t)
		}
		if foldCase {
			for j, r := range rs {
				rs[j] = fold(r)
			}
		}
		list = append(list, rs)
	}
	ps.n = len(list)
	if ps.n > 0 {
		slices.SortFunc(list, slices.Compare)
		ps.build(list, 0)
	}
	return ps, nil
}

// build adds the node for the sorted phrases of list, which share their
// first depth runes, and returns its index.
func (ps *phraseSet) build(list [][]rune, depth int) int32 {
	id := int32(len(ps.nodes))
	ps.nodes = append(ps.nodes, phraseNode{})
	i := 0
	for i < len(list) && len(list[i]) == depth {
		ps.nodes[id].end = true // sorted: a phrase comes before those it begins
		i++
	}
	first := int32(len(ps.edges))
	for j := i; j < len(list); {
		r := list[j][depth]
		ps.edges = append(ps.edges, phraseEdge{r: r})
		for j < len(list) && list[j][depth] == r {
			j++
		}
	}
	n := int32(len(ps.edges)) - first
	ps.nodes[id].first, ps.nodes[id].n = first, n
	for e := first; e < first+n; e++ {
		j := i
		for j < len(list) && list[j][depth] == ps.edges[e].r {
			j++
		}
		to := ps.build(list[i:j], depth+1)
		ps.edges[e].to = to
		i = j
	}
	return id
}

func mustPhrases(terms []string, foldCase bool) phraseSet {
	ps, err := compilePhrases(terms, foldCase)
	if err != nil {
		panic(err) // built-in lists only
	}
	return ps
}

// matchAt returns the end of the longest phrase that starts at vis[k] and
// ends on a word boundary, or -1. A phrase ending in a letter must not
// continue into a longer word; digits may follow ("iPhone15").
func (ps *phraseSet) matchAt(vis []rune, k int) int {
	if ps.n == 0 {
		return -1
	}
	best, node, j := -1, int32(0), k
	var last rune
	for {
		nd := ps.nodes[node]
		if nd.end && !(j < len(vis) && isLetter(last) && isLetter(vis[j])) {
			best = j
		}
		if j >= len(vis) || nd.n == 0 {
			return best
		}
		r, next := vis[j], j+1
		switch {
		case isSpace(r):
			r = ' '
			for next < len(vis) && isSpace(vis[next]) {
				next++
			}
		case ps.fold:
			r = fold(r)
		}
		child, ok := ps.child(nd, r)
		if !ok {
			return best
		}
		node, j, last = child, next, r
	}
}

func (ps *phraseSet) child(nd phraseNode, r rune) (int32, bool) {
	edges := ps.edges[nd.first : nd.first+nd.n]
	i, ok := slices.BinarySearchFunc(edges, r, func(e phraseEdge, r rune) int { return int(e.r - r) })
	if !ok {
		return 0, false
	}
	return edges[i].to, true
}
