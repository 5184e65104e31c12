package publishing

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// ImportOptions are the choices of an import that the file does not make.
type ImportOptions struct {
	// Name names the new campaign; "" takes the file's.
	Name string
	// Currency is the account's currency (Editor files give amounts without
	// one); "" is EUR.
	Currency string
}

// ImportProblem is one finding about a row.
type ImportProblem struct {
	Severity string `json:"severity" enum:"error,warning" doc:"error refuses the import; warning does not"`
	Column   string `json:"column,omitempty" doc:"The column, by its standard Editor header (Headline 3), when the finding is about one"`
	Message  string `json:"message"`
	Code     string `json:"code,omitempty" doc:"The policy rule code of a text's finding"`
	Value    string `json:"value,omitempty" doc:"The cell as read"`
}

// ImportRow is the outcome of one row of the file.
type ImportRow struct {
	Row      int             `json:"row" doc:"The row's number as a spreadsheet shows it: the header is row 1"`
	Entity   string          `json:"entity" enum:"header,campaign,location,ad_group,keyword,ad,asset_group"`
	Name     string          `json:"name,omitempty" doc:"What the row is about: a name, a keyword, an ad's first headline"`
	Status   string          `json:"status" enum:"ok,warning,error"`
	Problems []ImportProblem `json:"problems,omitempty"`
}

// ImportReport is the outcome of an import, row by row.
type ImportReport struct {
	Imported   bool        `json:"imported" doc:"true: the draft campaign was created; false: the file has errors and nothing was stored"`
	CampaignID int64       `json:"campaign_id,omitempty" doc:"The new draft campaign"`
	Encoding   string      `json:"encoding" enum:"UTF-16LE,UTF-16BE,UTF-8"`
	Separator  string      `json:"separator" enum:"tab,comma"`
	Errors     int         `json:"errors"`
	Warnings   int         `json:"warnings"`
	Rows       []ImportRow `json:"rows" nullable:"false" doc:"Every row of the file below the header, and the header when it has findings"`
}

// Lines are the report's findings as text, one a line: "row 7: Headline 3:
// Headline is 34 characters wide; the limit is 30."
func (r ImportReport) Lines() []string {
	var out []string
	for _, row := range r.Rows {
		for _, p := range row.Problems {
			line := fmt.Sprintf("row %d: ", row.Row)
			if p.Column != "" {
				line += p.Column + ": "
			}
			if p.Severity == "warning" {
				line += "warning: "
			}
			out = append(out, line+p.Message)
		}
	}
	return out
}

// ImportEditor reads a Google Ads Editor file into a new draft campaign. A
// file that cannot be read at all is a 422 about the file; a file with
// errors in its rows is a 422 whose "report" member is the ImportReport;
// either way nothing is stored.
func (e *Editor) ImportEditor(ctx context.Context, data []byte, opts ImportOptions) (ImportReport, error) {
	t, err := decodeEditorFile(data)
	if err != nil {
		return ImportReport{}, err
	}
	im, err := newImporter(t, opts)
	if err != nil {
		return ImportReport{}, err
	}
	in := im.build()
	if im.failed() {
		// Every problem at once: the rows' contents are checked too, so
		// one round of fixing the file is enough.
		if im.campaignRow >= 0 {
			if in.BrandSpellings, err = e.campaigns.BrandSpellings(ctx); err != nil {
				return ImportReport{}, err
			}
			im.addDraftProblems(e.campaigns.CheckDraft(in))
		}
	} else {
		c, problems, err := e.campaigns.CreateDraft(ctx, in)
		if err != nil {
			return ImportReport{}, err
		}
		im.addDraftProblems(problems)
		if len(problems) == 0 {
			im.rep.Imported, im.rep.CampaignID = true, c.ID
		}
	}
	rep := im.finish()
	if !rep.Imported {
		return rep, refusedImport(rep)
	}
	return rep, nil
}

