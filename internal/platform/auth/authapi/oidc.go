package authapi

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
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
	// TenantID is required: ID tokens must carry it as their tid claim, and
	// accounts are linked by tenant and object id.
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
	// cookie seals the flow's state, nonce and PKCE verifier into the
	// browser between the redirect and the callback.
	cookie cipher.AEAD
	// logoutURL is the provider's end-session endpoint with this site as
	// the place to come back to; empty when the provider publishes none.
	logoutURL string
}

// newOIDCFlow discovers the provider. secret is the server secret the flow
// cookie's key is derived from.
func newOIDCFlow(ctx context.Context, cfg OIDCConfig, secret []byte) (*oidcFlow, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" || cfg.TenantID == "" {
		return nil, errors.New("OIDC needs IMAPHUB_OIDC_ISSUER, IMAPHUB_OIDC_CLIENT_ID, IMAPHUB_OIDC_REDIRECT_URL and IMAPHUB_OIDC_TENANT_ID")
	}
	tid, ok := auth.ParseGUID(cfg.TenantID)
	if !ok {
		return nil, fmt.Errorf("IMAPHUB_OIDC_TENANT_ID=%q: want the directory (tenant) id, a GUID", cfg.TenantID)
	}
	cfg.TenantID = tid
	if cfg.RoleMap == nil {
		cfg.RoleMap = DefaultRoleMap()
	}
	back, err := url.Parse(cfg.RedirectURL)
	if err != nil || (back.Scheme != "https" && back.Scheme != "http") || back.Host == "" {
		return nil, fmt.Errorf("IMAPHUB_OIDC_REDIRECT_URL=%q: want an absolute http(s) URL", cfg.RedirectURL)
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "imaphub oidc flow cookie v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	provider, err := oidc.NewProvider(dctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("OIDC discovery at %s: %w", cfg.Issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("OIDC discovery at %s: %w", cfg.Issuer, err)
	}
	f := &oidcFlow{
		cfg: cfg,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}},
		// Checks signature, issuer, audience (client id) and expiry.
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		cookie:   aead,
	}
	if meta.EndSession != "" {
		u, err := url.Parse(meta.EndSession)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" {
			return nil, fmt.Errorf("OIDC discovery at %s: end_session_endpoint %q is not a URL", cfg.Issuer, meta.EndSession)
		}
		q := u.Query()
		q.Set("post_logout_redirect_uri", (&url.URL{Scheme: back.Scheme, Host: back.Host, Path: "/"}).String())
		q.Set("client_id", cfg.ClientID)
		u.RawQuery = q.Encode()
		f.logoutURL = u.String()
	}
	return f, nil
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

// flowCookieName is the cookie that carries one sign-in flow from the
// redirect to the callback. It lives flowCookieTTL at most.
const (
	flowCookieName = "imaphub_oidc"
	flowCookiePath = "/api/auth/oidc/"
	flowCookieTTL  = 10 * time.Minute
)

// flowState is what the callback needs to check that it completes the flow
// this browser started. It travels sealed (AES-256-GCM) in the flow cookie:
// starting a sign-in writes nothing on the server.
type flowState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	ReturnTo string `json:"r"`
	Expires  int64  `json:"e"` // Unix seconds
}

