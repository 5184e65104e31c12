package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// pageBytes is the size the large page of each list aims at.
const pageBytes = 100 << 10

// fill adds assets, campaigns and queued jobs to the demo account (through
// the API, as a client would) and returns the endpoints to measure: every
// list at about 1 KiB and about 100 KiB, every report, the cached reads.
func fill(c *client, quick bool, only string) ([]endpoint, error) {
	nAssets, nCampaigns := 220, 240
	if quick {
		nAssets, nCampaigns = 4, 4
	}
	for i := range nAssets {
		text := fmt.Sprintf("Winterreifen-Angebot %04d: ", i) + strings.Repeat("Montage, Einlagerung und Wuchten in einer Werkstatt in Ihrer Nähe. ", 6)
		if err := c.post("/api/assets", map[string]any{"text": text, "language": "de", "name": fmt.Sprintf("Angebot %04d", i)}, nil); err != nil {
			return nil, err
		}
	}
	for i := range nCampaigns {
		var camp struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
		}
		err := c.post("/api/campaigns", map[string]any{
			"name": fmt.Sprintf("Lastprobe %04d – Winterreifen Suche", i), "type": "SEARCH", "budget_micros": 50_000_000, "currency": "EUR",
			"languages": []string{"de"}, "locations": []string{"DE", "AT", "CH"}, "final_url": fmt.Sprintf("https://www.reifen-mueller.example/angebot/%d", i),
			"brief": map[string]any{"product": "Winterreifen, Ganzjahresreifen und Reifenmontage", "audience": "Autofahrer in Deutschland, Österreich und der Schweiz vor der Wintersaison",
				"selling_points": []string{"Kostenlose Lieferung in 2 Tagen", "Montage bei über 300 Partnerwerkstätten", "Testsieger-Marken zu fairen Preisen"}},
		}, &camp)
		if err != nil {
			return nil, err
		}
		// With no worker running the generation job stays queued: a job
		// list of one job per campaign.
		if err := c.post(fmt.Sprintf("/api/campaigns/%d/generate", camp.ID), map[string]any{}, nil, "If-Match", fmt.Sprintf(`"%d"`, camp.Version)); err != nil {
			return nil, err
		}
	}

	var eps []endpoint
	list := func(name, path string, max int) error {
		if only != "" && !strings.Contains(name+" (1 KiB) (100 KiB) (whole list)", only) {
			return nil // not measured: not sized either
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		small, err := sizedLimit(c, path+sep, max, 1<<10)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		large, err := sizedLimit(c, path+sep, max, pageBytes)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		eps = append(eps, endpoint{name + " (1 KiB)", fmt.Sprintf("%s%slimit=%d", path, sep, small)})
		if large > small {
			label := " (100 KiB)"
			if b, _, err := c.get(fmt.Sprintf("%s%slimit=%d", path, sep, large)); err != nil {
				return err
			} else if len(b) < pageBytes {
				label = " (whole list)"
			}
			eps = append(eps, endpoint{name + label, fmt.Sprintf("%s%slimit=%d", path, sep, large)})
		}
		return nil
	}
	for _, l := range []struct {
		name, path string
		max        int
	}{
		{"assets", "/api/assets", 500},
		{"campaigns", "/api/campaigns", 500},
		{"jobs", "/api/jobs", 200},
		{"ad groups", "/api/ad-groups", 500},
		{"keywords", "/api/keywords", 500},
		{"ads", "/api/ads", 500},
		{"asset groups", "/api/asset-groups", 500},
	} {
		if err := list(l.name, l.path, l.max); err != nil {
			return nil, err
		}
	}

	// The demo account: its first campaign, its most used asset, its first ad group.
	var campaigns struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if err := getJSON(c, "/api/campaigns?limit=1&sort=created", &campaigns); err != nil || len(campaigns.Items) == 0 {
		return nil, fmt.Errorf("no demo campaign: %v", err)
	}
	campaign := campaigns.Items[0].ID
	var used struct {
		Items []struct {
			ID    int64 `json:"id"`
			Usage int   `json:"usage_count"`
		} `json:"items"`
	}
	if err := getJSON(c, "/api/assets?used=true&limit=500", &used); err != nil || len(used.Items) == 0 {
		return nil, fmt.Errorf("no used asset: %v", err)
	}
	asset := used.Items[0]
	for _, a := range used.Items {
		if a.Usage > asset.Usage {
			asset = a
		}
	}
	var groups struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if err := getJSON(c, fmt.Sprintf("/api/ad-groups?campaign_id=%d&limit=1", campaign), &groups); err != nil || len(groups.Items) == 0 {
		return nil, fmt.Errorf("no demo ad group: %v", err)
	}

	today := time.Now().UTC()
	span := func(days int) string {
		v := url.Values{"from": {today.AddDate(0, 0, -days).Format(time.DateOnly)}, "to": {today.AddDate(0, 0, -1).Format(time.DateOnly)}}
		return v.Encode()
	}
	eps = append(eps,
		endpoint{"campaign's assets", fmt.Sprintf("/api/campaigns/%d/assets", campaign)},
		endpoint{"campaign tree (kept)", fmt.Sprintf("/api/campaigns/%d/tree", campaign)},
		endpoint{"where-used (kept)", fmt.Sprintf("/api/assets/%d/usage", asset.ID)},
		endpoint{"campaign report (1 KiB)", fmt.Sprintf("/api/campaigns/%d/report?%s&interval=month", campaign, span(30))},
		endpoint{"campaign report (1,000 days)", fmt.Sprintf("/api/campaigns/%d/report?%s&interval=day", campaign, span(1000))},
		endpoint{"campaign report rows", fmt.Sprintf("/api/campaigns/%d/report/rows?%s&level=keyword", campaign, span(90))},
		endpoint{"campaign report assets", fmt.Sprintf("/api/campaigns/%d/report/assets?%s", campaign, span(90))},
		endpoint{"asset report", fmt.Sprintf("/api/assets/%d/report?%s", asset.ID, span(90))},
		endpoint{"entity report", fmt.Sprintf("/api/reports/entities/ad_group/%d?%s", groups.Items[0].ID, span(90))},
		endpoint{"campaigns report", "/api/reports/campaigns?" + span(90)},
		endpoint{"assets report", "/api/reports/assets?" + span(90)},
	)
	return eps, nil
}

func getJSON(c *client, path string, v any) error {
	b, _, err := c.get(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// sizedLimit is the page size whose answer comes closest to target bytes
// without going under it (or max, when the whole list is smaller).
func sizedLimit(c *client, prefix string, max, target int) (int, error) {
	lo, hi := 1, max
	for lo < hi {
		mid := (lo + hi) / 2
		b, _, err := c.get(fmt.Sprintf("%slimit=%d", prefix, mid))
		if err != nil {
			return 0, err
		}
		if len(b) >= target {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}
