package authapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// signIn starts a fresh session for u: the token is renewed, so a session
// fixed before sign-in is worth nothing after it.
func (a *Auth) signIn(ctx context.Context, u auth.User) error {
	if err := a.sessions.RenewToken(ctx); err != nil {
		return err
	}
	a.sessions.Put(ctx, keyUserID, u.ID)
	a.sessions.Put(ctx, keyStarted, time.Now().UnixNano())
	a.sessions.Put(ctx, keySeen, time.Now().Unix())
	return nil
}

func (a *Auth) auditEvent(ctx context.Context, u auth.User, action string) {
	id := u.ID
	e := auth.AuditEntry{UserID: &id, Actor: u.Email, Action: action, Entity: "users", EntityID: strconv.FormatInt(u.ID, 10), Status: http.StatusOK}
	if err := a.svc.Audit(context.WithoutCancel(ctx), e); err != nil {
		a.log.Error("audit log write failed", "action", action, "err", err)
	}
}

// Me is the signed-in caller.
type Me struct {
	User auth.User `json:"user"`
	Role auth.Role `json:"role" doc:"Effective role of this request (a token may be capped below its user's role)"`
	Via  string    `json:"via" enum:"session,token"`
}

type meOutput struct{ Body Me }

type loginInput struct {
	Body struct {
		Email    string `json:"email" maxLength:"320"`
		Password string `json:"password" maxLength:"1024"`
	}
}

// AuthConfig tells the sign-in screen what to offer.
type AuthConfig struct {
	Mode          string `json:"mode" enum:"local,oidc"`
	OIDCLoginPath string `json:"oidc_login_path,omitempty"`
	OIDCLogoutURL string `json:"oidc_logout_url,omitempty" doc:"Where to send the browser after signing out, to end the Microsoft session too (the provider's end-session endpoint)"`
}

type redirectOutput struct {
	Status    int
	Location  string      `header:"Location"`
	Cache     string      `header:"Cache-Control"`
	SetCookie http.Cookie `header:"Set-Cookie"`
}

// withHeaders turns err into its problem document, sent with h.
func (a *Auth) withHeaders(ctx context.Context, operationID string, err error, h http.Header) error {
	out := httpapi.ToProblem(ctx, a.log, operationID, err)
	if p, ok := out.(*httpapi.Problem); ok {
		p.Headers = h
	}
	return out
}

func caller(ctx context.Context) *auth.Principal {
	p := auth.FromContext(ctx)
	if p == nil {
		// The middleware guarantees a caller for non-anonymous operations.
		panic("authapi: operation reached without a caller")
	}
	return p
}