// refusedImport is the 422 of a file with errors: the first few as fields,
// the whole report as the "report" member.
func refusedImport(rep ImportReport) error {
	e := &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("the file has %d errors; nothing was imported", rep.Errors)}
	if rep.Errors == 1 {
		e.Message = "the file has 1 error; nothing was imported"
	}
	for _, row := range rep.Rows {
		for _, p := range row.Problems {
			if p.Severity == "error" && len(e.Fields) < 20 {
				loc := fmt.Sprintf("row %d", row.Row)
				if p.Column != "" {
					loc += ", " + p.Column
				}
				e.Fields = append(e.Fields, errs.FieldError{Location: loc, Message: p.Message, Value: p.Value, Code: p.Code})
			}
		}
	}
	return e.With("report", rep)
}

// importer turns a table into a draft and a report.
type importer struct {
	t    editorTable
	opts ImportOptions
	col  map[string]int // standard column → index in the file
	// overflow are numbered text columns beyond the formats' counts.
	overflow map[int]string
	rep      ImportReport
	header   ImportRow
	rows     []ImportRow // parallel to t.rows
	// lists map an ad's or asset group's list index to its column number,
	// by row: a file may leave Headline 2 empty and fill Headline 3.
	lists map[int]map[string][]int
	// locationRows are the rows of the campaign's locations, in order.
	locationRows []int
	campaignRow  int // -1 until found
	locationCol  map[int]string
}

func newImporter(t editorTable, opts ImportOptions) (*importer, error) {
	im := &importer{t: t, opts: opts, col: map[string]int{}, overflow: map[int]string{}, lists: map[int]map[string][]int{},
		campaignRow: -1, locationCol: map[int]string{}, header: ImportRow{Row: 1, Entity: "header"}}
	im.rep.Encoding = t.encoding
	im.rep.Separator = "comma"
	if t.comma == '\t' {
		im.rep.Separator = "tab"
	}
	for i, h := range t.header {
		key := headerKey(h)
		if col, ok := columnByKey[key]; ok {
			if j, dup := im.col[col]; dup {
				im.header.Problems = append(im.header.Problems, ImportProblem{Severity: "error", Column: col,
					Message: fmt.Sprintf("the column appears twice (columns %d and %d)", j+1, i+1), Value: h})
				continue
			}
			im.col[col] = i
			continue
		}
		if kind, n, ok := numberedColumn(key); ok {
			im.overflow[i] = fmt.Sprintf("%s %d", strings.TrimSuffix(kind, " position"), n)
			if strings.HasSuffix(kind, "position") {
				im.overflow[i] += " position"
			}
			continue
		}
		msg := "not a Google Ads Editor column IMAP Hub reads; its cells are ignored"
		if key == "" {
			msg = fmt.Sprintf("column %d has no header; its cells are ignored", i+1)
		}
		im.header.Problems = append(im.header.Problems, ImportProblem{Severity: "warning", Column: h, Message: msg, Value: h})
	}
	if _, ok := im.col[colCampaign]; !ok {
		return nil, fileError("the first row has no Campaign column: it must be the column headers of a Google Ads Editor file (Campaign, Ad Group, Keyword, Headline 1, …)")
	}
	im.rows = make([]ImportRow, len(t.rows))
	for i := range im.rows {
		im.rows[i] = ImportRow{Row: t.rowNumbers[i]}
	}
	return im, nil
}

func (im *importer) cell(i int, col string) string {
	j, ok := im.col[col]
	if !ok || j >= len(im.t.rows[i]) {
		return ""
	}
	return im.t.rows[i][j]
}

func (im *importer) has(i int, col string) bool { return strings.TrimSpace(im.cell(i, col)) != "" }

func (im *importer) fail(i int, col, value, format string, a ...any) {
	im.rows[i].Problems = append(im.rows[i].Problems, ImportProblem{Severity: "error", Column: col, Message: fmt.Sprintf(format, a...), Value: value})
}

func (im *importer) warn(i int, col, value, format string, a ...any) {
	im.rows[i].Problems = append(im.rows[i].Problems, ImportProblem{Severity: "warning", Column: col, Message: fmt.Sprintf(format, a...), Value: value})
}

