package googleads_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

const cid = googleadstest.ClientAccountID

// bundle is what a test works with: the fake, a client on it, the waits the
// client asked for and its log.
type bundle struct {
	srv    *googleadstest.Server
	client *googleads.Client
	waits  *waits
	log    *bytes.Buffer
}

type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func config(srv *googleadstest.Server) googleads.Config {
	env := srv.Env()
	return googleads.Config{
		APIURL: env[googleads.EnvAPIURL], APIVersion: env[googleads.EnvAPIVersion], TokenURL: env[googleads.EnvTokenURL],
		ClientID: env[googleads.EnvClientID], ClientSecret: env[googleads.EnvClientSecret], RefreshToken: env[googleads.EnvRefreshToken],
		LoginCustomerID: env[googleads.EnvLoginCustomerID], DeveloperToken: env[googleads.EnvDeveloperToken],
		CallTimeout: 10 * time.Second,
	}
}

// setup starts a fake and a client on it whose waits between attempts are
// recorded and kept short (a test never depends on how long they take).
func setup(t *testing.T, change ...func(*googleads.Config)) *bundle {
	t.Helper()
	srv := googleadstest.NewServer()
	t.Cleanup(srv.Close)
	cfg := config(srv)
	for _, c := range change {
		c(&cfg)
	}
	b := &bundle{srv: srv, waits: &waits{}, log: &bytes.Buffer{}}
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&logMu, b.log}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, err := googleads.New(cfg, googleads.WithLogger(logger),
		googleads.WithRetryPolicy(googleads.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: time.Minute}))
	if err != nil {
		t.Fatal(err)
	}
	googleads.SetSleep(client, func(ctx context.Context, d time.Duration) error {
		b.waits.mu.Lock()
		b.waits.d = append(b.waits.d, d)
		b.waits.mu.Unlock()
		return ctx.Err()
	})
	b.client = client
	return b
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (b *bundle) logText() string {
	return b.log.String()
}

// searchCampaign is a Search campaign with everything a publisher creates:
// budget, campaign, language, location, negative keyword, ad group,
// keywords and a responsive search ad, linked by temporary ids.
func searchCampaign(customer, name string) []googleads.MutateOperation {
	var ids googleads.TempIDs
	budget := googleads.Name(customer, "campaignBudgets", ids.Next())
	campaign := googleads.Name(customer, "campaigns", ids.Next())
	adGroup := googleads.Name(customer, "adGroups", ids.Next())
	headlines := []googleads.AdTextAsset{
		{Text: "Winterreifen online kaufen", PinnedField: googleads.PinHeadline1},
		{Text: "Kostenlose Montage"},
		{Text: "Top-Marken zu fairen Preisen"},
		{Text: "Lieferung in 2 Tagen", PinnedField: googleads.PinHeadline2},
	}
	return []googleads.MutateOperation{
		googleads.Create(googleads.CampaignBudget{ResourceName: budget, Name: name + " budget", AmountMicros: 50_000_000,
			DeliveryMethod: googleads.DeliveryStandard, ExplicitlyShared: googleads.Bool(false)}),
		googleads.Create(googleads.Campaign{ResourceName: campaign, Name: name, Status: googleads.CampaignPaused,
			AdvertisingChannelType: googleads.ChannelSearch, CampaignBudget: budget,
			NetworkSettings: &googleads.NetworkSettings{TargetGoogleSearch: googleads.Bool(true), TargetSearchNetwork: googleads.Bool(true),
				TargetContentNetwork: googleads.Bool(false), TargetPartnerSearchNetwork: googleads.Bool(false)},
			GeoTargetTypeSetting:           &googleads.GeoTargetTypeSetting{PositiveGeoTargetType: googleads.PositivePresence},
			ContainsEUPoliticalAdvertising: googleads.DoesNotContainEUPoliticalAdvertising,
			ManualCPC:                      &googleads.ManualCPC{}}),
		googleads.Create(googleads.CampaignCriterion{Campaign: campaign, Language: &googleads.LanguageInfo{LanguageConstant: "languageConstants/1001"}}),
		googleads.Create(googleads.CampaignCriterion{Campaign: campaign, Location: &googleads.LocationInfo{GeoTargetConstant: "geoTargetConstants/2276"}}),
		googleads.Create(googleads.CampaignCriterion{Campaign: campaign, Negative: googleads.Bool(true),
			Keyword: &googleads.KeywordInfo{Text: "gebraucht", MatchType: googleads.MatchBroad}}),
		googleads.Create(googleads.AdGroup{ResourceName: adGroup, Name: "Winterreifen", Campaign: campaign,
			Status: googleads.AdGroupEnabled, Type: googleads.AdGroupSearchStandard, CPCBidMicros: 1_200_000}),
		googleads.Create(googleads.AdGroupCriterion{AdGroup: adGroup, Status: googleads.CriterionEnabled,
			Keyword: &googleads.KeywordInfo{Text: "winterreifen kaufen", MatchType: googleads.MatchPhrase}}),
		googleads.Create(googleads.AdGroupCriterion{AdGroup: adGroup, Status: googleads.CriterionEnabled,
			Keyword: &googleads.KeywordInfo{Text: "winterreifen", MatchType: googleads.MatchExact}}),
		googleads.Create(googleads.AdGroupCriterion{AdGroup: adGroup, Negative: googleads.Bool(true),
			Keyword: &googleads.KeywordInfo{Text: "sommerreifen", MatchType: googleads.MatchPhrase}}),
		googleads.Create(googleads.AdGroupAd{AdGroup: adGroup, Status: googleads.AdPaused, Ad: &googleads.Ad{
			FinalURLs: []string{"https://reifen-mueller.example/winter"},
			ResponsiveSearchAd: &googleads.ResponsiveSearchAdInfo{
				Headlines: headlines,
				Descriptions: []googleads.AdTextAsset{
					{Text: "Winterreifen aller Marken mit Montage vor Ort.", PinnedField: googleads.PinDescription1},
					{Text: "Jetzt online bestellen und Termin wählen."},
				},
				Path1: "winter", Path2: "reifen",
			},
		}}),
	}
}

