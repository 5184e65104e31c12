// Package quality measures generated ad copy the way a marketer would judge
// it, over a set of briefs: valid share, the Ad Strength estimate's
// distribution, near-duplicates, keyword coverage, and defects a valid text
// can still have — a selling point cut mid-phrase, a word no fact of the
// brief supports, the same closing sentence under every description. `make
// quality` runs it through the offline writer and a scripted model and writes
// docs/quality.md; its test runs the same on the briefs in testdata and fails
// on any invalid text or cut phrase.
package quality