func (im *importer) failed() bool {
	for _, r := range append([]ImportRow{im.header}, im.rows...) {
		for _, p := range r.Problems {
			if p.Severity == "error" {
				return true
			}
		}
	}
	return false
}

func (im *importer) hasError(i int, col string) bool {
	for _, p := range im.rows[i].Problems {
		if p.Severity == "error" && p.Column == col {
			return true
		}
	}
	return false
}

func label(i int) string { return "r" + strconv.Itoa(i) }

// kind decides what a row describes, as Editor does: by the cells it fills.
func (im *importer) kind(i int) string {
	switch {
	case im.has(i, colAssetGroup):
		return "asset_group"
	case im.has(i, colAdType) || im.anyText(i):
		return "ad"
	case im.has(i, colKeyword):
		return "keyword"
	case im.has(i, colLocationID) || im.has(i, colLocation):
		return "location"
	case im.has(i, colAdGroup):
		return "ad_group"
	}
	return "campaign"
}

func (im *importer) anyText(i int) bool {
	for _, h := range editorHeader {
		if strings.HasPrefix(h, "Headline ") || strings.HasPrefix(h, "Description ") || strings.HasPrefix(h, "Long headline ") || h == colBusinessName {
			if im.has(i, h) {
				return true
			}
		}
	}
	for j := range im.overflow {
		if j < len(im.t.rows[i]) && strings.TrimSpace(im.t.rows[i][j]) != "" {
			return true
		}
	}
	return false
}

// usedColumns are the columns each kind of row reads (besides Campaign).
var usedColumns = func() map[string][]string {
	texts := func(pmax bool) []string {
		f := policy.RSAFormat
		if pmax {
			f = policy.PerformanceMaxFormat
		}
		out := numbered(headlineCol, f.Max(policy.Headline))
		out = append(out, numbered(descriptionCol, f.Max(policy.Description))...)
		if pmax {
			return append(append(out, numbered(longHeadlineCol, f.Max(policy.LongHeadline))...), colBusinessName)
		}
		out = append(out, numbered(headlinePosCol, f.Max(policy.Headline))...)
		return append(out, numbered(descriptionPosCol, f.Max(policy.Description))...)
	}
	return map[string][]string{
		"campaign":    {colCampaignType, colNetworks, colBudget, colBudgetType, colLanguages, colBidStrategy, colStartDate, colEndDate, colCampaignStatus, colFinalURL},
		"location":    {colLocationID, colLocation, colStatus},
		"ad_group":    {colAdGroup, colMaxCPC, colAdGroupType, colAdGroupStatus},
		"keyword":     {colAdGroup, colKeyword, colCriterionType, colStatus},
		"ad":          append([]string{colAdGroup, colAdType, colPath1, colPath2, colFinalURL, colStatus}, texts(false)...),
		"asset_group": append([]string{colAssetGroup, colPath1, colPath2, colFinalURL, colAssetGroupStatus}, texts(true)...),
	}
}()

var entityNoun = map[string]string{"campaign": "a campaign", "location": "a location", "ad_group": "an ad group", "keyword": "a keyword",
	"ad": "a responsive search ad", "asset_group": "a Performance Max asset group"}

