package googleadstest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

// statsSetup is an account with two search campaigns of two ad groups (an
// ad and two keywords each) and a Performance Max campaign, on a fixed day.
func statsSetup(t *testing.T) *call {
	t.Helper()
	c := setup(t)
	c.srv.SetClock(func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) })
	c.srv.Populate(client, googleadstest.Population{SearchCampaigns: 2, AdGroups: 2, Keywords: 2, PMaxCampaigns: 1, AssetGroups: 1})
	return c
}

type batch struct {
	Results   []map[string]any `json:"results"`
	FieldMask string           `json:"fieldMask"`
	RequestID string           `json:"requestId"`
}

func (c *call) stream(t *testing.T, query string) (answer, []batch) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"query": query})
	a := c.do(t, http.MethodPost, "/v25/customers/"+client+"/googleAds:searchStream", string(b))
	var batches []batch
	if a.status == 200 {
		if err := json.Unmarshal([]byte(a.raw), &batches); err != nil {
			t.Fatalf("stream answer is not a JSON array of batches: %v\n%s", err, a.raw)
		}
	}
	return a, batches
}

func get(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm, _ := cur.(map[string]any)
		cur = mm[k]
	}
	return cur
}

// A stream is a JSON array of batches of at most the page size, each with
// the field mask and the request id; int64 values are strings, money is in
// micros, conversions are numbers; every row is DailyMetrics of its entity
// and day, days without impressions left out.
func TestStatsStreamInBatches(t *testing.T) {
	c := statsSetup(t)
	c.srv.SetPageSize(3)
	a, batches := c.stream(t, "SELECT campaign.id, segments.date, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.conversions_value "+
		"FROM campaign WHERE segments.date BETWEEN '2026-11-01' AND '2026-11-05' AND campaign.advertising_channel_type = 'SEARCH'")
	if a.status != 200 {
		t.Fatal(a.raw)
	}
	var campaigns []string
	want := map[string]googleadstest.Metrics{}
	s := c.search(t, client, "SELECT campaign.resource_name FROM campaign WHERE campaign.advertising_channel_type = 'SEARCH'")
	for _, r := range s.body["results"].([]any) {
		campaigns = append(campaigns, get(r.(map[string]any), "campaign.resourceName").(string))
	}
	for _, name := range campaigns {
		for d := 1; d <= 5; d++ {
			date := "2026-11-0" + string(rune('0'+d))
			if m := googleadstest.DailyMetrics(name, date); m.Impressions > 0 {
				want[name+"|"+date] = m
			}
		}
	}
	rows := 0
	for i, b := range batches {
		if b.FieldMask != "campaign.id,segments.date,metrics.impressions,metrics.clicks,metrics.costMicros,metrics.conversions,metrics.conversionsValue" {
			t.Errorf("batch %d field mask %q", i, b.FieldMask)
		}
		if b.RequestID == "" || b.RequestID != a.header.Get("request-id") {
			t.Errorf("batch %d request id %q, header %q", i, b.RequestID, a.header.Get("request-id"))
		}
		if len(b.Results) > 3 || (i < len(batches)-1 && len(b.Results) != 3) {
			t.Errorf("batch %d has %d rows", i, len(b.Results))
		}
		for _, r := range b.Results {
			rows++
			name := get(r, "campaign.resourceName").(string)
			date := get(r, "segments.date").(string)
			m, ok := want[name+"|"+date]
			if !ok {
				t.Errorf("unexpected row %v", r)
				continue
			}
			for field, v := range map[string]int64{"impressions": m.Impressions, "clicks": m.Clicks, "costMicros": m.CostMicros} {
				if s, isString := get(r, "metrics."+field).(string); !isString || s != itoa(v) {
					t.Errorf("%s %s metrics.%s = %#v, want the string %q", name, date, field, get(r, "metrics."+field), itoa(v))
				}
			}
			if get(r, "metrics.conversions") != m.Conversions || get(r, "metrics.conversionsValue") != m.ConversionsValue {
				t.Errorf("%s %s conversions %v/%v, want %v/%v", name, date, get(r, "metrics.conversions"), get(r, "metrics.conversionsValue"), m.Conversions, m.ConversionsValue)
			}
			if id, _ := get(r, "campaign.id").(string); !strings.HasSuffix(name, "/"+id) {
				t.Errorf("campaign.id %v of %s", get(r, "campaign.id"), name)
			}
		}
	}
	if rows != len(want) || len(batches) != (rows+2)/3 {
		t.Errorf("%d rows in %d batches, want %d rows", rows, len(batches), len(want))
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Report queries Google refuses are refused with its queryError codes;
// the ones it takes answer.
func TestStatsQueriesAsGoogleTakesThem(t *testing.T) {
	c := statsSetup(t)
	const m = "SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE "
	cases := []struct {
		query, code string
	}{
		{"SELECT campaign.id, segments.date, metrics.clicks FROM campaign", "queryError.EXPECTED_FILTERS_ON_DATE_RANGE"},
		{m + "segments.date >= '2026-11-01'", "queryError.EXPECTED_FILTERS_ON_DATE_RANGE"},
		{m + "segments.date >= '2026-11-01' AND segments.date <= '2026-11-02'", ""},
		{m + "segments.date = '2026-11-01'", ""},
		{m + "segments.date DURING LAST_7_DAYS", ""},
		{m + "segments.date DURING LAST_FORTNIGHT", "queryError.INVALID_VALUE_WITH_DURING_OPERATOR"},
		{m + "segments.date BETWEEN '2026-11-01' AND '2026-13-01'", "queryError.INVALID_VALUE_WITH_BETWEEN_OPERATOR"},
		{m + "segments.date = '1.11.2026'", "queryError.INVALID_DATE_FORMAT"},
		{m + "segments.date BETWEEN '2026-11-05' AND '2026-11-01'", "queryError.DATE_RANGE_TOO_NARROW"},
		{m + "segments.date BETWEEN '2026-11-01' '2026-11-05'", "queryError.EXPECTED_AND"},
		{"SELECT campaign.id, metrics.colour FROM campaign", "queryError.UNRECOGNIZED_FIELD"},
		{"SELECT asset.id, segments.date FROM asset WHERE segments.date = '2026-11-01'", "queryError.PROHIBITED_SEGMENT_IN_SELECT_OR_WHERE_CLAUSE"},
		{"SELECT campaign.id FROM campaign WHERE campaign.name DURING LAST_7_DAYS", "queryError.OPERATOR_FIELD_MISMATCH"},
		{"SELECT campaign.id, metrics.clicks FROM campaign WHERE metrics.clicks > 0 ORDER BY metrics.clicks DESC LIMIT 2", ""},
	}
	for _, tc := range cases {
		a := c.search(t, client, tc.query)
		code, _ := a.code()
		if code != tc.code || (tc.code == "" && a.status != 200) || (tc.code != "" && a.status != 400) {
			t.Errorf("%s: %d %s (%s)", tc.query, a.status, code, a.raw)
		}
	}
	// ORDER BY a metric orders by its value, not its text.
	a := c.search(t, client, "SELECT campaign.id, metrics.impressions FROM campaign WHERE segments.date BETWEEN '2026-10-01' AND '2026-11-15' ORDER BY metrics.impressions DESC")
	if a.status != 200 {
		t.Fatal(a.raw)
	}
	var last int64 = 1 << 62
	for _, r := range a.body["results"].([]any) {
		var n int64
		_ = json.Unmarshal([]byte(get(r.(map[string]any), "metrics.impressions").(string)), &n)
		if n > last {
			t.Errorf("not ordered by impressions: %s", a.raw)
		}
		last = n
	}
	// Days after today have no statistics.
	_, batches := c.stream(t, "SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-11-21' AND '2026-11-30'")
	if len(batches) != 1 || len(batches[0].Results) != 0 {
		t.Errorf("future days answered rows: %v", batches)
	}
}

// Assets in responsive search ads (ad_group_ad_asset_view) and asset groups
// (asset_group_asset) carry their field type, text and performance label.
func TestAssetStatsCarryFieldTypeAndLabel(t *testing.T) {
	c := statsSetup(t)
	_, batches := c.stream(t, "SELECT ad_group.id, ad_group_ad.ad.id, asset.id, asset.text_asset.text, ad_group_ad_asset_view.field_type, ad_group_ad_asset_view.performance_label, "+
		"segments.date, metrics.impressions FROM ad_group_ad_asset_view WHERE segments.date = '2026-11-02'")
	fields := map[string]int{}
	for _, b := range batches {
		for _, r := range b.Results {
			view := get(r, "adGroupAdAssetView.resourceName").(string)
			ft := get(r, "adGroupAdAssetView.fieldType").(string)
			fields[ft]++
			if get(r, "adGroupAdAssetView.performanceLabel") != googleadstest.PerformanceLabel(view) || get(r, "asset.textAsset.text") == nil || get(r, "asset.id") == nil {
				t.Errorf("row %v", r)
			}
			if !strings.HasSuffix(view, "~"+ft) {
				t.Errorf("view name %s for field type %s", view, ft)
			}
		}
	}
	// 4 ads with 3 headlines and 2 descriptions, less days without impressions.
	if fields["HEADLINE"] == 0 || fields["DESCRIPTION"] == 0 || fields["HEADLINE"] > 12 || fields["DESCRIPTION"] > 8 {
		t.Errorf("field types %v", fields)
	}
	_, batches = c.stream(t, "SELECT asset_group.id, asset.id, asset_group_asset.field_type, asset_group_asset.performance_label, segments.date, metrics.clicks "+
		"FROM asset_group_asset WHERE segments.date DURING YESTERDAY")
	if len(batches[0].Results) == 0 {
		t.Fatal("no asset group asset rows")
	}
	for _, r := range batches[0].Results {
		if get(r, "assetGroupAsset.performanceLabel") != googleadstest.PerformanceLabel(get(r, "assetGroupAsset.resourceName").(string)) || get(r, "segments.date") != "2026-11-19" {
			t.Errorf("row %v", r)
		}
	}
}

// SetConversions changes one past day of one row; CutStream ends an
// answer midway, the array left open.
func TestLateConversionsAndCutStreams(t *testing.T) {
	c := statsSetup(t)
	q := "SELECT campaign.id, segments.date, metrics.conversions, metrics.conversions_value FROM campaign WHERE segments.date BETWEEN '2026-11-01' AND '2026-11-09'"
	_, before := c.stream(t, q)
	first := before[0].Results[0]
	name, date := get(first, "campaign.resourceName").(string), get(first, "segments.date").(string)
	c.srv.SetConversions(name, date, 42.5, 1234.25)
	_, after := c.stream(t, q)
	changed := 0
	for i, r := range after[0].Results {
		if get(r, "campaign.resourceName") == name && get(r, "segments.date") == date {
			if get(r, "metrics.conversions") != 42.5 || get(r, "metrics.conversionsValue") != 1234.25 {
				t.Errorf("late conversions not reported: %v", r)
			}
			continue
		}
		if get(r, "metrics.conversions") != get(before[0].Results[i], "metrics.conversions") {
			changed++
		}
	}
	if changed != 0 {
		t.Errorf("%d other rows changed", changed)
	}
	c.srv.SetPageSize(2)
	c.srv.CutStream(1)
	b, _ := json.Marshal(map[string]string{"query": q})
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/v25/customers/"+client+"/googleAds:searchStream", strings.NewReader(string(b)))
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		t.Fatalf("stream start %v %v", tok, err)
	}
	var one batch
	if err := dec.Decode(&one); err != nil || len(one.Results) != 2 {
		t.Fatalf("first batch %v %v", one, err)
	}
	if err := dec.Decode(&one); err == nil {
		t.Fatal("a cut stream was read to its end")
	}
}