// RegisterRoutes adds sign-in, users, tokens and audit operations.
func (a *Auth) RegisterRoutes(api *httpapi.API) {
	tags := []string{"auth"}
	httpapi.Register(api, auth.Anonymous, huma.Operation{OperationID: "auth-config", Method: http.MethodGet, Path: "/api/auth/config",
		Summary: "How to sign in", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*struct{ Body AuthConfig }, error) {
			out := &struct{ Body AuthConfig }{Body: AuthConfig{Mode: a.cfg.Mode}}
			if a.oidc != nil {
				out.Body.OIDCLoginPath = "/api/auth/oidc/login"
				out.Body.OIDCLogoutURL = a.oidc.logoutURL
			}
			return out, nil
		})
	httpapi.Register(api, auth.Anonymous, huma.Operation{OperationID: "sign-in", Method: http.MethodPost, Path: "/api/auth/login",
		Summary: "Sign in with email and password", Description: "Sets the session cookie. Every attempt counts as failed until it succeeds " +
			"(attempts held back only by others still being checked wait for them): 5 failures per account and client address, " +
			"30 per client address in 15 minutes, and past 10 failures of an account from all addresses each attempt waits a delay " +
			"that doubles up to 30 s. A refused attempt is a 429 with Retry-After (seconds) and is not counted.",
		Tags: tags, Metadata: map[string]any{noAudit: true},
		Errors: []int{http.StatusUnauthorized, http.StatusConflict, http.StatusTooManyRequests}},
		func(ctx context.Context, in *loginInput) (*meOutput, error) {
			if a.cfg.Mode != "local" {
				return nil, errs.Conflictf("password sign-in is off: this server signs in with Microsoft (IMAPHUB_AUTH_MODE=oidc)")
			}
			r := requestFrom(ctx)
			u, err := a.svc.Login(ctx, in.Body.Email, in.Body.Password, a.clientAddress(r))
			if tooMany := (*auth.TooManyAttemptsError)(nil); errors.As(err, &tooMany) {
				wait := tooMany.RetryAfterSeconds()
				return nil, &httpapi.Problem{Status: http.StatusTooManyRequests, Title: "Too Many Requests", Code: "too_many_attempts",
					Detail:  fmt.Sprintf("too many failed sign-in attempts (per %s); try again in %d s", tooMany.Limit, wait),
					Extra:   map[string]any{"retry_after_seconds": wait},
					Headers: http.Header{"Retry-After": {strconv.Itoa(wait)}}}
			}
			if err != nil {
				if errs.Is(err, errs.Unauthorized) {
					a.log.Info("sign-in refused", "client", a.clientAddress(r))
				}
				return nil, err
			}
			if err := a.signIn(ctx, u); err != nil {
				return nil, err
			}
			a.auditEvent(ctx, u, "sign-in")
			return &meOutput{Body: Me{User: u, Role: u.Role, Via: "session"}}, nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "sign-out", Method: http.MethodPost, Path: "/api/auth/logout",
		Summary: "Sign out this session", Description: "Ends the session and deletes its cookie. With Microsoft sign-in, " +
			"GET /api/auth/config names the provider's end-session URL (oidc_logout_url) to send the browser to next.",
		Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) {
			// Destroyed, not renewed: the answer deletes the cookie and no
			// empty session is stored in its place.
			return nil, a.sessions.Destroy(ctx)
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "sign-out-everywhere", Method: http.MethodPost, Path: "/api/auth/logout-everywhere",
		Summary: "Sign out every session of the current user", Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) {
			if err := a.svc.SignOutEverywhere(ctx, caller(ctx).UserID); err != nil {
				return nil, err
			}
			return nil, a.sessions.Destroy(ctx)
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "get-me", Method: http.MethodGet, Path: "/api/me",
		Summary: "The signed-in user and role", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*meOutput, error) {
			p := caller(ctx)
			u, err := a.svc.User(ctx, p.UserID)
			if err != nil {
				return nil, err
			}
			return &meOutput{Body: Me{User: u, Role: p.Role, Via: p.Via}}, nil
		})
	httpapi.Register(api, auth.Anonymous, huma.Operation{OperationID: "oidc-login", Method: http.MethodGet, Path: "/api/auth/oidc/login",
		Summary: "Sign in with Microsoft (redirects to Entra ID)", Tags: tags,
		DefaultStatus: http.StatusFound, Errors: []int{http.StatusNotFound}},
		func(ctx context.Context, in *struct {
			ReturnTo string `query:"return_to" maxLength:"2048" doc:"Path on this site to open after sign-in"`
		}) (*redirectOutput, error) {
			if a.oidc == nil {
				return nil, errs.NotFoundf("sign-in with Microsoft is off (IMAPHUB_AUTH_MODE=local)")
			}
			to, cookie := a.oidcStart(in.ReturnTo)
			return &redirectOutput{Status: http.StatusFound, Location: to, Cache: "no-store", SetCookie: cookie}, nil
		})
	httpapi.Register(api, auth.Anonymous, huma.Operation{OperationID: "oidc-callback", Method: http.MethodGet, Path: "/api/auth/oidc/callback",
		Summary: "Where Entra ID sends the browser back", Tags: tags, Metadata: map[string]any{noAudit: true},
		DefaultStatus: http.StatusFound, Errors: []int{http.StatusUnauthorized, http.StatusNotFound}},
		func(ctx context.Context, in *struct {
			State string `query:"state" maxLength:"512"`
			Code  string `query:"code" maxLength:"4096"`
			Error string `query:"error" maxLength:"512"`
			Flow  string `cookie:"imaphub_oidc" maxLength:"4096" doc:"Set by /api/auth/oidc/login"`
		}) (*redirectOutput, error) {
			if a.oidc == nil {
				return nil, errs.NotFoundf("sign-in with Microsoft is off (IMAPHUB_AUTH_MODE=local)")
			}
			// The flow cookie is used once, whatever the outcome.
			done := a.flowCookie("")
			to, err := a.oidcFinish(ctx, requestFrom(ctx), in.Flow, in.State, in.Code, in.Error)
			if err != nil {
				return nil, a.withHeaders(ctx, "oidc-callback", err, http.Header{"Set-Cookie": {done.String()}})
			}
			return &redirectOutput{Status: http.StatusFound, Location: to, Cache: "no-store", SetCookie: done}, nil
		})
	a.registerUsers(api)
	a.registerTokens(api)
	a.registerAudit(api)
}