func (f *oidcFlow) seal(st flowState) string {
	plain, _ := json.Marshal(st)
	nonce := make([]byte, f.cookie.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(f.cookie.Seal(nonce, nonce, plain, []byte(flowCookieName)))
}

// open returns the flow state sealed in a cookie value by this server (or
// another instance on the same database), if it has not expired.
func (f *oidcFlow) open(value string, now time.Time) (flowState, error) {
	var st flowState
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < f.cookie.NonceSize() {
		return st, errors.New("flow cookie missing or malformed")
	}
	n := f.cookie.NonceSize()
	plain, err := f.cookie.Open(nil, raw[:n], raw[n:], []byte(flowCookieName))
	if err != nil {
		return st, errors.New("flow cookie was not sealed by this server")
	}
	if err := json.Unmarshal(plain, &st); err != nil {
		return st, errors.New("flow cookie unreadable")
	}
	if now.Unix() > st.Expires {
		return st, errors.New("flow cookie expired")
	}
	return st, nil
}

// flowCookie is the cookie holding value; an empty value deletes it.
func (a *Auth) flowCookie(value string) http.Cookie {
	c := http.Cookie{Name: flowCookieName, Value: value, Path: flowCookiePath, HttpOnly: true, Secure: a.cfg.CookieSecure,
		// Lax: the provider sends the browser back with a top-level GET.
		SameSite: http.SameSiteLaxMode, MaxAge: int(flowCookieTTL.Seconds())}
	if value == "" {
		c.MaxAge = -1
	}
	return c
}

// oidcStart returns the provider's authorization URL and the flow cookie
// holding the state, nonce and PKCE verifier the callback will check.
func (a *Auth) oidcStart(returnTo string) (string, http.Cookie) {
	st := flowState{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(),
		ReturnTo: safeReturn(returnTo), Expires: time.Now().Add(flowCookieTTL).Unix()}
	to := a.oidc.oauth.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
	return to, a.flowCookie(a.oidc.seal(st))
}

type idClaims struct {
	Email             string          `json:"email"`
	EmailVerified     json.RawMessage `json:"email_verified"`
	DomainVerified    json.RawMessage `json:"xms_edov"` // email domain owner verified (optional claim of Entra)
	PreferredUsername string          `json:"preferred_username"`
	Name              string          `json:"name"`
	Roles             []string        `json:"roles"`
	TenantID          string          `json:"tid"`
	ObjectID          string          `json:"oid"`
}

// claimTrue reads a boolean claim that providers send as true, "true" or 1.
func claimTrue(raw json.RawMessage) bool {
	switch strings.ToLower(strings.Trim(string(raw), `"`)) {
	case "true", "1":
		return true
	}
	return false
}

// oidcFinish checks the callback and signs the user in. Every refusal is
// logged with its reason; the caller sees only that sign-in failed.
func (a *Auth) oidcFinish(ctx context.Context, r *http.Request, cookie, state, code, providerErr string) (string, error) {
	refuse := func(reason string, args ...any) (string, error) {
		a.log.Warn("OIDC sign-in refused", append([]any{"reason", reason, "client", a.clientAddress(r)}, args...)...)
		return "", errs.E(errs.Unauthorized, "sign-in with Microsoft failed; try again")
	}
	if providerErr != "" {
		return refuse("provider returned an error", "error", providerErr)
	}
	flow, err := a.oidc.open(cookie, time.Now())
	if err != nil {
		return refuse("state does not match the one this browser was sent with", "cause", err.Error())
	}
	wantState, nonce, verifier, returnTo := flow.State, flow.Nonce, flow.Verifier, safeReturn(flow.ReturnTo)
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
	if tid, _ := auth.ParseGUID(c.TenantID); tid != a.oidc.cfg.TenantID {
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
	id := auth.EntraIdentity{TenantID: c.TenantID, ObjectID: c.ObjectID, Issuer: idt.Issuer, Subject: idt.Subject,
		Email: c.Email, EmailVerified: c.Email != "" && (claimTrue(c.EmailVerified) || claimTrue(c.DomainVerified)), Name: c.Name}
	if id.Email == "" {
		id.Email = c.PreferredUsername
	}
	u, err := a.svc.OIDCSignIn(ctx, id, role)
	if err != nil {
		if e := errs.As(err); e != nil {
			return refuse(e.Message, "oid", c.ObjectID, "email", id.Email)
		}
		return "", err
	}
	if err := a.signIn(ctx, u); err != nil {
		return "", err
	}
	a.auditEvent(ctx, u, "sign-in-oidc")
	return returnTo, nil
}
