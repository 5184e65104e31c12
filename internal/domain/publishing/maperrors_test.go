package publishing

import (
	"testing"

	"github.com/imaphub/imaphub/internal/platform/googleads"
)

// An error Google places at operations[-1] (no operation has that index;
// found by googleads' FuzzDecodeAPIError) belongs to no change: it is shown
// as a problem of the request, and the publish job does not panic indexing
// its changes with it.
func TestMapErrorsOfANegativeOperationIndex(t *testing.T) {
	neg, zero := -1, 0
	api := &googleads.APIError{Errors: []googleads.GoogleAdsError{
		{Code: googleads.ErrorCode{Category: "adError", Value: "TOO_LONG"}, Message: "Too long.",
			Location: googleads.FieldPath{{Name: "operations", Index: &neg}, {Name: "create"}}},
		{Code: googleads.ErrorCode{Category: "adError", Value: "TOO_SHORT"},
			Location: googleads.FieldPath{{Name: "operations", Index: &zero}, {Name: "create"}}},
	}}
	req := request{changes: []Change{{Entity: Entity{Kind: KindAd, Key: "ad:7", ID: 7}}}}
	problems := mapErrors(api, req)
	if len(problems) != 2 || problems[0].Entity != nil || problems[1].Entity == nil {
		t.Fatalf("problems %+v", problems)
	}
}