// build reads every row into the draft, noting each row's problems.
func (im *importer) build() campaigns.DraftInput {
	var in campaigns.DraftInput
	if len(im.t.rows) == 0 {
		return in
	}
	first := strings.TrimSpace(im.cell(0, colCampaign))
	groups := map[string]int{}    // ad group name → index in in.AdGroups
	groupRows := map[string]int{} // ad group name → its ad group row
	assetGroupRows := map[string]int{}
	kinds := make([]string, len(im.t.rows))
	for i := range im.t.rows {
		kinds[i] = im.kind(i)
		im.rows[i].Entity = kinds[i]
	}
	pmax := false
	for i := range im.t.rows {
		if kinds[i] == "asset_group" {
			pmax = true
		}
	}
	group := func(i int, name string) int {
		if g, ok := groups[name]; ok {
			return g
		}
		groups[name] = len(in.AdGroups)
		in.AdGroups = append(in.AdGroups, campaigns.DraftAdGroup{Label: label(i), AdGroupInput: campaigns.AdGroupInput{Name: name}})
		return groups[name]
	}
	for i, row := range im.t.rows {
		kind := kinds[i]
		name := strings.TrimSpace(im.cell(i, colCampaign))
		switch {
		case name == "":
			im.fail(i, colCampaign, "", "empty; every row names its campaign")
		case name != first:
			im.fail(i, colCampaign, name, "this file holds more than one campaign (%q and %q); import one campaign at a time", first, name)
		}
		// Cells that a row of this kind does not read.
		used := map[string]bool{colCampaign: true}
		for _, c := range usedColumns[kind] {
			used[c] = true
		}
		for _, h := range editorHeader {
			if used[h] || !im.has(i, h) {
				continue
			}
			switch {
			case misplaced(kind, h) != "":
				im.fail(i, h, im.cell(i, h), "%s", misplaced(kind, h))
			case kind == "asset_group" && strings.HasSuffix(h, " position"):
				// refused by assetGroup: no pins in Performance Max
			default:
				im.warn(i, h, im.cell(i, h), "not used in %s row; ignored", entityNoun[kind])
			}
		}
		for j, over := range im.overflow {
			if j < len(row) && strings.TrimSpace(row[j]) != "" {
				im.fail(i, over, row[j], "%s", overflowReason(over))
			}
		}
		if len(row) > len(im.t.header) && !blankRow(row[len(im.t.header):]) {
			im.warn(i, "", "", "%d cells beyond the last column; ignored", len(row)-len(im.t.header))
		}
		switch kind {
		case "campaign":
			if im.campaignRow >= 0 {
				im.fail(i, colCampaign, name, "a second campaign row (the first is row %d); a campaign has one", im.rows[im.campaignRow].Row)
				continue
			}
			im.campaignRow = i
			in.Label = label(i)
			in.Campaign = im.campaign(i, name, pmax)
			im.rows[i].Name = in.Campaign.Name
		case "location":
			loc, ok := im.location(i)
			if ok {
				in.Campaign.Locations = append(in.Campaign.Locations, loc)
				im.locationRows = append(im.locationRows, i)
			}
			im.rows[i].Name = strings.TrimSpace(im.cell(i, colLocation) + " " + im.cell(i, colLocationID))
		case "ad_group":
			gname := strings.TrimSpace(im.cell(i, colAdGroup))
			im.rows[i].Name = gname
			if r, dup := groupRows[gname]; dup {
				im.fail(i, colAdGroup, gname, "a second row for the ad group %q (the first is row %d)", gname, im.rows[r].Row)
				continue
			}
			groupRows[gname] = i
			g := &in.AdGroups[group(i, gname)]
			g.Label = label(i)
			g.Status = im.status(i, colAdGroupStatus)
			if v := im.cell(i, colMaxCPC); strings.TrimSpace(v) != "" {
				if m, err := parseMicros(v); err != nil {
					im.fail(i, colMaxCPC, v, "%v", err)
				} else {
					g.CPCBidMicros = &m
				}
			}
			if v := strings.TrimSpace(im.cell(i, colAdGroupType)); v != "" && !strings.EqualFold(v, editorStandard) {
				im.fail(i, colAdGroupType, v, "only standard (search) ad groups are imported")
			}
		case "keyword":
			gname := im.adGroupOf(i)
			k := im.keyword(i)
			im.rows[i].Name = k.Text
			if gname != "" {
				g := &in.AdGroups[group(i, gname)]
				g.Keywords = append(g.Keywords, k)
			}
		case "ad":
			gname := im.adGroupOf(i)
			a := im.ad(i)
			if len(a.Headlines) > 0 {
				im.rows[i].Name = a.Headlines[0].Text
			}
			if gname != "" {
				g := &in.AdGroups[group(i, gname)]
				g.Ads = append(g.Ads, a)
			}
		case "asset_group":
			gname := strings.TrimSpace(im.cell(i, colAssetGroup))
			im.rows[i].Name = gname
			if r, dup := assetGroupRows[gname]; dup {
				im.fail(i, colAssetGroup, gname, "a second row for the asset group %q (the first is row %d)", gname, im.rows[r].Row)
				continue
			}
			assetGroupRows[gname] = i
			in.AssetGroups = append(in.AssetGroups, im.assetGroup(i, gname))
		}
	}
	if im.campaignRow < 0 {
		im.fail(0, colCampaign, first, "the file has no campaign row (a row with only the campaign's settings: Campaign, Campaign Type, Budget, Languages …)")
	}
	return in
}