type requestKey struct{}

// requestFrom returns the HTTP request an operation serves (set by Sessions).
func requestFrom(ctx context.Context) *http.Request {
	r, _ := ctx.Value(requestKey{}).(*http.Request)
	if r == nil {
		return &http.Request{}
	}
	return r
}

type userOutput struct{ Body auth.User }

func (a *Auth) registerUsers(api *httpapi.API) {
	tags := []string{"users"}
	httpapi.Register(api, auth.Admin, huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: "/api/users", Summary: "List users", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*struct{ Body []auth.User }, error) {
			us, err := a.svc.ListUsers(ctx)
			return &struct{ Body []auth.User }{Body: us}, err
		})
	httpapi.Register(api, auth.Admin, huma.Operation{OperationID: "create-user", Method: http.MethodPost, Path: "/api/users", Summary: "Create a user", Tags: tags, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct {
			Body struct {
				Email    string    `json:"email" maxLength:"320"`
				Name     string    `json:"name,omitempty" maxLength:"200"`
				Role     auth.Role `json:"role"`
				Password string    `json:"password,omitempty" maxLength:"1024" doc:"Omit for a user who signs in with Microsoft"`
			}
		}) (*userOutput, error) {
			u, err := a.svc.CreateUser(ctx, in.Body.Email, in.Body.Name, in.Body.Role, in.Body.Password)
			return &userOutput{Body: u}, err
		})
	httpapi.Register(api, auth.Admin, huma.Operation{OperationID: "update-user", Method: http.MethodPatch, Path: "/api/users/{id}",
		Summary: "Change a user's role, disable or enable, or reset the password", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			Body struct {
				Role     *auth.Role `json:"role,omitempty"`
				Disabled *bool      `json:"disabled,omitempty"`
				Password *string    `json:"password,omitempty" maxLength:"1024"`
			}
		}) (*userOutput, error) {
			var u auth.User
			var err error
			if p := caller(ctx); p.UserID == in.ID && ((in.Body.Role != nil && *in.Body.Role != auth.Admin) || (in.Body.Disabled != nil && *in.Body.Disabled)) {
				return nil, errs.Conflictf("admins cannot demote or disable themselves; ask another admin")
			}
			if in.Body.Role != nil {
				if u, err = a.svc.SetRole(ctx, in.ID, *in.Body.Role); err != nil {
					return nil, err
				}
			}
			if in.Body.Disabled != nil {
				if u, err = a.svc.SetDisabled(ctx, in.ID, *in.Body.Disabled); err != nil {
					return nil, err
				}
			}
			if in.Body.Password != nil {
				if u, err = a.svc.ResetPassword(ctx, in.ID, *in.Body.Password); err != nil {
					return nil, err
				}
			}
			if u.ID == 0 {
				u, err = a.svc.User(ctx, in.ID)
			}
			return &userOutput{Body: u}, err
		})
	httpapi.Register(api, auth.Admin, huma.Operation{OperationID: "sign-out-user-everywhere", Method: http.MethodPost, Path: "/api/users/{id}/logout-everywhere",
		Summary: "End every session of a user", Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *httpapi.IDParam) (*struct{}, error) {
			return nil, a.svc.SignOutEverywhere(ctx, in.ID)
		})
	httpapi.Register(api, auth.Admin, huma.Operation{OperationID: "link-entra-identity", Method: http.MethodPut, Path: "/api/users/{id}/entra-identity",
		Summary: "Link a user to a Microsoft Entra ID identity",
		Description: "The identity with this object id (Entra admin center → Users → the user → Object ID) signs in as this user from now on. " +
			"Use it for an account created before its owner's first sign-in when the ID token does not mark the email as verified " +
			"(Entra ID binds such accounts by email only when email_verified or xms_edov is true). Replaces an earlier link and ends the user's sessions.",
		Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			Body struct {
				TenantID string `json:"tenant_id,omitempty" maxLength:"36" doc:"Directory (tenant) id; default: IMAPHUB_OIDC_TENANT_ID"`
				ObjectID string `json:"object_id" maxLength:"36" doc:"The user's object id in Entra ID (a GUID)"`
			}
		}) (*userOutput, error) {
			tenant := in.Body.TenantID
			if tenant == "" && a.oidc != nil {
				tenant = a.oidc.cfg.TenantID
			}
			if tenant == "" {
				return nil, errs.Field("body.tenant_id", "required: this server has no IMAPHUB_OIDC_TENANT_ID", "")
			}
			if a.oidc != nil {
				if t, _ := auth.ParseGUID(tenant); t != a.oidc.cfg.TenantID {
					return nil, errs.Field("body.tenant_id", "must be this server's tenant (IMAPHUB_OIDC_TENANT_ID): other tenants cannot sign in", tenant)
				}
			}
			u, err := a.svc.LinkEntraIdentity(ctx, in.ID, tenant, in.Body.ObjectID)
			return &userOutput{Body: u}, err
		})
	httpapi.Register(api, auth.Admin, huma.Operation{OperationID: "unlink-entra-identity", Method: http.MethodDelete, Path: "/api/users/{id}/entra-identity",
		Summary: "Remove a user's Microsoft Entra ID link", Description: "Ends the user's sessions. The next sign-in of an identity binds the account only through its verified email, or another link.",
		Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*userOutput, error) {
			u, err := a.svc.UnlinkEntraIdentity(ctx, in.ID)
			return &userOutput{Body: u}, err
		})
}

