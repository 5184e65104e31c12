package googleadstest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

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
	case "BETWEEN":
		return compare(v, c.values[0]) >= 0 && compare(v, c.values[1]) <= 0
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
