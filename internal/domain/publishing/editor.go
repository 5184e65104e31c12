package publishing

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/policy"
)

// Google Ads Editor files: a campaign exported as the file Editor itself
// writes, and such a file imported into a new draft campaign.
//
// Export writes one row per entity (reference §6): the campaign, its
// locations, each ad group, its keywords and responsive search ads, and each
// Performance Max asset group with its texts. Images are not part of an
// Editor file and stay behind. Only the first final URL of an ad is written
// (Google serves one).
//
// Import never changes an existing campaign: it builds a new draft from the
// file through the campaigns slice, which checks every part as its single
// writes do (each text through the policy). A file with any error is refused
// as a whole and nothing is stored — a half-imported campaign would be worse
// for the marketer than fixing the file — and the report names every problem
// by row and column at once. Warnings (an unknown column, a setting IMAP Hub
// does not keep) do not stop the import.
//
// Export → import → export gives the same bytes for a campaign that is not
// live at Google (a live one is exported "Enabled", and an import is always
// a draft, exported "Paused").

// EditorCampaigns is what the Editor files need from the campaigns slice.
type EditorCampaigns interface {
	Tree(ctx context.Context, id int64) (campaigns.Tree, error)
	CreateDraft(ctx context.Context, in campaigns.DraftInput) (campaigns.Campaign, []campaigns.DraftProblem, error)
	CheckDraft(in campaigns.DraftInput) []campaigns.DraftProblem
	BrandSpellings(ctx context.Context) ([]string, error)
}

var _ EditorCampaigns = (*campaigns.Service)(nil)

// Editor exports and imports Google Ads Editor files.
type Editor struct {
	campaigns EditorCampaigns
}

// NewEditor returns the Editor file service.
func NewEditor(c EditorCampaigns) *Editor { return &Editor{campaigns: c} }

// Editor's words for our values.
const (
	editorSearch    = "Search"
	editorPMax      = "Performance Max"
	editorRSA       = "Responsive search ad"
	editorNetworks  = "Google search;Search Partners"
	editorDaily     = "Daily"
	editorStandard  = "Standard"
	editorMaxClicks = "Maximize clicks"
	editorMaxConv   = "Maximize conversions"
	editorEnabled   = "Enabled"
	editorPaused    = "Paused"
)

