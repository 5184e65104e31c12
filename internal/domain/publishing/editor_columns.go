package publishing

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/policy"
)

// The columns of a Google Ads Editor file (reference §6): the standard
// English headers, which we write in this order, and the alternates Editor
// documents, which we also read. Editor matches headers ignoring case and
// spaces ("Daily budget" = "dailybudget" = "DAILY BUDGET"); so do we, and
// underscores too.

const (
	colCampaign         = "Campaign"
	colCampaignType     = "Campaign Type"
	colNetworks         = "Networks"
	colBudget           = "Budget"
	colBudgetType       = "Budget type"
	colLanguages        = "Languages"
	colBidStrategy      = "Bid Strategy Type"
	colStartDate        = "Start Date"
	colEndDate          = "End Date"
	colCampaignStatus   = "Campaign Status"
	colLocationID       = "Location ID"
	colLocation         = "Location"
	colAdGroup          = "Ad Group"
	colMaxCPC           = "Max CPC"
	colAdGroupType      = "Ad Group Type"
	colAdGroupStatus    = "Ad Group Status"
	colKeyword          = "Keyword"
	colCriterionType    = "Criterion Type"
	colAdType           = "Ad type"
	colPath1            = "Path 1"
	colPath2            = "Path 2"
	colFinalURL         = "Final URL"
	colAssetGroup       = "Asset Group"
	colBusinessName     = "Business name"
	colAssetGroupStatus = "Asset Group Status"
	colStatus           = "Status"
)

func headlineCol(i int) string       { return fmt.Sprintf("Headline %d", i) }
func headlinePosCol(i int) string    { return fmt.Sprintf("Headline %d position", i) }
func descriptionCol(i int) string    { return fmt.Sprintf("Description %d", i) }
func descriptionPosCol(i int) string { return fmt.Sprintf("Description %d position", i) }
func longHeadlineCol(i int) string   { return fmt.Sprintf("Long headline %d", i) }
func maxTexts(f policy.Field) int {
	return max(policy.RSAFormat.Max(f), policy.PerformanceMaxFormat.Max(f))
}
func numbered(name func(int) string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = name(i + 1)
	}
	return out
}

// editorHeader is the header we write: every column an entity of ours uses.
// The counts of numbered columns are the formats' (15 headlines, 4
// descriptions for an ad and 5 for an asset group, 5 long headlines).
var editorHeader = func() []string {
	h := []string{colCampaign, colCampaignType, colNetworks, colBudget, colBudgetType, colLanguages, colBidStrategy,
		colStartDate, colEndDate, colCampaignStatus, colLocationID, colLocation,
		colAdGroup, colMaxCPC, colAdGroupType, colAdGroupStatus, colKeyword, colCriterionType, colAdType}
	h = append(h, numbered(headlineCol, maxTexts(policy.Headline))...)
	h = append(h, numbered(headlinePosCol, maxTexts(policy.Headline))...)
	h = append(h, numbered(descriptionCol, maxTexts(policy.Description))...)
	h = append(h, numbered(descriptionPosCol, policy.RSAFormat.Max(policy.Description))...)
	h = append(h, colPath1, colPath2, colFinalURL, colAssetGroup)
	h = append(h, numbered(longHeadlineCol, maxTexts(policy.LongHeadline))...)
	h = append(h, colBusinessName, colAssetGroupStatus, colStatus)
	return h
}()

// headerKey is a header as Editor compares it.
func headerKey(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))) {
		if r != ' ' && r != '_' && r != '\t' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// headerAlternates are the other names Editor documents for a column.
var headerAlternates = map[string][]string{
	colBudget:        {"Campaign daily budget", "Daily budget", "Campaign budget"},
	colLanguages:     {"Language targeting", "Language"},
	colLocationID:    {"ID", "Geo ID", "Geo target ID"},
	colLocation:      {"Geo targeting"},
	colCampaignType:  {"Type"},
	colCriterionType: {"Match type", "Keyword match type"},
	colFinalURL:      {"Final URLs"},
	colBidStrategy:   {"Bid strategy", "Bidding strategy", "Bid strategy type"},
}

// columnByKey maps every accepted header key to the column it names.
var columnByKey = func() map[string]string {
	m := map[string]string{}
	for _, h := range editorHeader {
		m[headerKey(h)] = h
	}
	for col, alts := range headerAlternates {
		for _, a := range alts {
			m[headerKey(a)] = col
		}
	}
	return m
}()

// numberedColumn recognises a numbered text column beyond the ones we know
// ("Headline 16"): its kind's column name and the number.
func numberedColumn(key string) (kind string, n int, ok bool) {
	for _, k := range []struct{ prefix, suffix, kind string }{
		{"headline", "position", "Headline position"}, {"description", "position", "Description position"},
		{"longheadline", "", "Long headline"}, {"headline", "", "Headline"}, {"description", "", "Description"},
	} {
		rest, found := strings.CutPrefix(key, k.prefix)
		if !found {
			continue
		}
		num, found := strings.CutSuffix(rest, k.suffix)
		if !found {
			continue
		}
		if v, err := strconv.Atoi(num); err == nil && v > 0 {
			return k.kind, v, true
		}
	}
	return "", 0, false
}
