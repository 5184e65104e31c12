package auth

import (
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

// ErrBadCredentials is the one answer to a failed sign-in: it does not say
// whether the account exists.
var ErrBadCredentials = &errs.Error{Code: errs.Unauthorized, Message: "email or password is wrong"}

// errUnauthenticated is the single public answer to a bad credential: it
// gives an attacker no hint about which part was wrong.
var errUnauthenticated = &errs.Error{Code: errs.Unauthorized, Message: "authentication required"}