// misplaced says why a text column of an ad row cannot be used there (it
// would be lost), or "".
func misplaced(kind, col string) string {
	if kind != "ad" {
		return ""
	}
	switch {
	case strings.HasPrefix(col, "Long headline") || col == colBusinessName:
		return "long headlines and the business name belong to Performance Max asset groups, not to responsive search ads"
	case strings.HasPrefix(col, "Description "):
		return fmt.Sprintf("a responsive search ad takes at most %d descriptions", policy.RSAFormat.Max(policy.Description))
	}
	return ""
}

func overflowReason(col string) string {
	switch {
	case strings.HasPrefix(col, "Long headline"):
		return fmt.Sprintf("an asset group takes at most %d long headlines", policy.PerformanceMaxFormat.Max(policy.LongHeadline))
	case strings.HasPrefix(col, "Headline") && strings.HasSuffix(col, "position"):
		return fmt.Sprintf("a responsive search ad takes at most %d headlines", policy.RSAFormat.Max(policy.Headline))
	case strings.HasPrefix(col, "Headline"):
		return fmt.Sprintf("an ad or asset group takes at most %d headlines", maxTexts(policy.Headline))
	case strings.HasSuffix(col, "position"):
		return fmt.Sprintf("a responsive search ad takes at most %d descriptions", policy.RSAFormat.Max(policy.Description))
	}
	return fmt.Sprintf("an ad takes at most %d and an asset group at most %d descriptions", policy.RSAFormat.Max(policy.Description), policy.PerformanceMaxFormat.Max(policy.Description))
}

func (im *importer) adGroupOf(i int) string {
	g := strings.TrimSpace(im.cell(i, colAdGroup))
	if g == "" {
		im.fail(i, colAdGroup, "", "empty; %s belongs to an ad group", entityNoun[im.rows[i].Entity])
	}
	return g
}

// status reads an Enabled/Paused cell ("" is enabled).
func (im *importer) status(i int, col string) string {
	v := strings.TrimSpace(im.cell(i, col))
	switch strings.ToLower(v) {
	case "", "enabled", "active":
		return ""
	case "paused":
		return "PAUSED"
	}
	im.fail(i, col, v, "must be Enabled or Paused")
	return ""
}

