package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// ServerSecret returns the 32-byte secret called name, generating it on
// first need. It is kept in the database, so every instance on the same
// database (several servers behind a load balancer on PostgreSQL) gets the
// same secret, and it survives restarts. Derive a key per purpose from it.
func (s *Service) ServerSecret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	var stored string
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		// The first instance to get here wins; the others read its secret.
		if _, err := tx.Exec(ctx, `INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			name, hex.EncodeToString(fresh), s.now()); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT secret FROM server_secrets WHERE name = ?`, name).Scan(&stored)
	})
	if err != nil {
		return nil, fmt.Errorf("server secret %s: %w", name, err)
	}
	b, err := hex.DecodeString(stored)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("server secret %s: stored value is not 32 bytes of hex", name)
	}
	return b, nil
}