// pngImage draws a w×h PNG; another seed draws another image.
func pngImage(t *testing.T, w, h int, seed string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x*h/w, color.RGBA{200, 30, 30, 255})
	}
	for i, c := range []byte(seed) {
		img.Set(i%w, h-1, color.RGBA{c, c, c, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// performanceMax is a Performance Max campaign with one asset group and the
// minimum assets, created together as Google requires.
func performanceMax(t *testing.T, customer, name string) []googleads.MutateOperation {
	var ids googleads.TempIDs
	budget := googleads.Name(customer, "campaignBudgets", ids.Next())
	campaign := googleads.Name(customer, "campaigns", ids.Next())
	group := googleads.Name(customer, "assetGroups", ids.Next())
	ops := []googleads.MutateOperation{
		googleads.Create(googleads.CampaignBudget{ResourceName: budget, Name: name + " budget", AmountMicros: 30_000_000, ExplicitlyShared: googleads.Bool(false)}),
		googleads.Create(googleads.Campaign{ResourceName: campaign, Name: name, Status: googleads.CampaignPaused,
			AdvertisingChannelType: googleads.ChannelPerformanceMax, CampaignBudget: budget,
			ContainsEUPoliticalAdvertising: googleads.DoesNotContainEUPoliticalAdvertising,
			BrandGuidelinesEnabled:         googleads.Bool(false),
			MaximizeConversionValue:        &googleads.MaximizeConversionValue{TargetROAS: 3.5}}),
	}
	var links []googleads.MutateOperation
	asset := func(a googleads.Asset, field googleads.AssetFieldType) {
		a.ResourceName = googleads.Name(customer, "assets", ids.Next())
		ops = append(ops, googleads.Create(a))
		links = append(links, googleads.Create(googleads.AssetGroupAsset{AssetGroup: group, Asset: a.ResourceName, FieldType: field}))
	}
	texts := []struct {
		field googleads.AssetFieldType
		text  string
	}{
		{googleads.FieldHeadline, "Winterreifen"}, {googleads.FieldHeadline, "Reifen mit Montage"}, {googleads.FieldHeadline, "Top-Marken günstig"},
		{googleads.FieldLongHeadline, "Winterreifen aller Marken, montiert in Ihrer Nähe"},
		{googleads.FieldDescription, "Montage inklusive."}, {googleads.FieldDescription, "Über 200 Marken auf Lager, Lieferung in zwei Tagen."},
		{googleads.FieldBusinessName, "Reifen Müller"},
	}
	for _, x := range texts {
		asset(googleads.Asset{TextAsset: &googleads.TextAsset{Text: x.text}}, x.field)
	}
	asset(googleads.Asset{Name: name + " landscape", ImageAsset: &googleads.ImageAsset{Data: pngImage(t, 1200, 628, name)}}, googleads.FieldMarketingImage)
	asset(googleads.Asset{Name: name + " square", ImageAsset: &googleads.ImageAsset{Data: pngImage(t, 1200, 1200, name)}}, googleads.FieldSquareMarketingImage)
	asset(googleads.Asset{Name: name + " logo", ImageAsset: &googleads.ImageAsset{Data: pngImage(t, 128, 128, name)}}, googleads.FieldLogo)
	ops = append(ops, googleads.Create(googleads.AssetGroup{ResourceName: group, Campaign: campaign, Name: name + " Gruppe 1",
		FinalURLs: []string{"https://reifen-mueller.example/"}, Status: googleads.AssetGroupPaused, Path1: "reifen"}))
	return append(ops, links...)
}

func mustMutate(t *testing.T, b *bundle, req googleads.MutateRequest) *googleads.MutateResponse {
	t.Helper()
	resp, err := b.client.Mutate(context.Background(), cid, req)
	if err != nil {
		t.Fatalf("mutate: %v", err)
	}
	return resp
}

func countRows(t *testing.T, b *bundle, query string) int {
	t.Helper()
	res, err := b.client.Search(context.Background(), cid, query)
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	return len(res.Rows)
}

func nameQuery(resource, name string) string {
	return fmt.Sprintf("SELECT %s.resource_name FROM %s WHERE %s.name = %s", resource, resource, resource, googleads.Quote(name))
}
