package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// DefaultTokenLifetime is how long an API token lives unless the server is
// configured otherwise (IMAPHUB_TOKEN_LIFETIME); it is also the longest a
// token may be made to live.
const DefaultTokenLifetime = 90 * 24 * time.Hour

// MaxTokensPerUser is how many unrevoked, unexpired API tokens one user may hold.
const MaxTokensPerUser = 25

// Service owns users, API tokens, sign-in and the audit log.
type Service struct {
	db    *db.DB
	argon Argon2Params
	now   func() time.Time
	// dummyHash is verified against when an account does not exist, so a
	// sign-in takes as long for an unknown email as for a wrong password.
	// It is made on first use: hashing at start-up costs time and memory.
	dummyOnce sync.Once
	dummyHash string
	cache     *authCache

	hashSlots          chan struct{}
	hashBusy, hashPeak atomic.Int64
	// attemptEnded wakes sign-in attempts waiting for pending ones.
	attemptEnded broadcast

	tokenLifetime time.Duration
}

// NewService returns the auth service.
func NewService(d *db.DB, argon Argon2Params) *Service {
	return &Service{db: d, argon: argon, now: func() time.Time { return time.Now().UTC() }, cache: newAuthCache(),
		hashSlots: newHashSlots(), tokenLifetime: DefaultTokenLifetime}
}

// SetTokenLifetime sets the lifetime of new API tokens, which is also the
// longest one may ask for (IMAPHUB_TOKEN_LIFETIME).
func (s *Service) SetTokenLifetime(d time.Duration) {
	if d > 0 {
		s.tokenLifetime = d
	}
}

func (s *Service) dummy() string {
	s.dummyOnce.Do(func() { s.dummyHash, _ = HashPassword(RandomPassword(24), s.argon) })
	return s.dummyHash
}

const userCols = `id, email, name, role, password_hash IS NOT NULL, (oidc_subject IS NOT NULL OR entra_oid IS NOT NULL), entra_tid, entra_oid, disabled, sessions_valid_after, last_login_at, created_at`

type scanner interface{ Scan(...any) error }

func scanUser(row scanner) (User, error) {
	var u User
	var role string
	var last sql.NullTime
	var tid, oid sql.NullString
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Local, &u.OIDC, &tid, &oid, &u.Disabled, &u.sessionsValidAfter, &last, &u.CreatedAt)
	if err != nil {
		return u, err
	}
	u.EntraTenantID, u.EntraObjectID = tid.String, oid.String
	if last.Valid {
		u.LastLoginAt = &last.Time
	}
	u.Role, err = ParseRole(role)
	return u, err
}

func (s *Service) userBy(ctx context.Context, q db.Conn, where string, args ...any) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.NotFoundf("user not found")
	}
	return u, err
}

// User returns a user by id.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	return s.userBy(ctx, s.db.Read(), "id = ?", id)
}

// UserByEmail returns a user by email.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.userBy(ctx, s.db.Read(), "email = ?", normEmail(email))
}

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func checkEmail(location, e string) (string, error) {
	n := normEmail(e)
	if a, err := mail.ParseAddress(n); err != nil || a.Address != n {
		return "", errs.Field(location, "not an email address", e)
	}
	return n, nil
}

// CreateUser adds a local user; password may be empty for an account that
// signs in through OIDC only.
func (s *Service) CreateUser(ctx context.Context, email, name string, role Role, password string) (User, error) {
	email, err := checkEmail("body.email", email)
	if err != nil {
		return User{}, err
	}
	if role < Viewer || role > Admin {
		return User{}, errs.Field("body.role", "want viewer, editor, publisher or admin", role.String())
	}
	var hash *string
	if password != "" {
		if err := CheckPasswordStrength(password); err != nil {
			return User{}, errs.Field("body.password", err.Error(), nil)
		}
		var h string
		if err := s.hashing(ctx, func() (err error) { h, err = HashPassword(password, s.argon); return err }); err != nil {
			return User{}, err
		}
		hash = &h
	}
	now := s.now()
	var u User
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users (email, name, role, password_hash, sessions_valid_after, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+userCols, email, strings.TrimSpace(name), role.String(), hash, now, now, now))
		if kind, _ := db.Violation(err); kind == db.Unique {
			e := errs.Conflictf("a user with email %s already exists", email)
			e.Fields = []errs.FieldError{{Location: "body.email", Message: "already exists", Value: email}}
			return e
		}
		if err == nil {
			AuditCreated(ctx, u.ID)
		}
		return err
	})
	return u, err
}

