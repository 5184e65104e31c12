// Package migrations holds the versioned schema of IMAP Hub, one folder per
// database engine. Both folders describe the same tables, constraints and
// indexes; the store tests run on both engines to keep them in step.
package migrations

import "embed"

// FS holds sqlite/NNNN_name.sql and postgres/NNNN_name.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
