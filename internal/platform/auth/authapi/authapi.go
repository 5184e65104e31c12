// Package authapi puts sign-in on the HTTP API: server-side sessions (scs, in
// the database), bearer tokens, the one middleware that checks every
// operation's minimum role and writes the audit log, and the operations for
// signing in and out, users, tokens and the audit log.
package authapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// Config configures sign-in.
type Config struct {
	// Mode is "local" (email and password) or "oidc" (Microsoft Entra ID).
	Mode string
	// CookieSecure marks the session cookie Secure. Only a server on a
	// loopback address may turn it off (plain-http development).
	CookieSecure bool
	// IdleTimeout ends a session unused this long. Default 8h.
	IdleTimeout time.Duration
	// Lifetime ends every session this long after sign-in. Default 7 days.
	Lifetime time.Duration
	// OIDC is required in oidc mode.
	OIDC *OIDCConfig
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the
	// client (IMAPHUB_TRUSTED_PROXIES); without them the peer address counts.
	TrustedProxies []*net.IPNet
	// TokenLifetime is how long a new API token lives, and the longest one
	// may ask for (IMAPHUB_TOKEN_LIFETIME). Default auth.DefaultTokenLifetime.
	TokenLifetime time.Duration
}

// Session keys.
const (
	keyUserID  = "user_id"
	keyStarted = "started" // UnixNano of the sign-in
	keySeen    = "seen"    // Unix seconds of the last use, updated coarsely
)

// seenResolution is how stale the "last seen" mark of a session may get: it
// is saved at most this often per session.
const seenResolution = 5 * time.Minute

// Auth is the HTTP face of the auth service.
type Auth struct {
	cfg      Config
	svc      *auth.Service
	sessions *scs.SessionManager
	log      *slog.Logger
	oidc     *oidcFlow
	api      huma.API
}

// New builds sessions on d and, in oidc mode, discovers the provider.
func New(ctx context.Context, d *db.DB, svc *auth.Service, cfg Config, log *slog.Logger) (*Auth, error) {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 8 * time.Hour
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = 7 * 24 * time.Hour
	}
	svc.SetTokenLifetime(cfg.TokenLifetime)
	sm := scs.New()
	if d.Engine == db.Postgres {
		sm.Store = svc.CachedSessions(postgresstore.New(d.WriteDB()))
	} else {
		sm.Store = svc.CachedSessions(sqlite3store.New(d.WriteDB()))
	}
	sm.Lifetime = cfg.Lifetime
	// The idle timeout is enforced in resolve from a coarse "last seen" mark:
	// scs's own would save the session on every request.
	sm.Cookie.Name = "imaphub_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.CookieSecure
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = true
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.Error("session store", "err", err)
		http.Error(w, "session store unavailable", http.StatusInternalServerError)
	}
	a := &Auth{cfg: cfg, svc: svc, sessions: sm, log: log}
	switch cfg.Mode {
	case "local":
	case "oidc":
		if cfg.OIDC == nil {
			return nil, errors.New("auth mode oidc needs IMAPHUB_OIDC_ISSUER, IMAPHUB_OIDC_CLIENT_ID, IMAPHUB_OIDC_CLIENT_SECRET, IMAPHUB_OIDC_REDIRECT_URL and IMAPHUB_OIDC_TENANT_ID")
		}
		// The flow cookie's key comes from a secret in the database, so every
		// instance seals and opens the same cookies.
		secret, err := svc.ServerSecret(ctx, "server")
		if err != nil {
			return nil, err
		}
		flow, err := newOIDCFlow(ctx, *cfg.OIDC, secret)
		if err != nil {
			return nil, err
		}
		a.oidc = flow
	default:
		return nil, errors.New("IMAPHUB_AUTH_MODE must be local or oidc")
	}
	return a, nil
}

// Sessions wraps the whole HTTP handler so operations can read and change
// the session.
func (a *Auth) Sessions(next http.Handler) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Operations that rate-limit by client address need the request.
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestKey{}, r)))
	})
	return a.sessions.LoadAndSave(inner)
}

// Install adds the role check to the API. It must run before any operation is
// registered: huma binds middleware at registration.
func (a *Auth) Install(api *httpapi.API) {
	a.api = api.API
	api.UseMiddleware(a.enforce)
}

// resolve finds the caller: a bearer token, else a session, else nobody.
func (a *Auth) resolve(ctx context.Context, r *http.Request) (*auth.Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, errs.E(errs.Unauthorized, "authentication required")
		}
		return a.svc.AuthenticateToken(ctx, strings.TrimSpace(token))
	}
	uid := a.sessions.GetInt64(ctx, keyUserID)
	if uid == 0 {
		return nil, nil
	}
	now := time.Now()
	seen := time.Unix(a.sessions.GetInt64(ctx, keySeen), 0)
	if now.Sub(seen) > a.cfg.IdleTimeout {
		_ = a.sessions.Destroy(ctx)
		return nil, errs.E(errs.Unauthorized, "authentication required")
	}
	started := time.Unix(0, a.sessions.GetInt64(ctx, keyStarted)).UTC()
	p, err := a.svc.SessionUser(ctx, uid, started)
	if errs.Is(err, errs.Unauthorized) {
		// A voided session is dropped, so the browser stops sending it.
		_ = a.sessions.Destroy(ctx)
		return p, err
	}
	if err == nil && now.Sub(seen) > min(seenResolution, a.cfg.IdleTimeout/4) {
		a.sessions.Put(ctx, keySeen, now.Unix())
	}
	return p, err
}

