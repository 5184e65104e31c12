package reporting

import (
	"context"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// RefreshAssetRollups is refreshAssetRollups for tests that change facts
// in SQL.
func RefreshAssetRollups(ctx context.Context, tx db.Conn, customer string, from, to Day) error {
	id, err := parseCustomer(customer)
	if err != nil {
		return err
	}
	return refreshAssetRollups(ctx, tx, id, nil, from, to)
}

// RollupBlock is the days of a block of running sums.
const RollupBlock = rollupBlock
