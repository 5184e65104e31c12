package auth

import (
	"context"
	"time"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Sessions: who a session belongs to, checked against the user as it is now.

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
