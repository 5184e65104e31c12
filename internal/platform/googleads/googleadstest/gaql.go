package googleadstest

import (
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
// customer, customer_client, keyword_view or ad_group_ad_asset_view; fields are proto paths of the resource or of
// the resources it belongs to (campaign fields from ad_group, ad_group and
// campaign fields from ad_group_ad, campaign_budget fields from campaign, …),
// leaves or repeated fields. cond is field = v, != v, < v, <= v, > v, >= v,
// IN (v, …), NOT IN (v, …), LIKE 'pattern' (% and _), IS NULL, IS NOT NULL,
// with v a 'string', a number, TRUE/FALSE or an enum value name, and
// BETWEEN v AND v; DURING for segments.date. Removed resources are answered
// unless filtered out, as Google does. metrics.* and segments.date, and the
// report resources keyword_view and ad_group_ad_asset_view, are answered
// by reports.go.

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
		return q.statField(raw, res, rest) // reports.go
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
	case p.keyword("BETWEEN"):
		c.op = "BETWEEN"
		a, err := p.value()
		if err != nil {
			return c, err
		}
		if !p.keyword("AND") {
			return c, queryErr("EXPECTED_AND", "Expected AND between values with BETWEEN operator.", p.peek().text)
		}
		b, err := p.value()
		if err != nil {
			return c, queryErr("EXPECTED_VALUE_WITH_BETWEEN_OPERATOR", "Expected a value after AND with BETWEEN operator.", p.peek().text)
		}
		c.values = []any{a, b}
		return c, nil
	case p.keyword("DURING"):
		if c.field.resource.gaql != "segments" {
			return c, queryErr("OPERATOR_FIELD_MISMATCH", "DURING applies to date segments only.", t.text)
		}
		v := p.next()
		if v.kind != "ident" {
			return c, queryErr("INVALID_VALUE_WITH_DURING_OPERATOR", "Invalid value with DURING operator.", v.text)
		}
		c.op, c.values = "DURING", []any{v.text}
		return c, nil
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
