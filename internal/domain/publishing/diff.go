package publishing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
)

// Action is what a change does to a resource at Google Ads.
type Action string

const (
	Create Action = "create"
	Update Action = "update"
	Remove Action = "remove"
)

// Change is one operation of a publish: a resource to create, the fields of
// one to update, or one to remove.
type Change struct {
	Action Action   `json:"action" enum:"create,update,remove"`
	Kind   Kind     `json:"kind" enum:"budget,campaign,language,location,ad_group,keyword,ad,asset,asset_group,asset_group_asset"`
	Key    string   `json:"key" doc:"Our key of the resource, e.g. ad:7"`
	Fields []string `json:"fields,omitempty" doc:"Google's names of the fields an update changes"`
	// Entity is the resource as it will be (create, update) or as it was
	// (remove).
	Entity Entity `json:"entity"`
}

// Step is a group of changes sent together (atomically) and reported as one
// progress step: the campaign with its budget and criteria, or one ad group
// or asset group with everything in it.
type Step struct {
	Kind    Kind     `json:"kind" enum:"campaign,ad_group,asset_group"`
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Removal bool     `json:"removal,omitempty" doc:"The step removes the ad group or asset group"`
	Changes []Change `json:"changes"`
}

// Label names the step for progress messages: "ad group Winterreifen".
func (s Step) Label() string {
	noun := nouns[string(s.Kind)][0]
	if s.Removal {
		return "removing " + noun + " " + s.Name
	}
	return noun + " " + s.Name
}

// Diff is the smallest set of changes that turns base (what Google holds,
// empty before the first publish) into desired, in steps. Google's
// mutability rules decide between an update and a replacement: a keyword's
// text, match type or negativity and a responsive search ad's content cannot
// change, so such an entity is removed and created anew; names, statuses,
// amounts, bids, final URLs and paths of ad groups and asset groups are
// updated with a field mask. Assets are never removed (Google keeps them);
// only their links are.
func Diff(base, desired State) []Step {
	var steps []Step
	camp := Step{Kind: KindCampaign, ID: desired["campaign"].ID, Name: desired["campaign"].Name}
	camp.Changes = append(camp.Changes, entityChanges(base, desired, "budget")...)
	camp.Changes = append(camp.Changes, entityChanges(base, desired, "campaign")...)
	for _, e := range desired.Sorted() {
		if (e.Kind == KindLanguage || e.Kind == KindLocation) && !hasKey(base, e.Key) {
			camp.Changes = append(camp.Changes, Change{Action: Create, Kind: e.Kind, Key: e.Key, Entity: e})
		}
	}
	for _, e := range base.Sorted() {
		if (e.Kind == KindLanguage || e.Kind == KindLocation) && !hasKey(desired, e.Key) {
			camp.Changes = append(camp.Changes, Change{Action: Remove, Kind: e.Kind, Key: e.Key, Entity: e})
		}
	}
	if len(camp.Changes) > 0 {
		steps = append(steps, camp)
	}
	// Assets created by an earlier step of this diff are not created again.
	assetsPlanned := map[string]bool{}
	var removals []Step
	for _, e := range desired.Sorted() {
		switch e.Kind {
		case KindAdGroup:
			if s := adGroupStep(base, desired, e); len(s.Changes) > 0 {
				steps = append(steps, s)
			}
		case KindAssetGroup:
			if s := assetGroupStep(base, desired, e, assetsPlanned); len(s.Changes) > 0 {
				steps = append(steps, s)
			}
		}
	}
	for _, e := range base.Sorted() {
		if (e.Kind == KindAdGroup || e.Kind == KindAssetGroup) && !hasKey(desired, e.Key) {
			removals = append(removals, Step{Kind: e.Kind, ID: e.ID, Name: e.Name, Removal: true,
				Changes: []Change{{Action: Remove, Kind: e.Kind, Key: e.Key, Entity: e}}})
		}
	}
	return append(steps, removals...)
}

func hasKey(s State, k string) bool { _, ok := s[k]; return ok }

