package db

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Constraint kinds that stores translate into user-facing errors.
type Constraint int

const (
	NoConstraint Constraint = iota
	Unique
	ForeignKey
	Check
	NotNull
)

// Violation reports which kind of constraint err violated, and the constraint
// (or, on SQLite, the message) that names it.
func Violation(err error) (Constraint, string) {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return Unique, se.Error()
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
			return ForeignKey, se.Error()
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return Check, se.Error()
		case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return NotNull, se.Error()
		}
		return NoConstraint, ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return Unique, pe.ConstraintName
		case "23503":
			return ForeignKey, pe.ConstraintName
		case "23514":
			return Check, pe.ConstraintName
		case "23502":
			return NotNull, pe.ColumnName
		}
	}
	return NoConstraint, ""
}
