package googleads_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/googleads"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the requests sent")

// TestMutateRequestsMatchTheGoldenFiles pins the JSON the client sends for a
// whole Search campaign and for a later change of it. The fake accepted both
// (it refuses unknown fields, wrong types and enum values), so the files are
// requests Google's v25 transcoding reads.
func TestMutateRequestsMatchTheGoldenFiles(t *testing.T) {
	b := setup(t)
	created := mustMutate(t, b, googleads.MutateRequest{Operations: searchCampaign(cid, "Winter DE"), ResponseContentType: googleads.ResourceNameOnly})
	mustMutate(t, b, googleads.MutateRequest{PartialFailure: true, Operations: []googleads.MutateOperation{
		googleads.Update(googleads.Campaign{ResourceName: created.Results[1].ResourceName, Status: googleads.CampaignEnabled,
			NetworkSettings: &googleads.NetworkSettings{TargetSearchNetwork: googleads.Bool(false)}}, "status", "network_settings.target_search_network"),
		googleads.Update(googleads.CampaignBudget{ResourceName: created.Results[0].ResourceName, AmountMicros: 75_000_000}, "amount_micros"),
		googleads.Update(googleads.AdGroupAd{ResourceName: created.Results[9].ResourceName, Status: googleads.AdEnabled}, "status"),
		googleads.Remove(created.Results[8].ResourceName),
	}})
	mutates := b.srv.RequestsTo("mutate")
	for i, name := range []string{"search_campaign_create", "search_campaign_change"} {
		var got bytes.Buffer
		if err := json.Indent(&got, mutates[i].Body, "", "  "); err != nil {
			t.Fatal(err)
		}
		got.WriteByte('\n')
		file := filepath.Join("testdata", name+".golden.json")
		if *update {
			if err := os.WriteFile(file, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test -update to write it)", err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s differs from the request sent (go test -update rewrites it):\n%s", file, got.Bytes())
		}
	}
}
