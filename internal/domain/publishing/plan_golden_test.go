package publishing

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the requests planned")

const customer = googleadstest.ClientAccountID

func fakeClient(t *testing.T) (*googleadstest.Server, *googleads.Client) {
	t.Helper()
	srv := googleadstest.NewServer()
	t.Cleanup(srv.Close)
	env := srv.Env()
	c, err := googleads.New(googleads.Config{APIURL: env[googleads.EnvAPIURL], APIVersion: env[googleads.EnvAPIVersion], TokenURL: env[googleads.EnvTokenURL],
		ClientID: env[googleads.EnvClientID], ClientSecret: env[googleads.EnvClientSecret], RefreshToken: env[googleads.EnvRefreshToken],
		LoginCustomerID: env[googleads.EnvLoginCustomerID], DeveloperToken: env[googleads.EnvDeveloperToken]}, googleads.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// allChanges flattens the steps of a plan.
func allChanges(steps []Step) []Change {
	var out []Change
	for _, s := range steps {
		out = append(out, s.Changes...)
	}
	return out
}

// golden compares (or with -update writes) testdata/name.golden.json.
func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	var got bytes.Buffer
	if err := json.Indent(&got, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	got.WriteByte('\n')
	file := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(file, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("%s differs from the request planned (go test -update rewrites it):\n%s", file, got.Bytes())
	}
}

// plannedRequest is the whole plan for tree against base in one request, as
// a dry run sends it, marshalled.
func plannedRequest(t *testing.T, tree func() State, base State, names map[string]string, images Images, validate bool) (googleads.MutateRequest, request) {
	t.Helper()
	steps := Diff(base, tree())
	req, err := newBuilder(context.Background(), customer, names, images).build(allChanges(steps))
	if err != nil {
		t.Fatal(err)
	}
	return googleads.MutateRequest{Operations: req.ops, ValidateOnly: validate}, req
}

// TestPlannedRequestsMatchTheGoldenFiles pins the googleAds:mutate request of
// a new search campaign (budget, campaign PAUSED with the EU political
// advertising declaration, language and location criteria, ad groups,
// keywords and a negative, responsive search ads with pins and paths), of a
// new Performance Max campaign (text and image assets, the asset group and
// its links, in one request) and of a change set of the search campaign. The
// strict fake accepts each, so they are requests Google's v25 reads; its
// recorded bodies are what is compared.
func TestPlannedRequestsMatchTheGoldenFiles(t *testing.T) {
	srv, client := fakeClient(t)
	ctx := context.Background()
	search := func() State { s, _ := Desired(searchTree(), Settings{}, State{}, nil); return s }
	pmax := func() State { s, _ := Desired(pmaxTree(), Settings{}, State{}, pmaxHashes); return s }
	for _, tc := range []struct {
		name  string
		state func() State
	}{{"search_create", search}, {"pmax_create", pmax}} {
		req, _ := plannedRequest(t, tc.state, State{}, map[string]string{}, pmaxImages, true)
		if _, err := client.Mutate(ctx, customer, req); err != nil {
			t.Fatalf("%s: the fake refuses the plan: %v", tc.name, err)
		}
		sent := srv.RequestsTo("mutate")
		golden(t, tc.name, sent[len(sent)-1].Body)
	}

	// Published for real, then edited: one headline changed, one keyword
	// added, the budget raised, an ad group renamed.
	req, planned := plannedRequest(t, search, State{}, map[string]string{}, nil, false)
	res, err := client.Mutate(ctx, customer, req)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for i, c := range planned.changes {
		names[c.Key] = res.Results[i].ResourceName
	}
	edited := func() State {
		tree := searchTree()
		tree.Campaign.BudgetMicros = 30_000_000
		g := &tree.AdGroups[0]
		g.Name = "Winterreifen & Montage"
		g.Ads[0].Headlines[1].Text = "Montage in Ihrer Nähe"
		g.Keywords = append(g.Keywords, tree.AdGroups[0].Keywords[0])
		g.Keywords[len(g.Keywords)-1].ID, g.Keywords[len(g.Keywords)-1].Text = 25, "winterreifen online"
		s, _ := Desired(tree, Settings{}, search(), nil)
		return s
	}
	change, _ := plannedRequest(t, edited, search(), names, nil, false)
	if _, err := client.Mutate(ctx, customer, change); err != nil {
		t.Fatalf("the fake refuses the change set: %v", err)
	}
	sent := srv.RequestsTo("mutate")
	golden(t, "search_change_set", sent[len(sent)-1].Body)
}
