package publishing

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/googleads"
)

// TestANewCampaignBidsWithItsStrategyAndRuns pins what a new campaign's
// bidding strategy and run become in the create request: each of Google's
// strategies the campaign type takes, with its target, and the start and end
// day; the strict fake accepts each request. A campaign without a stored
// strategy bids as before (maximize clicks, maximize conversions).
func TestANewCampaignBidsWithItsStrategyAndRuns(t *testing.T) {
	_, client := fakeClient(t)
	ctx := context.Background()
	cpa, roas := int64(12_500_000), 4.0
	for _, tc := range []struct {
		name     string
		tree     func() campaigns.Tree
		strategy string
		cpa      *int64
		roas     *float64
		start    string
		end      string
		want     string // the campaign's bidding fields in the request, as JSON
	}{
		{"search, none stored", searchTree, "", nil, nil, "", "", `{"targetSpend":{}}`},
		{"pmax, none stored", pmaxTree, "", nil, nil, "", "", `{"maximizeConversions":{}}`},
		{"maximize clicks", searchTree, campaigns.MaximizeClicks, nil, nil, "", "", `{"targetSpend":{}}`},
		{"manual CPC", searchTree, campaigns.ManualCPC, nil, nil, "", "", `{"manualCpc":{}}`},
		{"maximize conversions", searchTree, campaigns.MaximizeConversions, nil, nil, "", "", `{"maximizeConversions":{}}`},
		{"target CPA", searchTree, campaigns.TargetCPA, &cpa, nil, "", "", `{"maximizeConversions":{"targetCpaMicros":"12500000"}}`},
		{"maximize conversion value", pmaxTree, campaigns.MaximizeConversionValue, nil, nil, "", "", `{"maximizeConversionValue":{}}`},
		{"target ROAS with a run", pmaxTree, campaigns.TargetROAS, nil, &roas, "2026-03-01", "2026-03-31",
			`{"startDateTime":"2026-03-01 00:00:00","endDateTime":"2026-03-31 23:59:59","maximizeConversionValue":{"targetRoas":4}}`},
	} {
		tree := tc.tree()
		tree.Campaign.BiddingStrategy, tree.Campaign.TargetCPAMicros, tree.Campaign.TargetROAS = tc.strategy, tc.cpa, tc.roas
		tree.Campaign.StartDate, tree.Campaign.EndDate = tc.start, tc.end
		state := func() State { s, _ := Desired(tree, Settings{}, State{}, pmaxHashes); return s }
		req, _ := plannedRequest(t, state, State{}, map[string]string{}, pmaxImages, true)
		if _, err := client.Mutate(ctx, customer, req); err != nil {
			t.Errorf("%s: the fake refuses the plan: %v", tc.name, err)
			continue
		}
		var camp *googleads.Campaign
		for _, op := range req.Operations {
			if op.CampaignOperation != nil && op.CampaignOperation.Create != nil {
				camp = op.CampaignOperation.Create
			}
		}
		if camp == nil {
			t.Fatalf("%s: no campaign created", tc.name)
		}
		bidding := googleads.Campaign{ManualCPC: camp.ManualCPC, MaximizeConversions: camp.MaximizeConversions, MaximizeConversionValue: camp.MaximizeConversionValue,
			TargetSpend: camp.TargetSpend, StartDateTime: camp.StartDateTime, EndDateTime: camp.EndDateTime}
		got, err := json.Marshal(bidding)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s: campaign bids with %s, want %s", tc.name, got, tc.want)
		}
	}
}
