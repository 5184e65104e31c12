package campaigns

import (
	"context"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Names returns the current names of the campaigns with the given ids;
// campaigns that no longer exist are left out. Job lists name their
// campaigns with it.
func (s *Service) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	const chunk = 500 // below every engine's limit of bound parameters
	for lo := 0; lo < len(ids); lo += chunk {
		part := ids[lo:min(lo+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.db.Read().Query(ctx, `SELECT id, name FROM campaigns WHERE id IN (`+db.Placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
