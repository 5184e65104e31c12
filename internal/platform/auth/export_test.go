package auth

import "time"

// SetClock makes s read the time from now, so a test moves time instead of
// waiting for it.
func SetClock(s *Service, now func() time.Time) { s.now = now }

// HashPeak is the most password hashes s has run at once.
func HashPeak(s *Service) int64 { return s.hashPeak.Load() }

// HashSlots is how many password hashes s runs at once at most.
func HashSlots(s *Service) int { return cap(s.hashSlots) }