func (im *importer) campaign(i int, name string, pmax bool) campaigns.CampaignInput {
	c := campaigns.CampaignInput{Name: name, Type: campaigns.TypeSearch, Currency: im.opts.Currency}
	if im.opts.Name != "" {
		c.Name = im.opts.Name
	}
	if c.Currency == "" {
		c.Currency = "EUR"
	}
	if pmax {
		c.Type = campaigns.TypePMax
	}
	switch v := strings.TrimSpace(im.cell(i, colCampaignType)); {
	case v == "":
	case strings.EqualFold(v, editorSearch):
		c.Type = campaigns.TypeSearch
	case strings.EqualFold(v, editorPMax):
		c.Type = campaigns.TypePMax
	default:
		im.fail(i, colCampaignType, v, "only Search and Performance Max campaigns are imported")
	}
	if v := im.cell(i, colBudget); strings.TrimSpace(v) != "" {
		m, err := parseMicros(v)
		if err != nil {
			im.fail(i, colBudget, v, "%v", err)
		}
		c.BudgetMicros = m
	}
	if v := strings.TrimSpace(im.cell(i, colBudgetType)); v != "" && !strings.EqualFold(v, editorDaily) {
		im.fail(i, colBudgetType, v, "only daily budgets are imported")
	}
	for _, l := range strings.FieldsFunc(im.cell(i, colLanguages), func(r rune) bool { return r == ';' || r == ',' }) {
		if l = strings.TrimSpace(l); l != "" {
			base, rest, _ := strings.Cut(l, "-")
			if rest != "" {
				rest = "-" + rest
			}
			c.Languages = append(c.Languages, strings.ToLower(base)+rest)
		}
	}
	bid, networks := editorMaxClicks, editorNetworks
	if c.Type == campaigns.TypePMax {
		bid, networks = editorMaxConv, ""
	}
	if v := strings.TrimSpace(im.cell(i, colBidStrategy)); v != "" && !strings.EqualFold(v, bid) {
		im.warn(i, colBidStrategy, v, "not kept: IMAP Hub publishes %s campaigns with %s", strings.ToLower(editorCampaignType(c.Type)), bid)
	}
	if v := im.cell(i, colNetworks); strings.TrimSpace(v) != "" && networkKey(v) != networkKey(networks) {
		im.warn(i, colNetworks, v, "not kept: IMAP Hub publishes search campaigns on %s", editorNetworks)
	}
	for _, col := range []string{colStartDate, colEndDate} {
		if v := strings.TrimSpace(im.cell(i, col)); v != "" {
			im.warn(i, col, v, "not kept: IMAP Hub campaigns have no dates; set them in Google Ads")
		}
	}
	c.FinalURL = strings.TrimSpace(im.cell(i, colFinalURL))
	return c
}

func editorCampaignType(t string) string {
	if t == campaigns.TypePMax {
		return editorPMax
	}
	return editorSearch
}

func networkKey(s string) string {
	parts := strings.Split(strings.ToLower(strings.ReplaceAll(s, " ", "")), ";")
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ";")
}

func (im *importer) location(i int) (string, bool) {
	if v := strings.TrimSpace(im.cell(i, colLocationID)); v != "" {
		im.locationCol[len(im.locationRows)] = colLocationID
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			im.fail(i, colLocationID, v, "not a number: the Location ID is Google's geo target id, e.g. 2276 for Germany")
			return "", false
		}
		if code, ok := countryOfConstant(id); ok {
			return code, true
		}
		if _, ok := LocationConstant(v); !ok {
			im.fail(i, colLocationID, v, "not a Google geo target id (those are 1000 or more)")
			return "", false
		}
		return v, true
	}
	v := strings.TrimSpace(im.cell(i, colLocation))
	im.locationCol[len(im.locationRows)] = colLocation
	if code, ok := countryByName(v); ok {
		return code, true
	}
	im.fail(i, colLocation, v, "unknown place; give its Location ID (Google's geo target id), e.g. 2276 for Germany")
	return "", false
}

var bracketed = regexp.MustCompile(`^\[(.*)\]$|^"(.*)"$`)

func (im *importer) keyword(i int) campaigns.DraftKeyword {
	text := strings.TrimSpace(im.cell(i, colKeyword))
	k := campaigns.DraftKeyword{Label: label(i)}
	t := strings.ToLower(strings.TrimSpace(im.cell(i, colCriterionType)))
	t = strings.TrimSuffix(t, " match")
	if strings.HasPrefix(t, "campaign negative") {
		im.fail(i, colCriterionType, im.cell(i, colCriterionType), "campaign-level negative keywords are not imported; give them per ad group (Negative Broad, Negative Phrase, Negative Exact)")
		return k
	}
	if rest, ok := strings.CutPrefix(t, "negative "); ok {
		k.Negative, t = true, rest
	}
	switch t {
	case "broad", "phrase", "exact":
		k.MatchType = strings.ToUpper(t)
	case "":
		// Editor's punctuation: [exact], "phrase", broad.
		k.MatchType = "BROAD"
		if m := bracketed.FindStringSubmatch(text); m != nil {
			if strings.HasPrefix(text, "[") {
				k.MatchType, text = "EXACT", m[1]
			} else {
				k.MatchType, text = "PHRASE", m[2]
			}
		}
	default:
		im.fail(i, colCriterionType, im.cell(i, colCriterionType), "must be Broad, Phrase or Exact, or Negative Broad, Negative Phrase or Negative Exact")
	}
	k.Text = text
	if !k.Negative {
		k.Status = im.status(i, colStatus)
	}
	return k
}

