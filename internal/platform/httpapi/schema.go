package httpapi

import (
	"fmt"

	"github.com/danielgtaylor/huma/v2"
)

// EnumSchema is the schema of a string that takes one of values. A type whose
// values come from code rather than from a struct tag returns it from
// huma.SchemaProvider's Schema, so the published document and the request
// validation follow the code that defines the values.
func EnumSchema[T ~string](values ...T) *huma.Schema {
	s := &huma.Schema{Type: huma.TypeString}
	for _, v := range values {
		s.Enum = append(s.Enum, string(v))
	}
	s.PrecomputeMessages()
	return s
}

// SetMaxItems bounds the list in property of an object schema; a type's
// huma.SchemaTransformer uses it for a bound defined in code. A property the
// schema lacks is a programming error and panics when the operation is
// registered.
func SetMaxItems(s *huma.Schema, property string, n int) {
	p := propertyOf(s, property)
	p.MaxItems = &n
	p.PrecomputeMessages()
}

// SetMaxLength bounds the string in property of an object schema, as
// SetMaxItems does a list.
func SetMaxLength(s *huma.Schema, property string, n int) {
	p := propertyOf(s, property)
	p.MaxLength = &n
	p.PrecomputeMessages()
}

func propertyOf(s *huma.Schema, property string) *huma.Schema {
	p, ok := s.Properties[property]
	if !ok || p == nil {
		panic(fmt.Sprintf("httpapi: schema has no property %q", property))
	}
	return p
}

// SetEnum restricts the string in property of an object schema to values, as
// SetMaxItems does a list's length.
func SetEnum[T ~string](s *huma.Schema, property string, values ...T) {
	p := propertyOf(s, property)
	p.Enum = EnumSchema(values...).Enum
	p.PrecomputeMessages()
}
