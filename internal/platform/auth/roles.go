// Package auth owns who a caller is and what they may do: roles, and the
// minimum role each API operation declares.
package auth

import (
	"fmt"

	"github.com/danielgtaylor/huma/v2"
)

// Role is a level of trust. Each role includes everything the roles below it may do.
type Role int

const (
	// Anonymous is for operations open to everyone (sign-in, health).
	Anonymous Role = iota
	Viewer
	Editor
	Publisher
	Admin
)

var roleNames = [...]string{"anonymous", "viewer", "editor", "publisher", "admin"}

func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return fmt.Sprintf("role(%d)", int(r))
	}
	return roleNames[r]
}

// ParseRole reads a role name as used in configuration and the API.
func ParseRole(s string) (Role, error) {
	for i, n := range roleNames {
		if n == s && i != int(Anonymous) {
			return Role(i), nil
		}
	}
	return Anonymous, fmt.Errorf("unknown role %q (want viewer, editor, publisher or admin)", s)
}

// Allows reports whether a caller holding r may run an operation requiring min.
func (r Role) Allows(min Role) bool { return r >= min }

// MarshalText writes the role name.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Schema describes a role in the OpenAPI document as the string it is sent as.
func (Role) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: []any{"viewer", "editor", "publisher", "admin"}}
}