// texts reads a numbered list of texts (Headline 1 … n) with their pin
// positions (when pins names the pinnable positions), skipping empty cells,
// and notes which column each list item came from.
func (im *importer) texts(i int, list string, name func(int) string, n int, pos func(int) string, pins []string) []campaigns.AdTextInput {
	var out []campaigns.AdTextInput
	for k := 1; k <= n; k++ {
		text := im.cell(i, name(k))
		p := ""
		if pos != nil {
			p = strings.TrimSpace(im.cell(i, pos(k)))
		}
		if strings.TrimSpace(text) == "" {
			if p != "" {
				im.fail(i, pos(k), p, "a position but no text in %s", name(k))
			}
			continue
		}
		t := campaigns.AdTextInput{Text: text}
		if p != "" {
			v, err := strconv.Atoi(p)
			if err != nil || v < 1 || v > len(pins) {
				im.fail(i, pos(k), p, "must be empty (not pinned) or a position from 1 to %d", len(pins))
			} else {
				t.PinnedField = pins[v-1]
			}
		}
		out = append(out, t)
		if im.lists[i] == nil {
			im.lists[i] = map[string][]int{}
		}
		im.lists[i][list] = append(im.lists[i][list], k)
	}
	return out
}

func (im *importer) ad(i int) campaigns.DraftAd {
	a := campaigns.DraftAd{Label: label(i)}
	if v := strings.TrimSpace(im.cell(i, colAdType)); v != "" && !strings.EqualFold(v, editorRSA) {
		im.fail(i, colAdType, v, "only responsive search ads are imported")
	}
	a.Headlines = im.texts(i, "headlines", headlineCol, policy.RSAFormat.Max(policy.Headline), headlinePosCol, policy.Pins(policy.Headline))
	a.Descriptions = im.texts(i, "descriptions", descriptionCol, policy.RSAFormat.Max(policy.Description), descriptionPosCol, policy.Pins(policy.Description))
	a.Path1, a.Path2 = im.cell(i, colPath1), im.cell(i, colPath2)
	if u := strings.TrimSpace(im.cell(i, colFinalURL)); u != "" {
		a.FinalURLs = []string{u}
	}
	a.Status = im.status(i, colStatus)
	return a
}

func (im *importer) assetGroup(i int, name string) campaigns.DraftAssetGroup {
	g := campaigns.DraftAssetGroup{Label: label(i)}
	g.Name = name
	f := policy.PerformanceMaxFormat
	plain := func(ts []campaigns.AdTextInput) []campaigns.GroupTextInput {
		out := make([]campaigns.GroupTextInput, len(ts))
		for k, t := range ts {
			out[k] = campaigns.GroupTextInput{Text: t.Text}
		}
		return out
	}
	for k := 1; k <= maxTexts(policy.Headline); k++ {
		if p := strings.TrimSpace(im.cell(i, headlinePosCol(k))); p != "" {
			im.fail(i, headlinePosCol(k), p, "Performance Max asset groups have no pinning; leave the position empty")
		}
	}
	for k := 1; k <= policy.RSAFormat.Max(policy.Description); k++ {
		if p := strings.TrimSpace(im.cell(i, descriptionPosCol(k))); p != "" {
			im.fail(i, descriptionPosCol(k), p, "Performance Max asset groups have no pinning; leave the position empty")
		}
	}
	g.Texts.Headlines = plain(im.texts(i, "headlines", headlineCol, f.Max(policy.Headline), nil, nil))
	g.Texts.LongHeadlines = plain(im.texts(i, "long_headlines", longHeadlineCol, f.Max(policy.LongHeadline), nil, nil))
	g.Texts.Descriptions = plain(im.texts(i, "descriptions", descriptionCol, f.Max(policy.Description), nil, nil))
	if b := im.cell(i, colBusinessName); strings.TrimSpace(b) != "" {
		g.Texts.BusinessName = &campaigns.GroupTextInput{Text: b}
	}
	g.Path1, g.Path2 = im.cell(i, colPath1), im.cell(i, colPath2)
	if u := strings.TrimSpace(im.cell(i, colFinalURL)); u != "" {
		g.FinalURLs = []string{u}
	}
	g.Status = im.status(i, colAssetGroupStatus)
	return g
}