// ListUsers returns every user, by email.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.db.Read().Query(ctx, `SELECT `+userCols+` FROM users ORDER BY email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers returns how many users exist.
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.Read().QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// updateUser changes a user and, in the same transaction, runs then (when
// not nil) with the user before and after the change. Every such change can
// take access away, so it moves the auth epoch in that transaction too.
func (s *Service) updateUser(ctx context.Context, id int64, then func(tx db.Conn, before, after User) error, set string, args ...any) (User, error) {
	var u User
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		// The no-op update reads the user and locks the row (PostgreSQL;
		// SQLite serialises writers), so before is what the change changes.
		before, err := scanUser(tx.QueryRow(ctx, `UPDATE users SET updated_at = updated_at WHERE id = ? RETURNING `+userCols, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("user %d not found", id)
		}
		if err != nil {
			return err
		}
		if u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET `+set+`, updated_at = ? WHERE id = ? RETURNING `+userCols, append(args, s.now(), id)...)); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx, before, u); err != nil {
				return err
			}
		}
		return bumpEpoch(ctx, tx)
	})
	if err == nil {
		s.cache.clear()
	}
	return u, err
}

// SetRole changes a user's role; it takes effect on their next request. A
// lower role also lowers the cap of every token of the user to it, so raising
// the role again later gives none of them back their power.
func (s *Service) SetRole(ctx context.Context, id int64, role Role) (User, error) {
	if role < Viewer || role > Admin {
		return User{}, errs.Field("body.role", "want viewer, editor, publisher or admin", role.String())
	}
	return s.updateUser(ctx, id, func(tx db.Conn, before, _ User) error {
		if role >= before.Role {
			return nil
		}
		return s.capTokens(ctx, tx, id, role)
	}, `role = ?`, role.String())
}

// capTokens lowers to role the cap of the user's tokens that could exceed it.
func (s *Service) capTokens(ctx context.Context, tx db.Conn, userID int64, role Role) error {
	if role >= Admin {
		return nil
	}
	above := []any{role.String(), userID}
	for r := role + 1; r <= Admin; r++ {
		above = append(above, r.String())
	}
	_, err := tx.Exec(ctx, `UPDATE api_tokens SET role = ? WHERE user_id = ? AND revoked_at IS NULL AND (role IS NULL OR role IN (`+db.Placeholders(len(above)-2)+`))`, above...)
	return err
}

// revokeTokens revokes every token of the user in tx.
func (s *Service) revokeTokens(ctx context.Context, tx db.Conn, userID int64) error {
	_, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, s.now(), userID)
	return err
}

// SetDisabled disables a user, signing them out everywhere and revoking
// their API tokens, or enables them again (with none of those back).
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool) (User, error) {
	if disabled {
		return s.updateUser(ctx, id, func(tx db.Conn, _, _ User) error { return s.revokeTokens(ctx, tx, id) },
			`disabled = ?, sessions_valid_after = ?`, true, s.now())
	}
	return s.updateUser(ctx, id, nil, `disabled = ?`, false)
}

// ResetPassword sets a new password, ends the user's sessions and revokes
// their API tokens: a reset answers a password that may be known to others.
func (s *Service) ResetPassword(ctx context.Context, id int64, password string) (User, error) {
	if err := CheckPasswordStrength(password); err != nil {
		return User{}, errs.Field("body.password", err.Error(), nil)
	}
	var h string
	if err := s.hashing(ctx, func() (err error) { h, err = HashPassword(password, s.argon); return err }); err != nil {
		return User{}, err
	}
	return s.updateUser(ctx, id, func(tx db.Conn, _, _ User) error { return s.revokeTokens(ctx, tx, id) },
		`password_hash = ?, sessions_valid_after = ?`, h, s.now())
}

// SignOutEverywhere voids every session of the user started before now.
func (s *Service) SignOutEverywhere(ctx context.Context, id int64) error {
	_, err := s.updateUser(ctx, id, nil, `sessions_valid_after = ?`, s.now())
	return err
}

// ErrBadCredentials is the one answer to a failed sign-in: it does not say
// whether the account exists.
var ErrBadCredentials = &errs.Error{Code: errs.Unauthorized, Message: "email or password is wrong"}

// --- API tokens

// tokenPrefix marks IMAP Hub tokens, so secret scanners can find leaked ones.
const tokenPrefix = "imh_"

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateToken issues an API token for a user and returns it with its secret,
// which is shown this once and stored only as a hash. role, when set, caps
// the token below its user's role. expires defaults to the token lifetime
// from now, which is also the latest it may be. A user holds at most
// MaxTokensPerUser live tokens.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string, role *Role, expires *time.Time) (Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return Token{}, "", errs.Field("body.name", "must be 1 to 100 characters", name)
	}
	now := s.now()
	latest := now.Add(s.tokenLifetime)
	if expires == nil {
		expires = &latest
	}
	if !expires.After(now) {
		return Token{}, "", errs.Field("body.expires_at", "must be in the future", expires)
	}
	if expires.After(latest.Add(time.Minute)) { // a minute of leeway for "now + lifetime" computed by the caller
		return Token{}, "", errs.Field("body.expires_at", fmt.Sprintf("must be at most %s from now (the server's token lifetime, IMAPHUB_TOKEN_LIFETIME)", s.tokenLifetime), expires)
	}
	if expires.After(latest) {
		expires = &latest
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Token{}, "", err
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	var roleText *string
	if role != nil {
		r := role.String()
		roleText = &r
	}
	var t Token
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		// The no-op update locks the user's row (PostgreSQL; SQLite
		// serialises writers), so tokens created at once are counted in turn.
		u, err := scanUser(tx.QueryRow(ctx, `UPDATE users SET updated_at = updated_at WHERE id = ? RETURNING `+userCols, userID))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("user %d not found", userID)
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			return errs.Conflictf("user %s is disabled; enable them before creating tokens", u.Email)
		}
		var live int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`, userID, now).Scan(&live); err != nil {
			return err
		}
		if live >= MaxTokensPerUser {
			return errs.Conflictf("%s already has %d live API tokens, the most one user may hold; revoke one first", u.Email, live).With("max_tokens", MaxTokensPerUser)
		}
		t, err = scanToken(tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, role, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+tokenCols, userID, name, hashToken(secret), secret[:10], roleText, now, expires))
		if err == nil {
			AuditCreated(ctx, t.ID)
		}
		return err
	})
	return t, secret, err
}

