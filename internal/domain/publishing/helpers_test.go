package publishing_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

// fakeConfig reaches a googleadstest server with its default credentials,
// through the manager account.
func fakeConfig(srv *googleadstest.Server) googleads.Config {
	env := srv.Env()
	return googleads.Config{APIURL: env[googleads.EnvAPIURL], APIVersion: env[googleads.EnvAPIVersion], TokenURL: env[googleads.EnvTokenURL],
		ClientID: env[googleads.EnvClientID], ClientSecret: env[googleads.EnvClientSecret], RefreshToken: env[googleads.EnvRefreshToken],
		LoginCustomerID: env[googleads.EnvLoginCustomerID], DeveloperToken: env[googleads.EnvDeveloperToken]}
}

// fastRetries keep transient failures short in tests.
var fastRetries = googleads.WithRetryPolicy(googleads.RetryPolicy{MaxAttempts: 3, BaseDelay: 20 * time.Millisecond, MaxDelay: 5 * time.Second})

type env struct {
	*apptest.Env
	fake   *googleadstest.Server
	google *googleads.Client // the test's own view of the fake
}

// start serves the product connected to a fresh fake Google Ads.
func start(t *testing.T, d *db.DB, workers int) *env {
	t.Helper()
	fake := googleadstest.NewServer()
	t.Cleanup(fake.Close)
	e := apptest.StartOpts(t, d, apptest.Options{Workers: workers, GoogleAds: fakeConfig(fake), GoogleAdsOptions: []googleads.Option{fastRetries}})
	client, err := googleads.New(fakeConfig(fake), googleads.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	return &env{Env: e, fake: fake, google: client}
}

func idOf(t *testing.T, r *apptest.Response) int64 {
	t.Helper()
	var v struct{ ID int64 }
	r.JSON(t, &v)
	if v.ID <= 0 {
		t.Fatalf("no id in %s", r.Body)
	}
	return v.ID
}

func texts(list ...string) []map[string]any {
	out := make([]map[string]any, len(list))
	for i, s := range list {
		out[i] = map[string]any{"text": s}
	}
	return out
}

// searchCampaign builds an approved search campaign of two ad groups, each
// with keywords and a responsive search ad.
func (e *env) searchCampaign(t *testing.T, name string, headline string) (campaignID int64, adIDs []int64) {
	t.Helper()
	campaignID = idOf(t, e.Must(t, 201, "POST", "/api/campaigns", map[string]any{"name": name, "type": "SEARCH", "budget_micros": 25_000_000,
		"currency": "EUR", "languages": []string{"de"}, "locations": []string{"DE", "AT"}, "final_url": "https://www.reifen-mueller.example/"}))
	for i, g := range []string{"Winterreifen", "Ganzjahresreifen"} {
		group := idOf(t, e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": campaignID, "name": g}))
		for _, k := range []string{strings.ToLower(g) + " kaufen", strings.ToLower(g) + " günstig"} {
			e.Must(t, 201, "POST", "/api/keywords", map[string]any{"ad_group_id": group, "text": k, "match_type": "PHRASE"})
		}
		first := g + " von Müller"
		if i == 0 && headline != "" {
			first = headline
		}
		ad := idOf(t, e.Must(t, 201, "POST", "/api/ads", map[string]any{"ad_group_id": group, "final_urls": []string{"https://www.reifen-mueller.example/" + strings.ToLower(g)},
			"path1": "reifen", "headlines": texts(first, "Montage inklusive", "Alle Marken auf Lager"),
			"descriptions": texts(g+" aller Marken mit Montage vor Ort.", "Bestellen Sie online, wir montieren in Ihrer Nähe.")}))
		adIDs = append(adIDs, ad)
	}
	e.Event(t, 200, campaignID, "submit")
	e.Event(t, 200, campaignID, "approve")
	return campaignID, adIDs
}

// chooseAccount picks the fake's client account for a campaign.
func (e *env) chooseAccount(t *testing.T, campaignID int64) {
	t.Helper()
	e.Must(t, 200, "PUT", fmt.Sprintf("/api/campaigns/%d/google-ads-account", campaignID), map[string]any{"customer_id": "111-111-1111"})
}

type started struct {
	Job      struct{ ID int64 }
	Run      struct{ ID int64 }
	Campaign struct{ State string }
	Events   string
}

// publish starts a publish of the campaign's current version.
func (e *env) publish(t *testing.T, campaignID int64, body any) started {
	t.Helper()
	path := fmt.Sprintf("/api/campaigns/%d", campaignID)
	etag := e.Must(t, 200, "GET", path, nil).Header.Get("ETag")
	var s started
	e.Must(t, http.StatusAccepted, "POST", path+"/publish", body, "If-Match", etag).JSON(t, &s)
	if s.Job.ID == 0 || s.Campaign.State != "publishing" {
		t.Fatalf("publish started %+v", s)
	}
	return s
}

type streamed struct{ id, event, data string }

// follow reads a job's server-sent events until the stream ends.
func (e *env) follow(t *testing.T, path string) []streamed {
	t.Helper()
	req, _ := http.NewRequest("GET", e.Server.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.Tokens[auth.Viewer])
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	res, err := e.Server.Client().Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out []streamed
	var cur streamed
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" && cur.event != "":
			out = append(out, cur)
			cur = streamed{}
		case strings.HasPrefix(line, "id: "):
			cur.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			cur.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			cur.data = line[6:]
		}
	}
	return out
}

