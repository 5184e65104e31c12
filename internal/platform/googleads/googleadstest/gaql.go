package googleadstest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The GAQL subset the fake answers:
//
//	SELECT field, … FROM resource
//	  [WHERE cond AND cond …]
//	  [ORDER BY field [ASC|DESC], …]
//	  [LIMIT n]
//	  [PARAMETERS include_drafts = true]
//
// resource is campaign_budget, campaign, campaign_criterion, ad_group,
// ad_group_criterion, ad_group_ad, asset, asset_group, asset_group_asset,
// customer or customer_client; fields are proto paths of the resource or of
// the resources it belongs to (campaign fields from ad_group, ad_group and
// campaign fields from ad_group_ad, campaign_budget fields from campaign, …),
// leaves or repeated fields. cond is field = v, != v, < v, <= v, > v, >= v,
// IN (v, …), NOT IN (v, …), LIKE 'pattern' (% and _), IS NULL, IS NOT NULL,
// with v a 'string', a number, TRUE/FALSE or an enum value name. Removed
// resources are answered unless filtered out, as Google does. metrics.* and
// segments.* are refused: the fake has no statistics.

type gaqlQuery struct {
	from    *resourceDef
	fields  []gaqlField
	where   []gaqlCond
	orderBy []gaqlOrder
	limit   int
}

type gaqlField struct {
	raw      string // as written, e.g. ad_group.name
	resource *resourceDef
	path     string // inside the resource, e.g. name
}

type gaqlCond struct {
	field  gaqlField
	op     string // =, !=, <, <=, >, >=, IN, NOT IN, LIKE, IS NULL, IS NOT NULL
	values []any  // string, int64, float64, bool
}

type gaqlOrder struct {
	field gaqlField
	desc  bool
}

// attributed lists the resources whose fields a query FROM a resource may
// select, and how to reach each from a row.
var attributed = map[string][]string{
	"campaign_budget":    {"customer"},
	"campaign":           {"campaign_budget", "customer"},
	"campaign_criterion": {"campaign", "customer"},
	"ad_group":           {"campaign", "customer"},
	"ad_group_criterion": {"ad_group", "campaign", "customer"},
	"ad_group_ad":        {"ad_group", "campaign", "customer"},
	"asset":              {"customer"},
	"asset_group":        {"campaign", "customer"},
	"asset_group_asset":  {"asset_group", "asset", "campaign", "customer"},
	"customer":           {},
	"customer_client":    {"customer"},
}

func queryErr(code, message string, trigger string) *adsError {
	e := newErr(nil, "queryError", code, message)
	if trigger != "" {
		e = e.withTrigger(trigger)
	}
	return &e
}

type token struct {
	kind string // ident, string, number, punct, eof
	text string
}

func lexGAQL(q string) ([]token, *adsError) {
	var toks []token
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '\'' || r == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs) && rs[j] != r; j++ {
				if rs[j] == '\n' {
					return nil, queryErr("PROHIBITED_NEWLINE_IN_STRING", "Query has a string containing a newline character.", "")
				}
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, queryErr("UNEXPECTED_END_OF_QUERY", "Query is incomplete and cannot be parsed: a string is not closed.", "")
			}
			toks = append(toks, token{"string", b.String()})
			i = j + 1
		case unicode.IsLetter(r) || r == '_':
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == '.') {
				j++
			}
			toks = append(toks, token{"ident", string(rs[i:j])})
			i = j
		case unicode.IsDigit(r) || (r == '-' && i+1 < len(rs) && unicode.IsDigit(rs[i+1])):
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.') {
				j++
			}
			toks = append(toks, token{"number", string(rs[i:j])})
			i = j
		case strings.ContainsRune("(),", r):
			toks = append(toks, token{"punct", string(r)})
			i++
		case strings.ContainsRune("=!<>", r):
			j := i + 1
			if j < len(rs) && rs[j] == '=' {
				j++
			}
			op := string(rs[i:j])
			if op == "!" {
				return nil, queryErr("BAD_OPERATOR", "Invalid operator encountered.", op)
			}
			toks = append(toks, token{"punct", op})
			i = j
		default:
			return nil, queryErr("UNEXPECTED_INPUT", "Query has an unexpected extra part.", string(r))
		}
	}
	return append(toks, token{"eof", ""}), nil
}

type gaqlParser struct {
	toks []token
	pos  int
	q    gaqlQuery
}

