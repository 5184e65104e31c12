package googleadstest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// path is a location in a request, printed the way Google prints it:
// mutate_operations[3].ad_group_ad_operation.create.ad.responsive_search_ad.headlines[2].text
type path []pathElem

type pathElem struct {
	name  string
	index int // -1: none
}

func (p path) child(name string) path {
	return append(slices.Clip(p), pathElem{name: name, index: -1})
}

// at sets the index of the last element.
func (p path) at(i int) path {
	out := slices.Clone(p)
	out[len(out)-1].index = i
	return out
}

func (p path) String() string {
	var b strings.Builder
	for i, e := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.name)
		if e.index >= 0 {
			fmt.Fprintf(&b, "[%d]", e.index)
		}
	}
	return b.String()
}

// decodeError is a request Google's JSON transcoding cannot read: a 400
// before any Google Ads logic runs.
type decodeError struct {
	field   string
	message string
}

func (e *decodeError) Error() string { return e.message }

// decodeMessage reads a JSON object into a map of proto names to values:
// strings and enum names as string, int64/int32 as int64, double as float64,
// bool, bytes as []byte, messages as map[string]any, repeated as []any.
func decodeMessage(version string, m *messageDef, v any, at path) (map[string]any, *decodeError) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &decodeError{at.String(), fmt.Sprintf("Invalid value at '%s' (type.googleapis.com/google.ads.googleads.%s.%s), %s: want a JSON object", at, version, m.name, brief(v))}
	}
	out := map[string]any{}
	oneofs := map[string]string{}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		name := snake(key)
		f := m.fields[name]
		if f == nil || (key != name && key != camel(name)) {
			where := ""
			if len(at) > 0 {
				where = fmt.Sprintf(" at '%s'", at)
			}
			return nil, &decodeError{at.String(), fmt.Sprintf("Invalid JSON payload received. Unknown name %q%s: Cannot find field.", key, where)}
		}
		raw := obj[key]
		if raw == nil {
			continue // null: unset
		}
		if _, dup := out[name]; dup {
			return nil, &decodeError{at.child(name).String(), fmt.Sprintf("Invalid JSON payload received. Duplicate field %q at '%s'.", key, at)}
		}
		if f.oneof != "" {
			if other, set := oneofs[f.oneof]; set {
				return nil, &decodeError{at.String(), fmt.Sprintf("Invalid JSON payload received. Multiple values for oneof %q at '%s': %q and %q.", f.oneof, at, other, name)}
			}
			oneofs[f.oneof] = name
		}
		val, err := decodeField(version, f, raw, at.child(name))
		if err != nil {
			return nil, err
		}
		out[name] = val
	}
	return out, nil
}

func decodeField(version string, f *fieldDef, v any, at path) (any, *decodeError) {
	if !f.repeated {
		return decodeScalar(version, f, v, at)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, &decodeError{at.String(), fmt.Sprintf("Invalid value at '%s', %s: want a JSON array", at, brief(v))}
	}
	out := make([]any, 0, len(list))
	for i, e := range list {
		val, err := decodeScalar(version, f, e, at.at(i))
		if err != nil {
			return nil, err
		}
		out = append(out, val)
	}
	return out, nil
}

