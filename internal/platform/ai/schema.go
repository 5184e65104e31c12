package ai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Schema is a JSON Schema node in the subset that OpenAI strict structured
// outputs accept: every object lists all its properties as required and
// forbids additional ones, and no length keywords are emitted (the decoder
// does not enforce them, so limits live in descriptions and in the caller's
// validators). Properties keep the Go field order because the model writes
// keys in schema order.
type Schema struct {
	Type        string
	Nullable    bool
	Description string
	Properties  []Property // objects only, in field order
	Items       *Schema    // arrays only
}

// Property is one named member of an object schema.
type Property struct {
	Name   string
	Schema *Schema
}

// MarshalJSON writes the node with properties in declaration order.
func (s *Schema) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if s.Nullable && s.Type == "object" {
		// Strict mode accepts a nullable object only through anyOf.
		inner := *s
		inner.Nullable = false
		raw, err := inner.MarshalJSON()
		if err != nil {
			return nil, err
		}
		b.WriteString(`"anyOf":[`)
		b.Write(raw)
		b.WriteString(`,{"type":"null"}]}`)
		return b.Bytes(), nil
	}
	if s.Nullable {
		fmt.Fprintf(&b, `"type":["%s","null"]`, s.Type)
	} else {
		fmt.Fprintf(&b, `"type":%q`, s.Type)
	}
	if s.Description != "" {
		desc, _ := json.Marshal(s.Description)
		b.WriteString(`,"description":`)
		b.Write(desc)
	}
	switch s.Type {
	case "object":
		b.WriteString(`,"properties":{`)
		required := make([]string, 0, len(s.Properties))
		for i, p := range s.Properties {
			if i > 0 {
				b.WriteByte(',')
			}
			name, _ := json.Marshal(p.Name)
			raw, err := p.Schema.MarshalJSON()
			if err != nil {
				return nil, err
			}
			b.Write(name)
			b.WriteByte(':')
			b.Write(raw)
			required = append(required, p.Name)
		}
		req, _ := json.Marshal(required)
		b.WriteString(`},"required":`)
		b.Write(req)
		b.WriteString(`,"additionalProperties":false`)
	case "array":
		raw, err := s.Items.MarshalJSON()
		if err != nil {
			return nil, err
		}
		b.WriteString(`,"items":`)
		b.Write(raw)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// property returns the named member of an object schema, or nil.
func (s *Schema) property(name string) *Schema {
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema
		}
	}
	return nil
}

// subset returns a copy of an object schema that keeps only the named
// properties, in the order given, with descriptions replaced by desc[name]
// when present. A repair call asks for only the failing slots, so its schema
// must not demand the others.
func (s *Schema) subset(names []string, desc map[string]string) *Schema {
	out := &Schema{Type: s.Type, Description: s.Description}
	for _, n := range names {
		ps := s.property(n)
		if ps == nil {
			continue
		}
		cp := *ps
		if d, ok := desc[n]; ok {
			cp.Description = d
		}
		out.Properties = append(out.Properties, Property{Name: n, Schema: &cp})
	}
	return out
}

// SchemaOf derives the strict JSON schema of a Go type. The root must be a
// struct. Field names follow encoding/json tags; a `desc:"…"` tag becomes the
// description. Pointers become nullable. Maps, interfaces and recursive types
// are rejected because strict mode cannot express them without loss.
func SchemaOf(t reflect.Type) (*Schema, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("ai: schema root must be a struct, got %s", t)
	}
	return schemaOf(t, nil)
}

func schemaOf(t reflect.Type, seen []reflect.Type) (*Schema, error) {
	switch t.Kind() {
	case reflect.Pointer:
		s, err := schemaOf(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		s.Nullable = true
		return s, nil
	case reflect.String:
		return &Schema{Type: "string"}, nil
	case reflect.Bool:
		return &Schema{Type: "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &Schema{Type: "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}, nil
	case reflect.Slice, reflect.Array:
		items, err := schemaOf(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		return &Schema{Type: "array", Items: items}, nil
	case reflect.Struct:
		if slices.Contains(seen, t) {
			return nil, fmt.Errorf("ai: recursive type %s has no strict schema", t)
		}
		seen = append(seen, t)
		s := &Schema{Type: "object"}
		if err := addFields(s, t, seen); err != nil {
			return nil, err
		}
		return s, nil
	default:
		return nil, fmt.Errorf("ai: type %s has no strict schema", t)
	}
}

func addFields(s *Schema, t reflect.Type, seen []reflect.Type) error {
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			// encoding/json flattens untagged embedded structs; so do we.
			if err := addFields(s, f.Type, seen); err != nil {
				return err
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs, err := schemaOf(f.Type, seen)
		if err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
		fs.Description = f.Tag.Get("desc")
		s.Properties = append(s.Properties, Property{Name: name, Schema: fs})
	}
	return nil
}