func (p *gaqlParser) peek() token { return p.toks[p.pos] }
func (p *gaqlParser) next() token {
	t := p.toks[p.pos]
	if t.kind != "eof" {
		p.pos++
	}
	return t
}
func (p *gaqlParser) keyword(k string) bool {
	if t := p.peek(); t.kind == "ident" && strings.EqualFold(t.text, k) {
		p.pos++
		return true
	}
	return false
}

func parseGAQL(query string) (*gaqlQuery, *adsError) {
	toks, err := lexGAQL(query)
	if err != nil {
		return nil, err
	}
	p := &gaqlParser{toks: toks}
	if !p.keyword("SELECT") {
		return nil, queryErr("EXPECTED_SELECT", "Expected SELECT.", p.peek().text)
	}
	var selected []string
	for {
		t := p.next()
		if t.kind != "ident" {
			return nil, queryErr("EXPECTED_FIELD_NAME", "Expected a field name.", t.text)
		}
		selected = append(selected, t.text)
		if p.peek().text != "," {
			break
		}
		p.next()
	}
	if !p.keyword("FROM") {
		return nil, queryErr("EXPECTED_FROM", "Expected FROM.", p.peek().text)
	}
	from := p.next()
	def := resourceByGAQL(from.text)
	if from.kind != "ident" || def == nil {
		return nil, queryErr("BAD_RESOURCE_TYPE_IN_FROM_CLAUSE", "Invalid resource type was specified in the FROM clause (googleadstest serves "+strings.Join(gaqlResources(), ", ")+").", from.text)
	}
	p.q.from = def
	for _, s := range selected {
		f, err := p.q.field(s, "SELECT")
		if err != nil {
			return nil, err
		}
		p.q.fields = append(p.q.fields, f)
	}
	if p.keyword("WHERE") {
		for {
			c, err := p.cond()
			if err != nil {
				return nil, err
			}
			p.q.where = append(p.q.where, c)
			if !p.keyword("AND") {
				break
			}
		}
	}
	if p.keyword("ORDER") {
		if !p.keyword("BY") {
			return nil, queryErr("EXPECTED_BY", "Expected BY after ORDER.", p.peek().text)
		}
		for {
			t := p.next()
			f, err := p.q.field(t.text, "ORDER BY")
			if err != nil {
				return nil, err
			}
			o := gaqlOrder{field: f}
			if p.keyword("DESC") {
				o.desc = true
			} else {
				p.keyword("ASC")
			}
			p.q.orderBy = append(p.q.orderBy, o)
			if p.peek().text != "," {
				break
			}
			p.next()
		}
	}
	if p.keyword("LIMIT") {
		t := p.next()
		n, err := strconv.Atoi(t.text)
		if t.kind != "number" || err != nil || n <= 0 {
			return nil, queryErr("BAD_LIMIT_VALUE", "Limit value is invalid (for example, not a number)", t.text)
		}
		p.q.limit = n
	}
	if p.keyword("PARAMETERS") {
		for p.peek().kind != "eof" {
			p.next()
		}
	}
	if t := p.peek(); t.kind != "eof" {
		return nil, queryErr("UNEXPECTED_INPUT", "Query has an unexpected extra part.", t.text)
	}
	return &p.q, nil
}

func gaqlResources() []string {
	var out []string
	for _, r := range resourceDefs {
		out = append(out, r.gaql)
	}
	return out
}

func (q *gaqlQuery) field(raw, clause string) (gaqlField, *adsError) {
	res, rest, ok := strings.Cut(raw, ".")
	if res == "metrics" || res == "segments" {
		return gaqlField{}, queryErr("PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE", "googleadstest serves no statistics: "+raw+" is not available.", raw)
	}
	def := resourceByGAQL(res)
	if !ok || def == nil {
		return gaqlField{}, queryErr("UNRECOGNIZED_FIELD", "Query contains one or more unrecognized fields.", raw)
	}
	if def != q.from && !slices.Contains(attributed[q.from.gaql], res) {
		code := map[string]string{"SELECT": "PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE", "WHERE": "PROHIBITED_RESOURCE_TYPE_IN_WHERE_CLAUSE", "ORDER BY": "PROHIBITED_FIELD_IN_ORDER_BY_CLAUSE"}[clause]
		return gaqlField{}, queryErr(code, "A field that comes from an incompatible resource was included in the "+clause+" clause.", raw)
	}
	f, ok := fieldAt(messages[def.msg], rest)
	if !ok || (f.kind == kMessage && !f.repeated) || (f.kind == kBytes) {
		return gaqlField{}, queryErr("UNRECOGNIZED_FIELD", "Query contains one or more unrecognized fields.", raw)
	}
	return gaqlField{raw: raw, resource: def, path: rest}, nil
}

