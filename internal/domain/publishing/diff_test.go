package publishing

import (
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
)

// describe lists a plan's changes as "action key [fields]".
func describe(steps []Step) []string {
	var out []string
	for _, c := range allChanges(steps) {
		s := string(c.Action) + " " + c.Key
		if len(c.Fields) > 0 {
			s += " [" + strings.Join(c.Fields, ",") + "]"
		}
		out = append(out, s)
	}
	return out
}

// The diff follows Google's mutability rules: what can be updated is
// updated with exactly the fields that changed; what cannot (a keyword's
// text or match type, an ad's texts, pins, paths or URLs) is replaced;
// nothing changes for differences Google does not see (the order of an ad's
// texts); removing an ad group removes what is under it at Google.
func TestDiffFollowsGooglesMutabilityRules(t *testing.T) {
	base, _ := Desired(searchTree(), Settings{}, State{}, nil)
	for _, tc := range []struct {
		name string
		edit func(*campaigns.Tree)
		want []string
	}{
		{"nothing", func(*campaigns.Tree) {}, nil},
		{"texts reordered", func(tr *campaigns.Tree) {
			h := tr.AdGroups[0].Ads[0].Headlines
			h[1], h[2] = h[2], h[1]
		}, nil},
		{"pin moved", func(tr *campaigns.Tree) {
			tr.AdGroups[0].Ads[0].Headlines[0].PinnedField = "HEADLINE_2"
		}, []string{"remove ad:31", "create ad:31"}},
		{"path changed", func(tr *campaigns.Tree) { tr.AdGroups[1].Ads[0].Path1 = "ganzjahr" }, []string{"remove ad:32", "create ad:32"}},
		{"ad paused", func(tr *campaigns.Tree) { tr.AdGroups[0].Ads[0].Status = "PAUSED" }, []string{"update ad:31 [status]"}},
		{"keyword match type", func(tr *campaigns.Tree) { tr.AdGroups[0].Keywords[0].MatchType = "EXACT" }, []string{"remove keyword:21", "create keyword:21"}},
		{"keyword paused", func(tr *campaigns.Tree) { tr.AdGroups[0].Keywords[1].Status = "PAUSED" }, []string{"update keyword:22 [status]"}},
		{"ad group renamed, bid cleared", func(tr *campaigns.Tree) {
			tr.AdGroups[0].Name, tr.AdGroups[0].CPCBidMicros = "Winter", nil
		}, []string{"update ad_group:11 [name,cpc_bid_micros]"}},
		{"campaign renamed, budget raised", func(tr *campaigns.Tree) {
			tr.Campaign.Name, tr.Campaign.BudgetMicros = "Winter 2027", 26_000_000
		}, []string{"update budget [name,amount_micros]", "update campaign [name]"}},
		{"language swapped", func(tr *campaigns.Tree) { tr.Campaign.Languages = []string{"en"} }, []string{
			"create language:languageConstants/1000", "remove language:languageConstants/1001"}},
		{"ad group removed", func(tr *campaigns.Tree) { tr.AdGroups = tr.AdGroups[:1] }, []string{"remove ad_group:12"}},
	} {
		tree := searchTree()
		tc.edit(&tree)
		desired, _ := Desired(tree, Settings{}, base, nil)
		if got := describe(Diff(base, desired)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	// Applying a removal of an ad group drops its keywords and ads too.
	after := State{}
	for k, e := range base {
		after[k] = e
	}
	Apply(after, Change{Action: Remove, Kind: KindAdGroup, Key: "ad_group:12"})
	for _, k := range []string{"ad_group:12", "keyword:24", "ad:32"} {
		if _, ok := after[k]; ok {
			t.Errorf("%s is left after removing its ad group", k)
		}
	}
	if _, ok := after["keyword:21"]; !ok {
		t.Error("removing one ad group dropped another's keyword")
	}
}

// An asset group's links change without touching the group: a new text
// creates its asset and link, a dropped one removes only the link (Google
// keeps assets); a new final URL is an update; a new asset group comes with
// its assets, and a removed one goes after it, so the campaign never has
// none.
func TestDiffOfAnAssetGroup(t *testing.T) {
	base, _ := Desired(pmaxTree(), Settings{}, State{}, pmaxHashes)
	tree := pmaxTree()
	g := &tree.AssetGroups[0]
	g.FinalURLs = []string{"https://www.reifen-mueller.example/winter"}
	g.Assets[2] = campaigns.GroupAsset{LinkID: 520, AssetID: 120, FieldType: "HEADLINE", Type: "TEXT", Text: "Jetzt Termin buchen"}
	desired, _ := Desired(tree, Settings{}, base, pmaxHashes)
	want := []string{"create asset:120", "update asset_group:41 [final_urls]", "remove asset_group_asset:41:103:HEADLINE", "create asset_group_asset:41:120:HEADLINE"}
	if got := describe(Diff(base, desired)); !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}

	moved := pmaxTree()
	second := moved.AssetGroups[0]
	second.ID, second.Name = 42, "Sommerreifen"
	moved.AssetGroups = []campaigns.AssetGroup{second}
	desired, _ = Desired(moved, Settings{}, base, pmaxHashes)
	steps := Diff(base, desired)
	got := describe(steps)
	if len(steps) != 2 || steps[0].Kind != KindAssetGroup || steps[0].ID != 42 || !steps[1].Removal || got[len(got)-1] != "remove asset_group:41" ||
		slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "create asset:") }) {
		t.Errorf("replacing the asset group: %v", got)
	}
}