func decodeScalar(version string, f *fieldDef, v any, at path) (any, *decodeError) {
	bad := func(typ string) *decodeError {
		return &decodeError{at.String(), fmt.Sprintf("Invalid value at '%s' (%s), %s", at, typ, brief(v))}
	}
	switch f.kind {
	case kMessage:
		return decodeMessage(version, messages[f.msg], v, at)
	case kString:
		s, ok := v.(string)
		if !ok {
			return nil, bad("TYPE_STRING")
		}
		return s, nil
	case kBool:
		b, ok := v.(bool)
		if !ok {
			return nil, bad("TYPE_BOOL")
		}
		return b, nil
	case kInt64, kInt32:
		typ, bits := "TYPE_INT64", 64
		if f.kind == kInt32 {
			typ, bits = "TYPE_INT32", 32
		}
		var s string
		switch x := v.(type) {
		case json.Number:
			s = x.String()
		case string:
			s = x
		default:
			return nil, bad(typ)
		}
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return nil, bad(typ)
		}
		return n, nil
	case kDouble:
		switch x := v.(type) {
		case json.Number:
			d, err := x.Float64()
			if err != nil {
				return nil, bad("TYPE_DOUBLE")
			}
			return d, nil
		case string:
			switch x {
			case "NaN":
				return math.NaN(), nil
			case "Infinity":
				return math.Inf(1), nil
			case "-Infinity":
				return math.Inf(-1), nil
			}
			d, err := strconv.ParseFloat(x, 64)
			if err != nil {
				return nil, bad("TYPE_DOUBLE")
			}
			return d, nil
		}
		return nil, bad("TYPE_DOUBLE")
	case kBytes:
		s, ok := v.(string)
		if !ok {
			return nil, bad("TYPE_BYTES")
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(s); err == nil {
				return b, nil
			}
		}
		return nil, bad("TYPE_BYTES")
	case kEnum:
		s, ok := v.(string)
		if !ok || !slices.Contains(enums[f.enum], s) {
			return nil, bad(enumTypeURL(version, f.enum))
		}
		return s, nil
	}
	return nil, bad("?")
}

func brief(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

// encodeMessage writes v (as decodeMessage makes it) as JSON: lowerCamel
// names in proto order, int64 as strings, bytes as base64.
func encodeMessage(m *messageDef, v map[string]any) json.RawMessage {
	var b bytes.Buffer
	writeMessage(&b, m, v)
	return b.Bytes()
}

func writeMessage(b *bytes.Buffer, m *messageDef, v map[string]any) {
	b.WriteByte('{')
	first := true
	for _, name := range m.order {
		val, ok := v[name]
		if !ok || val == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(camel(name))
		b.Write(k)
		b.WriteByte(':')
		f := m.fields[name]
		if f.repeated {
			b.WriteByte('[')
			for i, e := range val.([]any) {
				if i > 0 {
					b.WriteByte(',')
				}
				writeScalar(b, f, e)
			}
			b.WriteByte(']')
			continue
		}
		writeScalar(b, f, val)
	}
	b.WriteByte('}')
}

func writeScalar(b *bytes.Buffer, f *fieldDef, v any) {
	switch f.kind {
	case kMessage:
		writeMessage(b, messages[f.msg], v.(map[string]any))
	case kInt64:
		fmt.Fprintf(b, `"%d"`, v.(int64))
	case kInt32:
		fmt.Fprintf(b, `%d`, v.(int64))
	case kBytes:
		s, _ := json.Marshal(base64.StdEncoding.EncodeToString(v.([]byte)))
		b.Write(s)
	case kDouble:
		d := v.(float64)
		switch {
		case math.IsNaN(d):
			b.WriteString(`"NaN"`)
		case math.IsInf(d, 1):
			b.WriteString(`"Infinity"`)
		case math.IsInf(d, -1):
			b.WriteString(`"-Infinity"`)
		default:
			b.WriteString(strconv.FormatFloat(d, 'g', -1, 64))
		}
	default:
		s, _ := json.Marshal(v)
		b.Write(s)
	}
}

// clone copies a decoded value deeply.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clone(e)
		}
		return out
	case []byte:
		return slices.Clone(x)
	}
	return v
}

// lookup follows a dotted proto path through decoded messages.
func lookup(v map[string]any, dotted string) (any, bool) {
	var cur any = v
	for _, seg := range strings.Split(dotted, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// fieldAt resolves a dotted proto path in message m.
func fieldAt(m *messageDef, dotted string) (*fieldDef, bool) {
	segs := strings.Split(dotted, ".")
	for i, seg := range segs {
		f := m.fields[seg]
		if f == nil {
			return nil, false
		}
		if i == len(segs)-1 {
			return f, true
		}
		if f.kind != kMessage || f.repeated {
			return nil, false
		}
		m = messages[f.msg]
	}
	return nil, false
}

func str(v map[string]any, dotted string) string {
	x, _ := lookup(v, dotted)
	s, _ := x.(string)
	return s
}

func num(v map[string]any, dotted string) (int64, bool) {
	x, ok := lookup(v, dotted)
	n, isNum := x.(int64)
	return n, ok && isNum
}