func (p *gaqlParser) cond() (gaqlCond, *adsError) {
	t := p.next()
	f, err := p.q.field(t.text, "WHERE")
	if err != nil {
		return gaqlCond{}, err
	}
	c := gaqlCond{field: f}
	switch {
	case p.keyword("IS"):
		c.op = "IS NULL"
		if p.keyword("NOT") {
			c.op = "IS NOT NULL"
		}
		if !p.keyword("NULL") {
			return c, queryErr("EXPECTED_NULL", "Expected NULL.", p.peek().text)
		}
		return c, nil
	case p.keyword("NOT"):
		if !p.keyword("IN") {
			return c, queryErr("BAD_OPERATOR", "Invalid operator encountered.", p.peek().text)
		}
		c.op = "NOT IN"
	case p.keyword("IN"):
		c.op = "IN"
	case p.keyword("LIKE"):
		c.op = "LIKE"
	default:
		op := p.next()
		if op.kind != "punct" || !slices.Contains([]string{"=", "!=", "<", "<=", ">", ">="}, op.text) {
			return c, queryErr("BAD_OPERATOR", "Invalid operator encountered.", op.text)
		}
		c.op = op.text
	}
	if c.op == "IN" || c.op == "NOT IN" {
		if p.next().text != "(" {
			return c, queryErr("EXPECTED_LIST", "Expected a list after IN.", p.peek().text)
		}
		for {
			v, err := p.value()
			if err != nil {
				return c, err
			}
			c.values = append(c.values, v)
			if p.peek().text == ")" {
				p.next()
				break
			}
			if p.next().text != "," {
				return c, queryErr("BAD_LIST", "Invalid list.", p.peek().text)
			}
		}
		return c, nil
	}
	v, err := p.value()
	if err != nil {
		return c, err
	}
	c.values = []any{v}
	return c, nil
}

func (p *gaqlParser) value() (any, *adsError) {
	t := p.next()
	switch t.kind {
	case "string":
		return t.text, nil
	case "number":
		if n, err := strconv.ParseInt(t.text, 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, queryErr("BAD_NUMBER", "Encountered number can not be parsed.", t.text)
		}
		return f, nil
	case "ident":
		switch strings.ToUpper(t.text) {
		case "TRUE":
			return true, nil
		case "FALSE":
			return false, nil
		}
		return t.text, nil // an enum constant
	}
	return nil, queryErr("BAD_VALUE", "Invalid value.", t.text)
}

// row is one result: the entity of each resource the query touches.
type row map[string]*entity

func (c *callCtx) rows(q *gaqlQuery) []row {
	f := c.f
	var main []*entity
	switch q.from.gaql {
	case "customer":
		main = []*entity{f.customerEntity(c.customerID)}
	case "customer_client":
		main = f.customerClients(c.customerID)
	default:
		main = f.store.list(c.customerID, q.from)
	}
	out := make([]row, 0, len(main))
	for _, e := range main {
		r := row{q.from.gaql: e}
		for _, res := range attributed[q.from.gaql] {
			r[res] = f.follow(r, res, c.customerID)
		}
		out = append(out, r)
	}
	return out
}

// follow finds the resource res of a row from the references its other
// resources hold (rows fills them in the order of attributed). Called with
// f.mu held.
func (f *Fake) follow(r row, res, customer string) *entity {
	if res == "customer" {
		return f.customerEntity(customer)
	}
	refs := map[string][][2]string{ // res ← (row resource, reference field)
		"campaign_budget": {{"campaign", "campaign_budget"}},
		"ad_group":        {{"ad_group_criterion", "ad_group"}, {"ad_group_ad", "ad_group"}},
		"asset_group":     {{"asset_group_asset", "asset_group"}},
		"asset":           {{"asset_group_asset", "asset"}},
		"campaign":        {{"ad_group", "campaign"}, {"asset_group", "campaign"}, {"campaign_criterion", "campaign"}},
	}[res]
	for _, ref := range refs {
		if src := r[ref[0]]; src != nil {
			return f.store.byName[str(src.v, ref[1])]
		}
	}
	return nil
}