const tokenCols = `id, user_id, name, prefix, role, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row scanner) (Token, error) {
	var t Token
	var role sql.NullString
	var exp, used, rev sql.NullTime
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &role, &t.CreatedAt, &exp, &used, &rev); err != nil {
		return t, err
	}
	if role.Valid {
		r, err := ParseRole(role.String)
		if err != nil {
			return t, err
		}
		t.Role = &r
	}
	for _, p := range []struct {
		n   sql.NullTime
		dst **time.Time
	}{{exp, &t.ExpiresAt}, {used, &t.LastUsedAt}, {rev, &t.RevokedAt}} {
		if p.n.Valid {
			v := p.n.Time
			*p.dst = &v
		}
	}
	return t, nil
}

// Tokens lists a user's tokens, newest first.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.db.Read().Query(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// UserTokens lists the tokens of a user who must exist, newest first.
func (s *Service) UserTokens(ctx context.Context, userID int64) ([]Token, error) {
	if _, err := s.User(ctx, userID); err != nil {
		return nil, err
	}
	return s.Tokens(ctx, userID)
}

// RevokeToken revokes one of a user's tokens (admins may pass userID 0 for any).
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		q := `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`
		args := []any{s.now(), tokenID}
		if userID != 0 {
			q += ` AND user_id = ?`
			args = append(args, userID)
		}
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("token %d not found or already revoked", tokenID)
		}
		return bumpEpoch(ctx, tx)
	})
	if err == nil {
		s.cache.clear()
	}
	return err
}

// errUnauthenticated is the single public answer to a bad credential: it
// gives an attacker no hint about which part was wrong.
var errUnauthenticated = &errs.Error{Code: errs.Unauthorized, Message: "authentication required"}

// AuthenticateToken resolves a bearer token to its caller. Who a token
// belongs to is cached until the auth epoch moves (revocation, role change,
// disabling), so most requests cost no database round trip.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, errUnauthenticated
	}
	hash := hashToken(secret)
	s.cache.fresh(ctx, s.db)
	s.cache.mu.Lock()
	e, ok := s.cache.tokens[hash]
	s.cache.mu.Unlock()
	if !ok {
		var capRole sql.NullString
		var exp, rev, used sql.NullTime
		var userRole string
		err := s.db.Read().QueryRow(ctx, `SELECT t.id, t.user_id, t.role, t.expires_at, t.revoked_at, t.last_used_at, u.role, u.email, u.disabled
			FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hash).
			Scan(&e.tokenID, &e.userID, &capRole, &exp, &rev, &used, &userRole, &e.email, &e.disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errUnauthenticated
		}
		if err != nil {
			return nil, err
		}
		if rev.Valid {
			e.disabled = true // a revoked token is refused like a disabled user's
		}
		if e.userRole, err = ParseRole(userRole); err != nil {
			return nil, err
		}
		if capRole.Valid {
			if e.cap, err = ParseRole(capRole.String); err != nil {
				return nil, err
			}
			e.hasCap = true
		}
		e.expires, e.lastUsed = exp.Time, used.Time
		s.cache.mu.Lock()
		if s.cache.tokens == nil {
			s.cache.tokens = map[string]tokenEntry{}
		}
		s.cache.tokens[hash] = e
		s.cache.mu.Unlock()
	}
	now := s.now()
	if e.disabled || (!e.expires.IsZero() && !e.expires.After(now)) {
		return nil, errUnauthenticated
	}
	role := e.userRole
	if e.hasCap && e.cap < role {
		role = e.cap
	}
	// Record use at most once a minute, so reads do not turn into writes.
	if now.Sub(e.lastUsed) > time.Minute {
		err := s.db.InTx(ctx, func(tx db.Conn) error {
			_, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, now, e.tokenID)
			return err
		})
		if err != nil {
			return nil, err
		}
		s.cache.mu.Lock()
		if c, ok := s.cache.tokens[hash]; ok {
			c.lastUsed = now
			s.cache.tokens[hash] = c
		}
		s.cache.mu.Unlock()
	}
	return &Principal{UserID: e.userID, Email: e.email, Role: role, Via: "token", TokenID: e.tokenID}, nil
}

// SessionUser resolves a session's user, refusing sessions that started
// before the user's sessions_valid_after and disabled users.
func (s *Service) SessionUser(ctx context.Context, userID int64, started time.Time) (*Principal, error) {
	s.cache.fresh(ctx, s.db)
	s.cache.mu.Lock()
	u, ok := s.cache.users[userID]
	s.cache.mu.Unlock()
	if !ok {
		var err error
		u, err = s.User(ctx, userID)
		if errs.Is(err, errs.NotFound) {
			return nil, errUnauthenticated
		}
		if err != nil {
			return nil, err
		}
		s.cache.mu.Lock()
		if s.cache.users == nil {
			s.cache.users = map[int64]User{}
		}
		s.cache.users[userID] = u
		s.cache.mu.Unlock()
	}
	if u.Disabled || started.Before(u.sessionsValidAfter) {
		return nil, errUnauthenticated
	}
	return &Principal{UserID: u.ID, Email: u.Email, Role: u.Role, Via: "session"}, nil
}