// last is the final event of a stream, which must be want.
func last(t *testing.T, events []streamed, want string) streamed {
	t.Helper()
	if len(events) == 0 || events[len(events)-1].event != want {
		t.Fatalf("stream ends %v, want %s", events, want)
	}
	return events[len(events)-1]
}

// live counts the resources of a GAQL resource at the fake that are not
// removed.
func (e *env) live(t *testing.T, resource string) int {
	t.Helper()
	query := fmt.Sprintf("SELECT %s.resource_name, %s.status FROM %s", resource, resource, resource)
	if resource == "asset" {
		query = "SELECT asset.resource_name FROM asset"
	}
	res, err := e.google.Search(context.Background(), googleadstest.ClientAccountID, query)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range res.Rows {
		if !strings.Contains(string(r.Raw), `"REMOVED"`) {
			n++
		}
	}
	return n
}

// campaignStatus is the status of the only campaign named name at the fake.
func (e *env) campaignStatus(t *testing.T, name string) string {
	t.Helper()
	res, err := e.google.Search(context.Background(), googleadstest.ClientAccountID,
		"SELECT campaign.resource_name, campaign.status FROM campaign WHERE campaign.name = "+googleads.Quote(name))
	if err != nil || len(res.Rows) != 1 {
		t.Fatalf("campaign %q at the fake: %v rows, %v", name, res, err)
	}
	return string(res.Rows[0].Campaign.Status)
}

// mutates returns the operations of the mutates the fake received (not
// validate-only), each as its JSON object's one key and action, e.g.
// "adGroupAdOperation.remove".
func (e *env) mutates(t *testing.T, from int) []string {
	t.Helper()
	var out []string
	for _, r := range e.fake.RequestsTo("mutate")[from:] {
		var body struct {
			MutateOperations []map[string]map[string]json.RawMessage `json:"mutateOperations"`
			ValidateOnly     bool                                    `json:"validateOnly"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if body.ValidateOnly || r.Status != 200 {
			continue
		}
		for _, op := range body.MutateOperations {
			for kind, inner := range op {
				for action := range inner {
					if action != "updateMask" {
						out = append(out, kind+"."+action)
					}
				}
			}
		}
	}
	return out
}

func state(t *testing.T, e *env, campaignID int64) string {
	t.Helper()
	var c struct{ State string }
	e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d", campaignID), nil).JSON(t, &c)
	return c.State
}