// customerEntity presents an account as the customer resource. Called with
// f.mu held.
func (f *Fake) customerEntity(id string) *entity {
	a := f.accounts[id]
	n, _ := strconv.ParseInt(id, 10, 64)
	return &entity{def: resourceByGAQL("customer"), customer: id, name: "customers/" + id, v: map[string]any{
		"resource_name": "customers/" + id, "id": n, "descriptive_name": a.Name, "currency_code": a.Currency,
		"time_zone": a.TimeZone, "manager": a.Manager, "test_account": a.Test, "status": "ENABLED",
	}}
}

// customerClients is the hierarchy under id, itself at level 0. Called with
// f.mu held.
func (f *Fake) customerClients(id string) []*entity {
	var out []*entity
	var walk func(acc string, level int64)
	walk = func(acc string, level int64) {
		a := f.accounts[acc]
		n, _ := strconv.ParseInt(acc, 10, 64)
		out = append(out, &entity{def: resourceByGAQL("customer_client"), customer: id, seq: int64(len(out)), v: map[string]any{
			"resource_name": "customers/" + id + "/customerClients/" + acc, "client_customer": "customers/" + acc,
			"hidden": false, "level": level, "time_zone": a.TimeZone, "test_account": a.Test, "manager": a.Manager,
			"descriptive_name": a.Name, "currency_code": a.Currency, "id": n, "status": "ENABLED",
		}})
		var children []string
		for cid, c := range f.accounts {
			if c.Parent == acc {
				children = append(children, cid)
			}
		}
		slices.Sort(children)
		for _, c := range children {
			walk(c, level+1)
		}
	}
	walk(id, 0)
	return out
}

func (g gaqlField) value(r row) (any, bool) {
	e := r[g.resource.gaql]
	if e == nil {
		return nil, false
	}
	return lookup(e.v, g.path)
}

func (c gaqlCond) match(r row) bool {
	v, present := c.field.value(r)
	switch c.op {
	case "IS NULL":
		return !present
	case "IS NOT NULL":
		return present
	}
	if !present {
		return c.op == "!=" || c.op == "NOT IN"
	}
	switch c.op {
	case "=":
		return compare(v, c.values[0]) == 0
	case "!=":
		return compare(v, c.values[0]) != 0
	case "<":
		return compare(v, c.values[0]) < 0
	case "<=":
		return compare(v, c.values[0]) <= 0
	case ">":
		return compare(v, c.values[0]) > 0
	case ">=":
		return compare(v, c.values[0]) >= 0
	case "IN", "NOT IN":
		in := slices.ContainsFunc(c.values, func(x any) bool { return compare(v, x) == 0 })
		return in == (c.op == "IN")
	case "LIKE":
		s, _ := v.(string)
		p, _ := c.values[0].(string)
		return like(s, p)
	}
	return false
}

