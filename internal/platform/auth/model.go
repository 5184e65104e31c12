package auth

import (
	"context"
	"time"
)

// User is a person who may sign in, locally or through OIDC.
type User struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled"`
	Local    bool   `json:"local" doc:"Has a local password"`
	OIDC     bool   `json:"oidc" doc:"Signs in with Microsoft Entra ID"`
	// The Entra ID identity the account is linked to (empty: none yet).
	EntraTenantID string     `json:"entra_tenant_id,omitempty" doc:"Directory (tenant) id of the linked Microsoft Entra ID identity"`
	EntraObjectID string     `json:"entra_object_id,omitempty" doc:"Object id of the linked Microsoft Entra ID identity"`
	LastLoginAt   *time.Time `json:"last_login_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`

	sessionsValidAfter time.Time
}

// Token is an API token as listed (never its secret).
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix" doc:"First characters of the token, to recognise it"`
	Role       *Role      `json:"role,omitempty" doc:"Role cap; the token never exceeds its user's current role"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Principal is who is calling, resolved for one request.
type Principal struct {
	UserID  int64
	Email   string
	Role    Role // effective role: a token's cap applied to its user's role
	Via     string
	TokenID int64
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller of the request, or nil for anonymous calls.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// UnmarshalText reads a role name.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