// entityChanges compares one entity: create, update (the fields that
// differ), or, for an immutable difference, remove and create.
func entityChanges(base, desired State, k string) []Change {
	want, ok := desired[k]
	if !ok {
		return nil
	}
	have, exists := base[k]
	if !exists {
		return []Change{{Action: Create, Kind: want.Kind, Key: k, Entity: want}}
	}
	if replaced(have, want) {
		return []Change{{Action: Remove, Kind: have.Kind, Key: k, Entity: have}, {Action: Create, Kind: want.Kind, Key: k, Entity: want}}
	}
	if fields := changedFields(have, want); len(fields) > 0 {
		return []Change{{Action: Update, Kind: want.Kind, Key: k, Fields: fields, Entity: want}}
	}
	return nil
}

// replaced reports a difference Google cannot update.
func replaced(have, want Entity) bool {
	switch want.Kind {
	case KindKeyword:
		return have.Text != want.Text || have.MatchType != want.MatchType || have.Negative != want.Negative
	case KindAd:
		return !slices.Equal(have.FinalURLs, want.FinalURLs) || have.Path1 != want.Path1 || have.Path2 != want.Path2 ||
			!sameTexts(have.Headlines, want.Headlines) || !sameTexts(have.Descriptions, want.Descriptions)
	}
	return false
}

// sameTexts compares texts with their pins as sets: their order in our list
// means nothing to Google, and re-creating an ad for it would lose its
// history.
func sameTexts(a, b []EntityText) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(t EntityText) string { return t.Pin + "\x00" + t.Text }
	x, y := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		x[i], y[i] = key(a[i]), key(b[i])
	}
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// changedFields lists the mutable fields that differ, by Google's names.
func changedFields(have, want Entity) []string {
	var f []string
	add := func(differs bool, name string) {
		if differs {
			f = append(f, name)
		}
	}
	switch want.Kind {
	case KindBudget:
		add(have.Name != want.Name, "name")
		add(have.AmountMicros != want.AmountMicros, "amount_micros")
	case KindCampaign:
		add(have.Name != want.Name, "name")
		add(have.EUPolitical != want.EUPolitical, "contains_eu_political_advertising")
		if biddingField(have) != biddingField(want) || have.TargetCPAMicros != want.TargetCPAMicros || have.TargetROAS != want.TargetROAS {
			f = append(f, biddingField(want))
		}
		// A start cannot be taken back at Google: without one, the campaign
		// keeps the start it has.
		add(want.StartDate != "" && have.StartDate != want.StartDate, "start_date_time")
		add(have.EndDate != want.EndDate, "end_date_time")
	case KindAdGroup:
		add(have.Name != want.Name, "name")
		add(have.Status != want.Status, "status")
		add(have.CPCBidMicros != want.CPCBidMicros, "cpc_bid_micros")
	case KindKeyword, KindAd:
		add(have.Status != want.Status, "status")
	case KindAssetGroup:
		add(have.Name != want.Name, "name")
		add(!slices.Equal(have.FinalURLs, want.FinalURLs), "final_urls")
		add(have.Path1 != want.Path1, "path1")
		add(have.Path2 != want.Path2, "path2")
		add(have.Status != want.Status, "status")
	}
	return f
}

// biddingField is the field of Google's campaign_bidding_strategy oneof that
// carries the campaign's strategy, with the target's path where it has one:
// an update's mask names it, which replaces the strategy Google holds.
func biddingField(e Entity) string {
	switch effectiveStrategy(e) {
	case campaigns.MaximizeConversions:
		return "maximize_conversions"
	case campaigns.TargetCPA:
		return "maximize_conversions.target_cpa_micros"
	case campaigns.MaximizeConversionValue:
		return "maximize_conversion_value"
	case campaigns.TargetROAS:
		return "maximize_conversion_value.target_roas"
	case campaigns.ManualCPC:
		return "manual_cpc"
	}
	return "target_spend" // maximize clicks
}