// compare orders a stored value against a literal: numbers as numbers,
// everything else as text.
func compare(stored, lit any) int {
	toF := func(x any) (float64, bool) {
		switch n := x.(type) {
		case int64:
			return float64(n), true
		case float64:
			return n, true
		case string:
			f, err := strconv.ParseFloat(n, 64)
			return f, err == nil
		}
		return 0, false
	}
	switch stored.(type) {
	case int64, float64:
		a, _ := toF(stored)
		if b, ok := toF(lit); ok {
			switch {
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		}
	case bool:
		if b, ok := lit.(bool); ok {
			if stored == b {
				return 0
			}
			return 1
		}
	}
	return strings.Compare(toText(stored), toText(lit))
}

func toText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// like matches GAQL LIKE: % any run, _ one character.
func like(s, pattern string) bool {
	rs, ps := []rune(s), []rune(pattern)
	var m func(i, j int) bool
	m = func(i, j int) bool {
		if j == len(ps) {
			return i == len(rs)
		}
		switch ps[j] {
		case '%':
			for k := i; k <= len(rs); k++ {
				if m(k, j+1) {
					return true
				}
			}
			return false
		case '_':
			return i < len(rs) && m(i+1, j+1)
		}
		return i < len(rs) && rs[i] == ps[j] && m(i+1, j+1)
	}
	return m(0, 0)
}

// rowJSON writes the selected fields of r, and each resource's resource
// name, as Google does.
func (q *gaqlQuery) rowJSON(r row) json.RawMessage {
	parts := map[string]map[string]any{}
	for _, f := range q.fields {
		e := r[f.resource.gaql]
		if e == nil {
			continue
		}
		part := parts[f.resource.gaql]
		if part == nil {
			part = map[string]any{"resource_name": e.name}
			parts[f.resource.gaql] = part
		}
		if v, ok := lookup(e.v, f.path); ok {
			setPath(messages[f.resource.msg], part, strings.Split(f.path, "."), v, true)
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for _, def := range resourceDefs {
		part, ok := parts[def.gaql]
		if !ok {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(camel(def.gaql))
		b.Write(k)
		b.WriteByte(':')
		b.Write(encodeMessage(messages[def.msg], part))
	}
	b.WriteByte('}')
	return b.Bytes()
}

func (q *gaqlQuery) fieldMask() string {
	out := make([]string, len(q.fields))
	for i, f := range q.fields {
		segs := strings.Split(f.raw, ".")
		for j, s := range segs {
			segs[j] = camel(s)
		}
		out[i] = strings.Join(segs, ".")
	}
	return strings.Join(out, ",")
}

type pageToken struct {
	Query  string `json:"q"`
	Offset int    `json:"o"`
}

// search answers googleAds:search and googleAds:searchStream.
func (c *callCtx) search() *apiError {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return &apiError{status: "INVALID_ARGUMENT", message: "Invalid JSON payload received. " + err.Error(), details: []map[string]any{badRequest("", err.Error())}}
	}
	msgName := "SearchGoogleAdsRequest"
	if c.call == "searchStream" {
		msgName = "SearchGoogleAdsStreamRequest"
	}
	req, derr := decodeMessage(c.version, messages[msgName], raw, nil)
	if derr != nil {
		return &apiError{status: "INVALID_ARGUMENT", message: derr.message, details: []map[string]any{badRequest(derr.field, derr.message)}}
	}
	if _, set := req["page_size"]; set {
		return c.fail("INVALID_ARGUMENT", newErr(path{{"page_size", -1}}, "requestError", "PAGE_SIZE_NOT_SUPPORTED", "Setting the page size is not supported, and will be unavailable in a future version."))
	}
	query := str(req, "query")
	if strings.TrimSpace(query) == "" {
		return c.fail("INVALID_ARGUMENT", newErr(path{{"query", -1}}, "fieldError", "REQUIRED", "The required field was not present."))
	}
	q, qerr := parseGAQL(query)
	if qerr != nil {
		return c.fail("INVALID_ARGUMENT", *qerr)
	}
	offset := 0
	if tok := str(req, "page_token"); tok != "" {
		var pt pageToken
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || json.Unmarshal(b, &pt) != nil || pt.Query != query {
			return c.fail("INVALID_ARGUMENT", newErr(path{{"page_token", -1}}, "requestError", "INVALID_PAGE_TOKEN", "Next page token specified in user request is invalid.").withTrigger(tok))
		}
		offset = pt.Offset
	}
	c.f.mu.Lock()
	all := c.rows(q)
	var rows []row
	for _, r := range all {
		ok := true
		for _, cond := range q.where {
			ok = ok && cond.match(r)
		}
		if ok {
			rows = append(rows, r)
		}
	}
	for i := len(q.orderBy) - 1; i >= 0; i-- {
		o := q.orderBy[i]
		slices.SortStableFunc(rows, func(a, b row) int {
			va, _ := o.field.value(a)
			vb, _ := o.field.value(b)
			n := compare(va, vb)
			if o.desc {
				n = -n
			}
			return n
		})
	}
	if q.limit > 0 && len(rows) > q.limit {
		rows = rows[:q.limit]
	}
	encoded := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		encoded[i] = q.rowJSON(r)
	}
	pageSize := c.f.pageSize
	c.f.mu.Unlock()

	if c.call == "searchStream" {
		var batches []map[string]any
		for start := 0; start < len(encoded) || start == 0; start += pageSize {
			end := min(start+pageSize, len(encoded))
			b := map[string]any{"fieldMask": q.fieldMask(), "requestId": c.requestID}
			if end > start {
				b["results"] = encoded[start:end]
			}
			batches = append(batches, b)
			if end >= len(encoded) {
				break
			}
		}
		writeJSON(c.w, http.StatusOK, batches)
		return nil
	}
	if offset > len(encoded) {
		offset = len(encoded)
	}
	end := min(offset+pageSize, len(encoded))
	out := map[string]any{"fieldMask": q.fieldMask()}
	if end > offset {
		out["results"] = encoded[offset:end]
	}
	if end < len(encoded) {
		b, _ := json.Marshal(pageToken{Query: query, Offset: end})
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString(b)
	}
	if set, _ := lookup(req, "search_settings.return_total_results_count"); set == true {
		out["totalResultsCount"] = strconv.Itoa(len(encoded))
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}