// NewToken is a created token with its secret, shown this once.
type NewToken struct {
	auth.Token
	Secret string `json:"token" doc:"Send as Authorization: Bearer <token>. Shown only now."`
}

func (a *Auth) registerTokens(api *httpapi.API) {
	tags := []string{"tokens"}
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "list-tokens", Method: http.MethodGet, Path: "/api/tokens", Summary: "List your API tokens", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*struct{ Body []auth.Token }, error) {
			ts, err := a.svc.Tokens(ctx, caller(ctx).UserID)
			return &struct{ Body []auth.Token }{Body: ts}, err
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "create-token", Method: http.MethodPost, Path: "/api/tokens",
		Summary: "Create an API token for yourself", Description: "The token never has more power than you: its role is capped by yours at every request, " +
			"and lowering your role lowers its cap for good. It expires after the server's token lifetime (IMAPHUB_TOKEN_LIFETIME, default 90 days) " +
			"or earlier when asked. One user holds at most 25 live tokens (409 past that). Disabling the user or resetting their password revokes it.",
		Tags: tags, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct {
			Body struct {
				Name      string     `json:"name" maxLength:"100"`
				Role      *auth.Role `json:"role,omitempty" doc:"Cap the token below your role"`
				ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"Default and latest: the server's token lifetime from now"`
			}
		}) (*struct{ Body NewToken }, error) {
			p := caller(ctx)
			if in.Body.Role != nil && !p.Role.Allows(*in.Body.Role) {
				return nil, errs.Field("body.role", "a token cannot have more power than you ("+p.Role.String()+")", in.Body.Role.String())
			}
			t, secret, err := a.svc.CreateToken(ctx, p.UserID, in.Body.Name, in.Body.Role, in.Body.ExpiresAt)
			if err != nil {
				return nil, err
			}
			return &struct{ Body NewToken }{Body: NewToken{Token: t, Secret: secret}}, nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "revoke-token", Method: http.MethodDelete, Path: "/api/tokens/{id}",
		Summary: "Revoke one of your API tokens", Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *httpapi.IDParam) (*struct{}, error) {
			return nil, a.svc.RevokeToken(ctx, caller(ctx).UserID, in.ID)
		})
	httpapi.Register(api, auth.Admin, huma.Operation{OperationID: "list-user-tokens", Method: http.MethodGet, Path: "/api/users/{id}/tokens",
		Summary: "List a user's API tokens", Description: "Newest first, revoked and expired ones included; never their secrets.", Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*struct{ Body []auth.Token }, error) {
			ts, err := a.svc.UserTokens(ctx, in.ID)
			return &struct{ Body []auth.Token }{Body: ts}, err
		})
	httpapi.Register(api, auth.Admin, huma.Operation{OperationID: "revoke-any-token", Method: http.MethodPost, Path: "/api/tokens/{id}/revoke",
		Summary: "Revoke any user's API token", Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *httpapi.IDParam) (*struct{}, error) {
			return nil, a.svc.RevokeToken(ctx, 0, in.ID)
		})
}

func (a *Auth) registerAudit(api *httpapi.API) {
	httpapi.Register(api, auth.Admin, huma.Operation{OperationID: "list-audit", Method: http.MethodGet, Path: "/api/audit",
		Summary: "Read the audit log", Description: "Newest first. Every write through the API is recorded: who, when, which entity, which action, and what was sent (secrets removed).", Tags: []string{"audit"}},
		func(ctx context.Context, in *struct {
			UserID   int64     `query:"user_id" minimum:"0"`
			Entity   string    `query:"entity" maxLength:"100" doc:"e.g. campaigns, ads, assets, users"`
			EntityID string    `query:"entity_id" maxLength:"100"`
			Action   string    `query:"action" maxLength:"100" doc:"Operation id, e.g. update-campaign"`
			Since    time.Time `query:"since"`
			Until    time.Time `query:"until"`
			Cursor   string    `query:"cursor"`
			Limit    int       `query:"limit" minimum:"1" maximum:"500" default:"100"`
		}) (*struct {
			Body struct {
				Items      []auth.AuditEntry `json:"items"`
				NextCursor string            `json:"next_cursor,omitempty"`
			}
		}, error) {
			f := auth.AuditFilter{UserID: in.UserID, Entity: in.Entity, EntityID: in.EntityID, Action: in.Action, Since: in.Since, Until: in.Until, Limit: in.Limit}
			if in.Cursor != "" {
				v, err := strconv.ParseInt(in.Cursor, 10, 64)
				if err != nil || v <= 0 {
					return nil, errs.Field("query.cursor", "not a cursor returned by this API", in.Cursor)
				}
				f.Before = v
			}
			items, next, err := a.svc.ListAudit(ctx, f)
			if err != nil {
				return nil, err
			}
			out := &struct {
				Body struct {
					Items      []auth.AuditEntry `json:"items"`
					NextCursor string            `json:"next_cursor,omitempty"`
				}
			}{}
			out.Body.Items, out.Body.NextCursor = items, next
			return out, nil
		})
}
