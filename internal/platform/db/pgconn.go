package db

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A pgx connection is closed when a query on it is cancelled (the request's
// client went away): pgx cuts it rather than leave a half-read answer on
// the wire. database/sql learns that a released connection is unusable
// only from driver.Validator, which pgx's database/sql driver does not
// implement, so the closed connection went back to the pool. Its next user
// is told driver.ErrBadConn; database/sql tries again, but while the pool is
// full its last try waits for a released connection — and under load that
// can be another closed one, which reaches the caller as a 500 "driver: bad
// connection". validatedConnector drops such connections as they are
// released.

// validatedConnector opens pgx connections that tell database/sql when they
// are closed.
type validatedConnector struct{ driver.Connector }

func newValidatedConnector(dsn string) (driver.Connector, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return validatedConnector{stdlib.GetConnector(*cfg)}, nil
}

func (c validatedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*stdlib.Conn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("postgres: unexpected driver connection %T", conn)
	}
	return validatedConn{sc}, nil
}

// validatedConn is pgx's connection with driver.Validator.
type validatedConn struct{ *stdlib.Conn }

// IsValid reports whether the connection may be used again.
func (c validatedConn) IsValid() bool { return !c.Conn.Conn().IsClosed() }

var _ driver.Validator = validatedConn{}

// unwrapDriverConn returns the driver's own connection behind one of ours.
func unwrapDriverConn(dc any) any {
	if v, ok := dc.(validatedConn); ok {
		return v.Conn
	}
	return dc
}
