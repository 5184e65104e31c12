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
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// API tokens: issued, listed, revoked and resolved to their caller.

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
			AuditEntity(ctx, t.ID)
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
		AuditEntity(ctx, tokenID)
		return bumpEpoch(ctx, tx)
	})
	if err == nil {
		s.cache.clear()
	}
	return err
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