// enforce is the one place every operation's minimum role is checked. An
// operation without a declared role is refused (fail closed).
func (a *Auth) enforce(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	min, declared := httpapi.OperationRole(op)
	if !declared {
		a.log.Error("operation has no declared role; refusing", "operation", op.OperationID)
		_ = huma.WriteErr(a.api, ctx, http.StatusForbidden, "this operation declares no role")
		return
	}
	r, _ := humago.Unwrap(ctx)
	p, err := a.resolve(ctx.Context(), r)
	if err != nil {
		if !errs.Is(err, errs.Unauthorized) {
			if r.Context().Err() != nil {
				return // the client went away while its credentials were looked up: nobody to answer
			}
			a.log.Error("authentication failed", "err", err)
			_ = huma.WriteErr(a.api, ctx, http.StatusInternalServerError, "internal error; the server log has the cause")
			return
		}
		if min != auth.Anonymous {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="imaphub"`)
			_ = huma.WriteErr(a.api, ctx, http.StatusUnauthorized, "authentication required")
			return
		}
		p = nil
	}
	if min != auth.Anonymous {
		if p == nil {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="imaphub"`)
			_ = huma.WriteErr(a.api, ctx, http.StatusUnauthorized, "authentication required")
			return
		}
		if !p.Role.Allows(min) {
			_ = huma.WriteErr(a.api, ctx, http.StatusForbidden, "this operation needs the "+min.String()+" role; you have "+p.Role.String())
			return
		}
	}
	if p != nil {
		ctx = huma.WithContext(ctx, auth.WithPrincipal(ctx.Context(), p))
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead || op.Metadata[noAudit] == true {
		next(ctx)
		return
	}
	// The audit entry is written by the change's own transaction.
	next(huma.WithContext(ctx, a.svc.Audited(ctx.Context(), a.auditEntry(p, op, ctx.Param("id"), a.captureBody(r)))))
}

// noAudit marks operations that write their own audit entries (sign-in).
const noAudit = "imaphub.noAudit"

// captureBody returns the audit summary of a write's request body and leaves
// the body readable for the handler. JSON bodies were already read and
// size-checked by the server's JSON check; others (image uploads) are
// summarised by type and size.
func (a *Auth) captureBody(r *http.Request) json.RawMessage {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	if mt != "application/json" && mt != "" {
		out, _ := json.Marshal(map[string]any{"content_type": mt, "bytes": r.ContentLength})
		return out
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return auth.Summarise(b)
}

// auditEntry describes a write for the audit log: who, which operation, the
// entity its path names (a create names it once it has its id), and what
// was sent. Status is the status the operation answers on success.
func (a *Auth) auditEntry(p *auth.Principal, op *huma.Operation, id string, summary json.RawMessage) auth.AuditEntry {
	e := auth.AuditEntry{Actor: "anonymous", Action: op.OperationID, Status: op.DefaultStatus, EntityID: id, Summary: summary}
	if e.Status == 0 {
		e.Status = http.StatusOK
	}
	if p != nil {
		e.UserID, e.Actor = &p.UserID, p.Email
	}
	if len(op.Tags) > 0 {
		e.Entity = op.Tags[0]
	}
	return e
}

// clientAddress is the address sign-in attempts are counted against: the
// peer, or — when the peer is a trusted reverse proxy — the nearest address
// in X-Forwarded-For that is not one of the trusted proxies.
func (a *Auth) clientAddress(r *http.Request) string {
	host := r.RemoteAddr
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if !a.trusted(host) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if !a.trusted(hop) {
			return hop
		}
		host = hop
	}
	return host
}

func (a *Auth) trusted(addr string) bool {
	ip := net.ParseIP(addr)
	if ip == nil {
		return false
	}
	for _, n := range a.cfg.TrustedProxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// RequireRole guards a plain HTTP handler (one outside the API, such as the
// job queue's UI) with the same sign-in and role rules as API operations:
// 401 without a valid session or token, 403 below min.
func (a *Auth) RequireRole(min auth.Role, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.resolve(r.Context(), r)
		if err != nil && !errs.Is(err, errs.Unauthorized) {
			if r.Context().Err() != nil {
				return // the client went away: nobody to answer
			}
			a.log.Error("authentication failed", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		if p == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="imaphub"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		if !p.Role.Allows(min) {
			http.Error(w, "this page needs the "+min.String()+" role", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}