// ExportEditor returns campaign id as a Google Ads Editor file and a safe
// file name for it.
func (e *Editor) ExportEditor(ctx context.Context, id int64) ([]byte, string, error) {
	t, err := e.campaigns.Tree(ctx, id)
	if err != nil {
		return nil, "", err
	}
	return encodeEditorFile(editorHeader, editorRows(t)), editorFileName(t.Campaign), nil
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// editorFileName is "campaign-7-Winterreifen.csv": ASCII letters, digits,
// dot, dash and underscore only, so it is safe in a header and on any disk.
func editorFileName(c campaigns.Campaign) string {
	name := strings.Trim(unsafeFileChars.ReplaceAllString(c.Name, "-"), "-.")
	if len(name) > 60 {
		name = strings.TrimRight(name[:60], "-.")
	}
	if name == "" {
		return fmt.Sprintf("campaign-%d.csv", c.ID)
	}
	return fmt.Sprintf("campaign-%d-%s.csv", c.ID, name)
}

// rowBuilder fills one row by column name.
type rowBuilder []string

var headerIndex = func() map[string]int {
	m := make(map[string]int, len(editorHeader))
	for i, h := range editorHeader {
		m[h] = i
	}
	return m
}()

func newRow(campaign string) rowBuilder {
	r := make(rowBuilder, len(editorHeader))
	r[headerIndex[colCampaign]] = campaign
	return r
}

func (r rowBuilder) set(col, v string) rowBuilder { r[headerIndex[col]] = v; return r }

func editorStatus(s string) string {
	if s == "PAUSED" {
		return editorPaused
	}
	return editorEnabled
}

func editorRows(t campaigns.Tree) [][]string {
	c := t.Campaign
	var rows [][]string
	camp := newRow(c.Name).set(colBudget, formatMicros(c.BudgetMicros)).set(colBudgetType, editorDaily).
		set(colLanguages, strings.Join(c.Languages, ";"))
	status := editorPaused // what publishing creates it as; a draft does not serve
	if c.State == campaigns.Published {
		status = editorEnabled
	}
	camp.set(colCampaignStatus, status).set(colFinalURL, c.FinalURL)
	if c.Type == campaigns.TypePMax {
		camp.set(colCampaignType, editorPMax).set(colBidStrategy, editorMaxConv)
	} else {
		camp.set(colCampaignType, editorSearch).set(colNetworks, editorNetworks).set(colBidStrategy, editorMaxClicks)
	}
	rows = append(rows, camp)
	for _, l := range c.Locations {
		r := newRow(c.Name)
		if constant, ok := LocationConstant(l); ok {
			r.set(colLocationID, strings.TrimPrefix(constant, "geoTargetConstants/"))
		}
		r.set(colLocation, countryName(l))
		rows = append(rows, r)
	}
	for _, g := range t.AdGroups {
		r := newRow(c.Name).set(colAdGroup, g.Name).set(colAdGroupType, editorStandard).set(colAdGroupStatus, editorStatus(g.Status))
		if g.CPCBidMicros != nil {
			r.set(colMaxCPC, formatMicros(*g.CPCBidMicros))
		}
		rows = append(rows, r)
		for _, k := range g.Keywords {
			kr := newRow(c.Name).set(colAdGroup, g.Name).set(colKeyword, k.Text).set(colCriterionType, criterionType(k))
			if !k.Negative {
				kr.set(colStatus, editorStatus(k.Status))
			}
			rows = append(rows, kr)
		}
		for _, a := range g.Ads {
			ar := newRow(c.Name).set(colAdGroup, g.Name).set(colAdType, editorRSA)
			for i, h := range a.Headlines {
				ar.set(headlineCol(i+1), h.Text).set(headlinePosCol(i+1), pinPosition(h.PinnedField))
			}
			for i, d := range a.Descriptions {
				ar.set(descriptionCol(i+1), d.Text).set(descriptionPosCol(i+1), pinPosition(d.PinnedField))
			}
			ar.set(colPath1, a.Path1).set(colPath2, a.Path2).set(colStatus, editorStatus(a.Status))
			if len(a.FinalURLs) > 0 {
				ar.set(colFinalURL, a.FinalURLs[0])
			}
			rows = append(rows, ar)
		}
	}
	for _, g := range t.AssetGroups {
		r := newRow(c.Name).set(colAssetGroup, g.Name).set(colPath1, g.Path1).set(colPath2, g.Path2).set(colAssetGroupStatus, editorStatus(g.Status))
		if len(g.FinalURLs) > 0 {
			r.set(colFinalURL, g.FinalURLs[0])
		}
		n := map[string]int{}
		for _, a := range g.Assets {
			if a.Type != "TEXT" {
				continue
			}
			n[a.FieldType]++
			switch policy.Field(a.FieldType) {
			case policy.Headline:
				r.set(headlineCol(n[a.FieldType]), a.Text)
			case policy.LongHeadline:
				r.set(longHeadlineCol(n[a.FieldType]), a.Text)
			case policy.Description:
				r.set(descriptionCol(n[a.FieldType]), a.Text)
			case policy.BusinessName:
				r.set(colBusinessName, a.Text)
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// pinPosition is a pin as Editor's position column holds it: "HEADLINE_2"
// is 2.
func pinPosition(pin string) string {
	if i := strings.LastIndexByte(pin, '_'); i >= 0 {
		return pin[i+1:]
	}
	return ""
}

func criterionType(k campaigns.Keyword) string {
	t := strings.ToUpper(k.MatchType[:1]) + strings.ToLower(k.MatchType[1:])
	if k.Negative {
		return "Negative " + t
	}
	return t
}

// formatMicros writes an amount in the currency unit with at least two
// decimals: 12500000 is 12.50, 1234567 is 1.234567.
func formatMicros(m int64) string {
	s := fmt.Sprintf("%d.%06d", m/1_000_000, m%1_000_000)
	for strings.HasSuffix(s, "0") && len(s)-strings.IndexByte(s, '.') > 3 {
		s = s[:len(s)-1]
	}
	return s
}

var moneyRE = regexp.MustCompile(`^([0-9]{1,12})(?:[.,]([0-9]{1,6}))?$`)

// parseMicros reads an amount such as 12.50 or 12,5 into micros.
func parseMicros(s string) (int64, error) {
	m := moneyRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("%q is not an amount such as 12.50 (at most 6 decimals)", s)
	}
	units, _ := strconv.ParseInt(m[1], 10, 64)
	frac := m[2] + strings.Repeat("0", 6-len(m[2]))
	f, _ := strconv.ParseInt(frac, 10, 64)
	return units*1_000_000 + f, nil
}

// countryName is a country code's English name ("DE": Germany), or "" for
// anything else (a geo target id).
func countryName(loc string) string {
	if _, ok := countryNumbers[strings.ToUpper(loc)]; !ok {
		return ""
	}
	r, err := language.ParseRegion(loc)
	if err != nil {
		return ""
	}
	return display.English.Regions().Name(r)
}

// countryByName finds the country code of a location cell: a code ("DE")
// or an English name ("Germany").
func countryByName(s string) (string, bool) {
	if _, ok := countryNumbers[strings.ToUpper(s)]; ok {
		return strings.ToUpper(s), true
	}
	for code := range countryNumbers {
		if strings.EqualFold(countryName(code), s) {
			return code, true
		}
	}
	return "", false
}

// countryOfConstant is the country code of a geo target id of a country
// ("2276": DE).
func countryOfConstant(id int64) (string, bool) {
	for code, n := range countryNumbers {
		if int64(2000+n) == id {
			return code, true
		}
	}
	return "", false
}