// adGroupStep holds an ad group and its keywords and ads: removals first
// (an ad group holds at most three enabled ads), then creations.
func adGroupStep(base, desired State, g Entity) Step {
	s := Step{Kind: KindAdGroup, ID: g.ID, Name: g.Name}
	s.Changes = entityChanges(base, desired, g.Key)
	var removes, others []Change
	for _, k := range base.children(g.Key) {
		if !hasKey(desired, k) {
			removes = append(removes, Change{Action: Remove, Kind: base[k].Kind, Key: k, Entity: base[k]})
		}
	}
	for _, k := range sortedKeys(desired, desired.children(g.Key)) {
		for _, c := range entityChanges(base, desired, k) {
			if c.Action == Remove {
				removes = append(removes, c)
			} else {
				others = append(others, c)
			}
		}
	}
	sortChanges(removes)
	s.Changes = append(append(s.Changes, removes...), others...)
	return s
}

// assetGroupStep holds an asset group, the assets its new links need and
// the links: Google wants a new asset group and its assets in one request.
func assetGroupStep(base, desired State, g Entity, assetsPlanned map[string]bool) Step {
	s := Step{Kind: KindAssetGroup, ID: g.ID, Name: g.Name}
	var assets, removes, links []Change
	for _, k := range sortedKeys(desired, desired.children(g.Key)) {
		l := desired[k]
		if hasKey(base, k) {
			continue
		}
		if a, ok := desired[l.Asset]; ok && !hasKey(base, l.Asset) && !assetsPlanned[l.Asset] {
			assetsPlanned[l.Asset] = true
			assets = append(assets, Change{Action: Create, Kind: KindAsset, Key: a.Key, Entity: a})
		}
		links = append(links, Change{Action: Create, Kind: KindGroupAsset, Key: k, Entity: l})
	}
	for _, k := range base.children(g.Key) {
		if !hasKey(desired, k) {
			removes = append(removes, Change{Action: Remove, Kind: KindGroupAsset, Key: k, Entity: base[k]})
		}
	}
	sortChanges(assets)
	s.Changes = append(assets, entityChanges(base, desired, g.Key)...)
	s.Changes = append(append(s.Changes, removes...), links...)
	return s
}

func sortedKeys(s State, keys []string) []string {
	slices.SortFunc(keys, func(a, b string) int {
		x, y := s[a], s[b]
		if d := rank[x.Kind] - rank[y.Kind]; d != 0 {
			return d
		}
		return strings.Compare(sortKey(x), sortKey(y))
	})
	return keys
}

func sortChanges(cs []Change) {
	slices.SortStableFunc(cs, func(a, b Change) int {
		if d := rank[a.Kind] - rank[b.Kind]; d != 0 {
			return d
		}
		return strings.Compare(sortKey(a.Entity), sortKey(b.Entity))
	})
}

// Apply records in base that a change is done at Google: a created or
// updated resource takes its new state; a removed one goes with everything
// under it (Google removes an ad group's keywords and ads with it).
func Apply(base State, c Change) {
	switch c.Action {
	case Create, Update:
		base[c.Key] = c.Entity
	case Remove:
		removeTree(base, c.Key)
	}
}

func removeTree(s State, k string) {
	for _, child := range s.children(k) {
		removeTree(s, child)
	}
	delete(s, k)
}

// Count is how many changes of each action and kind a publish makes, e.g.
// {"create": {"keyword": 12}}.
type Count map[Action]map[Kind]int

// CountChanges counts the changes of steps.
func CountChanges(steps []Step) (Count, int) {
	out := Count{}
	n := 0
	for _, s := range steps {
		for _, c := range s.Changes {
			if out[c.Action] == nil {
				out[c.Action] = map[Kind]int{}
			}
			out[c.Action][c.Kind]++
			n++
		}
	}
	return out, n
}

// String is "create 1 campaign, 3 keywords; remove 1 ad" (people read it).
func (c Count) String() string {
	var parts []string
	for _, a := range []Action{Create, Update, Remove} {
		kinds := c[a]
		if len(kinds) == 0 {
			continue
		}
		var ks []string
		for k := range kinds {
			ks = append(ks, string(k))
		}
		slices.SortFunc(ks, func(x, y string) int { return rank[Kind(x)] - rank[Kind(y)] })
		var items []string
		for _, k := range ks {
			n, noun := kinds[Kind(k)], strings.ReplaceAll(k, "_", " ")
			if n != 1 {
				noun += "s"
			}
			items = append(items, fmt.Sprintf("%d %s", n, noun))
		}
		parts = append(parts, string(a)+" "+strings.Join(items, ", "))
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, "; ")
}
