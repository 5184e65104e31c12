package generation_test

import (
	"context"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/db"
)

func newCampaign(name, typ string) map[string]any {
	return map[string]any{"name": name, "type": typ, "budget_micros": 50_000_000, "currency": "EUR",
		"languages": []string{"de"}, "locations": []string{"DE", "AT"}, "final_url": "https://reifen-mueller.example/winter",
		"brief": map[string]any{"product": "Winterreifen", "keywords": []string{"winterreifen kaufen"}, "language": "de"}}
}

func idOf(t *testing.T, r *apptest.Response) int64 {
	t.Helper()
	var v struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &v)
	if v.ID <= 0 {
		t.Fatalf("no id in %s", r.Body)
	}
	return v.ID
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
