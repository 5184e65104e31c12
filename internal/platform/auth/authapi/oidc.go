package authapi

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// OIDCConfig configures sign-in with Microsoft Entra ID (or any OIDC provider).
type OIDCConfig struct {
	Issuer       string // e.g. https://login.microsoftonline.com/{tenant}/v2.0
	ClientID     string
	ClientSecret string
	RedirectURL  string // https://hub.example.com/api/auth/oidc/callback
	// TenantID, when set, must equal the ID token's tid claim.
	TenantID string
	// RoleMap maps values of the roles claim (Entra app roles) to our roles.
	RoleMap map[string]auth.Role
	// DefaultRole is given to users whose token carries no mapped role; when
	// zero (Anonymous) such users are refused.
	DefaultRole auth.Role
}

// DefaultRoleMap maps the app roles documented in the README, and our own
// role names, to roles.
func DefaultRoleMap() map[string]auth.Role {
	return map[string]auth.Role{
		"ImapHub.Viewer": auth.Viewer, "ImapHub.Editor": auth.Editor, "ImapHub.Publisher": auth.Publisher, "ImapHub.Admin": auth.Admin,
		"viewer": auth.Viewer, "editor": auth.Editor, "publisher": auth.Publisher, "admin": auth.Admin,
	}
}

// ParseRoleMap reads "AppRole=role,AppRole2=role2".
func ParseRoleMap(s string) (map[string]auth.Role, error) {
	out := map[string]auth.Role{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("role map entry %q: want AppRole=role", pair)
		}
		r, err := auth.ParseRole(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("role map entry %q: %w", pair, err)
		}
		out[strings.TrimSpace(k)] = r
	}
	return out, nil
}

type oidcFlow struct {
	cfg      OIDCConfig
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func newOIDCFlow(ctx context.Context, cfg OIDCConfig) (*oidcFlow, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("OIDC needs IMAPHUB_OIDC_ISSUER, IMAPHUB_OIDC_CLIENT_ID and IMAPHUB_OIDC_REDIRECT_URL")
	}
	if cfg.RoleMap == nil {
		cfg.RoleMap = DefaultRoleMap()
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	provider, err := oidc.NewProvider(dctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("OIDC discovery at %s: %w", cfg.Issuer, err)
	}
	return &oidcFlow{
		cfg: cfg,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}},
		// Checks signature, issuer, audience (client id) and expiry.
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
	}, nil
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// safeReturn keeps the post-sign-in redirect on this site.
func safeReturn(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}

const (
	keyOIDCState    = "oidc_state"
	keyOIDCNonce    = "oidc_nonce"
	keyOIDCVerifier = "oidc_verifier"
	keyOIDCReturn   = "oidc_return"
)

// start stores state, nonce and PKCE verifier in the (pre-sign-in) session
// and returns the provider's authorization URL.
func (a *Auth) oidcStart(ctx context.Context, returnTo string) string {
	state, nonce, verifier := randomString(), randomString(), oauth2.GenerateVerifier()
	a.sessions.Put(ctx, keyOIDCState, state)
	a.sessions.Put(ctx, keyOIDCNonce, nonce)
	a.sessions.Put(ctx, keyOIDCVerifier, verifier)
	a.sessions.Put(ctx, keyOIDCReturn, safeReturn(returnTo))
	return a.oidc.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
}

type idClaims struct {
	Email             string   `json:"email"`
	PreferredUsername string   `json:"preferred_username"`
	Name              string   `json:"name"`
	Roles             []string `json:"roles"`
	TenantID          string   `json:"tid"`
}

// oidcFinish checks the callback and signs the user in. Every refusal is
// logged with its reason; the caller sees only that sign-in failed.
func (a *Auth) oidcFinish(ctx context.Context, r *http.Request, state, code, providerErr string) (string, error) {
	refuse := func(reason string, args ...any) (string, error) {
		a.log.Warn("OIDC sign-in refused", append([]any{"reason", reason, "client", a.clientAddress(r)}, args...)...)
		return "", errs.E(errs.Unauthorized, "sign-in with Microsoft failed; try again")
	}
	wantState := a.sessions.PopString(ctx, keyOIDCState)
	nonce := a.sessions.PopString(ctx, keyOIDCNonce)
	verifier := a.sessions.PopString(ctx, keyOIDCVerifier)
	returnTo := safeReturn(a.sessions.PopString(ctx, keyOIDCReturn))
	if providerErr != "" {
		return refuse("provider returned an error", "error", providerErr)
	}
	if wantState == "" || subtle.ConstantTimeCompare([]byte(state), []byte(wantState)) != 1 {
		return refuse("state does not match the one this browser was sent with")
	}
	tok, err := a.oidc.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return refuse("code exchange failed", "err", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return refuse("token response has no id_token")
	}
	idt, err := a.oidc.verifier.Verify(ctx, raw)
	if err != nil {
		return refuse("ID token rejected", "err", err)
	}
	// go-oidc does not check the nonce; we do.
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return refuse("nonce does not match")
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		return refuse("claims unreadable", "err", err)
	}
	if a.oidc.cfg.TenantID != "" && c.TenantID != a.oidc.cfg.TenantID {
		return refuse("tenant not allowed", "tid", c.TenantID)
	}
	role := auth.Anonymous
	for _, name := range c.Roles {
		if r, ok := a.oidc.cfg.RoleMap[name]; ok && r > role {
			role = r
		}
	}
	if role == auth.Anonymous {
		role = a.oidc.cfg.DefaultRole
	}
	if role == auth.Anonymous {
		return refuse("no IMAP Hub role in the roles claim", "subject", idt.Subject, "roles", c.Roles)
	}
	email := c.Email
	if email == "" {
		email = c.PreferredUsername
	}
	u, err := a.svc.OIDCSignIn(ctx, idt.Issuer, idt.Subject, email, c.Name, role)
	if err != nil {
		if e := errs.As(err); e != nil {
			return refuse(e.Message, "subject", idt.Subject)
		}
		return "", err
	}
	if err := a.signIn(ctx, u); err != nil {
		return "", err
	}
	a.auditEvent(ctx, u, "sign-in-oidc")
	return returnTo, nil
}