var listLocation = regexp.MustCompile(`^body\.(headlines|descriptions|long_headlines)\[(\d+)\](\.text|\.pinned_field)?$`)

// addDraftProblems puts the campaigns slice's findings on their rows, each
// at the column the field came from.
func (im *importer) addDraftProblems(problems []campaigns.DraftProblem) {
	for _, p := range problems {
		i, err := strconv.Atoi(strings.TrimPrefix(p.Label, "r"))
		if err != nil || i < 0 || i >= len(im.rows) {
			i = max(im.campaignRow, 0)
		}
		col := ""
		loc := p.Location
		if m := listLocation.FindStringSubmatch(loc); m != nil {
			k, _ := strconv.Atoi(m[2])
			cols := im.lists[i][m[1]]
			n := k + 1
			if k < len(cols) {
				n = cols[k]
			}
			switch m[1] {
			case "headlines":
				col = headlineCol(n)
			case "long_headlines":
				col = longHeadlineCol(n)
			default:
				col = descriptionCol(n)
			}
			if m[3] == ".pinned_field" {
				col += " position"
			}
		} else if strings.HasPrefix(loc, "body.locations[") {
			k, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(loc, "body.locations["), "]"))
			if k < len(im.locationRows) {
				col = im.locationCol[k]
				i = im.locationRows[k]
			}
		} else {
			col = fieldColumn(im.rows[i].Entity, loc)
		}
		if im.hasError(i, col) {
			continue // the cell could not be read; its reading error says why
		}
		value := ""
		if p.Value != nil {
			value = fmt.Sprint(p.Value)
		}
		im.rows[i].Problems = append(im.rows[i].Problems, ImportProblem{Severity: "error", Column: col, Message: p.Message, Code: p.Code, Value: value})
	}
}

// fieldColumn is the column of a request field of an entity.
func fieldColumn(entity, loc string) string {
	loc = strings.TrimPrefix(loc, "body.")
	if i := strings.IndexByte(loc, '['); i >= 0 {
		loc = loc[:i]
	}
	switch loc {
	case "name":
		return map[string]string{"campaign": colCampaign, "ad_group": colAdGroup, "asset_group": colAssetGroup}[entity]
	case "type", "campaign_id":
		return colCampaignType
	case "budget_micros":
		return colBudget
	case "languages":
		return colLanguages
	case "final_url", "final_urls":
		return colFinalURL
	case "cpc_bid_micros":
		return colMaxCPC
	case "text":
		return colKeyword
	case "match_type":
		return colCriterionType
	case "path1":
		return colPath1
	case "path2":
		return colPath2
	case "business_name", "business_name.text":
		return colBusinessName
	case "headlines":
		return "Headline"
	case "descriptions":
		return "Description"
	case "long_headlines":
		return "Long headline"
	case "status", "ad_group_id":
		switch entity {
		case "ad_group":
			return colAdGroupStatus
		case "asset_group":
			return colAssetGroupStatus
		}
		return colStatus
	}
	return ""
}

// finish counts and orders the report.
func (im *importer) finish() ImportReport {
	rep := im.rep
	rows := im.rows
	if len(im.header.Problems) > 0 {
		rows = append([]ImportRow{im.header}, rows...)
	}
	for k := range rows {
		r := &rows[k]
		r.Status = "ok"
		for _, p := range r.Problems {
			if p.Severity == "error" {
				rep.Errors++
				r.Status = "error"
			} else {
				rep.Warnings++
				if r.Status == "ok" {
					r.Status = "warning"
				}
			}
		}
	}
	rep.Rows = rows
	return rep
}
