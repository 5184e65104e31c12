package reporting

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// bumpEpoch moves the reporting epoch (table report_epoch): every report
// answer cached before it is stale. Call it in the transaction that changes
// the facts, so the move commits with them.
func bumpEpoch(ctx context.Context, tx db.Conn) error {
	_, err := bumpEpochTo(ctx, tx)
	return err
}

// bumpEpochTo is bumpEpoch that tells the epoch the transaction moved to.
func bumpEpochTo(ctx context.Context, tx db.Conn) (int64, error) {
	var epoch int64
	if err := tx.QueryRow(ctx, `UPDATE report_epoch SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch`).Scan(&epoch); err != nil {
		return 0, fmt.Errorf("move the reporting epoch: %w", err)
	}
	return epoch, nil
}

// factsEpoch reads the reporting epoch in tx.
func factsEpoch(ctx context.Context, tx db.Conn) (int64, error) {
	var epoch int64
	if err := tx.QueryRow(ctx, `SELECT epoch FROM report_epoch WHERE id = 1`).Scan(&epoch); err != nil {
		return 0, fmt.Errorf("read the reporting epoch: %w", err)
	}
	return epoch, nil
}

// readEpoch is the version of everything a report answer shows: the
// reporting epoch (facts) plus the graph epoch, which the schema's triggers
// move on every change of a campaign, ad group, ad, keyword, asset group,
// asset or link (names, states, where-used). Both only grow, so their sum
// moves whenever either does and a newer answer never looks older.
// Concurrent requests share reads (db.DB.Epoch).
func readEpoch(ctx context.Context, d *db.DB) (int64, error) {
	epoch, err := d.Epoch(ctx, `SELECT r.epoch + g.v FROM report_epoch r, graph_epoch g WHERE r.id = 1 AND g.id = 1`)
	if err != nil {
		return 0, fmt.Errorf("read the reporting epoch: %w", err)
	}
	return epoch, nil
}
