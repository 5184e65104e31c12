package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"regexp"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// EntraIdentity is who Microsoft Entra ID says signed in, read from an ID
// token whose signature, issuer, audience, expiry, nonce and tenant were
// checked.
type EntraIdentity struct {
	// TenantID and ObjectID (the tid and oid claims) name the person for
	// good: Entra never reuses or changes them. Accounts are linked by them.
	TenantID, ObjectID string
	// Issuer and Subject find an account linked before accounts were linked
	// by tenant and object id; such a link is moved over at its next sign-in.
	Issuer, Subject string
	// Email is the email claim, or preferred_username when there is none.
	Email string
	// EmailVerified says the email claim is verified (email_verified or
	// xms_edov is true). Entra does not verify email or preferred_username
	// otherwise: anyone able to set their mail attribute could present
	// someone else's address.
	EmailVerified bool
	Name          string
}

var guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ParseGUID normalises an Entra tenant or object id; ok is false when s is
// not a GUID.
func ParseGUID(s string) (string, bool) {
	g := strings.ToLower(strings.TrimSpace(s))
	return g, guidPattern.MatchString(g)
}

// OIDCSignIn finds or creates the account of an Entra ID identity and sets
// the role its token grants. An account is found by tenant and object id.
// Without one, an account pre-created for the identity's email (no password,
// no other identity) is bound to it only when the email is verified;
// otherwise an admin binds it (LinkEntraIdentity). With no account for the
// email either, one is created.
func (s *Service) OIDCSignIn(ctx context.Context, id EntraIdentity, role Role) (User, error) {
	refuse := func(msg string) (User, error) { return User{}, errs.E(errs.Unauthorized, "%s", msg) }
	tid, okT := ParseGUID(id.TenantID)
	oid, okO := ParseGUID(id.ObjectID)
	if !okT || !okO {
		return refuse("the ID token has no tenant id (tid) or object id (oid) GUID")
	}
	email := normEmail(id.Email)
	if _, err := mail.ParseAddress(email); err != nil {
		return refuse("the identity has no usable email")
	}
	now := s.now()
	var u User
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		var err error
		u, err = s.userBy(ctx, tx, "entra_tid = ? AND entra_oid = ?", tid, oid)
		if errs.Is(err, errs.NotFound) && id.Issuer != "" && id.Subject != "" {
			u, err = s.userBy(ctx, tx, "oidc_issuer = ? AND oidc_subject = ?", id.Issuer, id.Subject)
			if err == nil {
				if u.EntraObjectID != "" {
					return errs.E(errs.Unauthorized, "the account of this subject is linked to another Entra ID object")
				}
				_, err = tx.Exec(ctx, `UPDATE users SET entra_tid = ?, entra_oid = ? WHERE id = ?`, tid, oid, u.ID)
			}
		}
		if errs.Is(err, errs.NotFound) {
			u, err = s.bindByEmail(ctx, tx, tid, oid, email, id, role)
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			return errs.E(errs.Unauthorized, "the account is disabled")
		}
		if role < u.Role {
			if err := s.capTokens(ctx, tx, u.ID, role); err != nil {
				return err
			}
		}
		u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET role = ?, name = CASE WHEN ? <> '' THEN ? ELSE name END, last_login_at = ?, updated_at = ? WHERE id = ? RETURNING `+userCols,
			role.String(), id.Name, id.Name, now, now, u.ID))
		if err != nil {
			return err
		}
		return bumpEpoch(ctx, tx) // the role may have changed
	})
	if kind, _ := db.Violation(err); kind == db.Unique {
		// Another sign-in of the same new identity created or bound the
		// account a moment ago (PostgreSQL runs both at once).
		return User{}, errs.E(errs.Unauthorized, "another sign-in of this identity ran at the same time; try again")
	}
	if err == nil {
		s.cache.clear()
	}
	return u, err
}

// bindByEmail is sign-in of an identity no account is linked to: it binds
// the account pre-created for its verified email, or creates one.
func (s *Service) bindByEmail(ctx context.Context, tx db.Conn, tid, oid, email string, id EntraIdentity, role Role) (User, error) {
	var hasPassword, hasIdentity bool
	var userID int64
	err := tx.QueryRow(ctx, `SELECT id, password_hash IS NOT NULL, (oidc_subject IS NOT NULL OR entra_oid IS NOT NULL) FROM users WHERE email = ?`, email).
		Scan(&userID, &hasPassword, &hasIdentity)
	if err != nil && !isNoRows(err) {
		return User{}, err
	}
	now := s.now()
	switch {
	case isNoRows(err):
		return scanUser(tx.QueryRow(ctx, `INSERT INTO users (email, name, role, entra_tid, entra_oid, sessions_valid_after, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+userCols, email, id.Name, role.String(), tid, oid, now, now, now))
	case hasPassword || hasIdentity:
		return User{}, errs.E(errs.Unauthorized, "an account with this email exists and is not linked to this identity")
	case !id.EmailVerified:
		return User{}, errs.E(errs.Unauthorized, "an account pre-created for this email waits for its owner, but the ID token does not say the email is verified (email_verified or xms_edov); an admin links the account to the object id")
	}
	return scanUser(tx.QueryRow(ctx, `UPDATE users SET entra_tid = ?, entra_oid = ?, updated_at = ? WHERE id = ? RETURNING `+userCols, tid, oid, now, userID))
}

// LinkEntraIdentity binds a user to an Entra ID identity, by tenant and
// object id, so that identity signs in as the user from now on. A link the
// user had is replaced, and the user's sessions end (they may have been the
// other identity's).
func (s *Service) LinkEntraIdentity(ctx context.Context, userID int64, tenantID, objectID string) (User, error) {
	tid, ok := ParseGUID(tenantID)
	if !ok {
		return User{}, errs.Field("body.tenant_id", "want the directory (tenant) id, a GUID", tenantID)
	}
	oid, ok := ParseGUID(objectID)
	if !ok {
		return User{}, errs.Field("body.object_id", "want the user's object id in Entra ID, a GUID", objectID)
	}
	u, err := s.updateUser(ctx, userID, nil, `entra_tid = ?, entra_oid = ?, oidc_issuer = NULL, oidc_subject = NULL, sessions_valid_after = ?`, tid, oid, s.now())
	if kind, _ := db.Violation(err); kind == db.Unique {
		e := errs.Conflictf("this Entra ID identity is already linked to another user; unlink it there first")
		e.Fields = []errs.FieldError{{Location: "body.object_id", Message: "already linked to another user", Value: oid}}
		return User{}, e
	}
	return u, err
}

// UnlinkEntraIdentity removes a user's Entra ID link and ends their sessions.
func (s *Service) UnlinkEntraIdentity(ctx context.Context, userID int64) (User, error) {
	return s.updateUser(ctx, userID, nil, `entra_tid = NULL, entra_oid = NULL, oidc_issuer = NULL, oidc_subject = NULL, sessions_valid_after = ?`, s.now())
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
