package campaigns_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// The account's brand spellings extend the built-in list for every
// campaign: a spelling refused as mixed case is accepted in writes and by
// /api/validate once the account lists it, and refused again once it is
// taken off the list.
func TestAccountBrandSpellingsExtendTheBuiltinList(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", newCampaign("Marken", "SEARCH")))
		g := idOf(t, e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": id, "name": "Reifen"}))
		ad := func() map[string]any {
			return map[string]any{"ad_group_id": g, "final_urls": []string{"https://reifen-mueller.example/"},
				"headlines":    []map[string]any{{"text": "Bei ReifenDirekt kaufen"}, {"text": "Winterreifen kaufen"}, {"text": "Montage inklusive"}},
				"descriptions": []map[string]any{{"text": "Top-Marken zu fairen Preisen."}, {"text": "Montage bei Partnern in Ihrer Nähe."}}}
		}
		validate := func() bool {
			var out struct{ Items []struct{ Valid bool } }
			e.DoAs(t, auth.Viewer, "POST", "/api/validate", map[string]any{"items": []map[string]any{{"field": "HEADLINE", "text": "Bei ReifenDirekt kaufen", "language": "de"}}}).JSON(t, &out)
			return len(out.Items) == 1 && out.Items[0].Valid
		}

		// Built in: well-known spellings, listed for people to see.
		var list struct{ Account, Builtin []string }
		e.DoAs(t, auth.Viewer, "GET", "/api/brand-spellings", nil).JSON(t, &list)
		if len(list.Account) != 0 || !slices.Contains(list.Builtin, "JobRad") || !slices.Contains(list.Builtin, "PayPal") {
			t.Fatalf("list: %d account, builtin has JobRad/PayPal: %v/%v", len(list.Account), slices.Contains(list.Builtin, "JobRad"), slices.Contains(list.Builtin, "PayPal"))
		}
		if r := e.Must(t, 422, "POST", "/api/ads", ad()); !strings.Contains(string(r.Body), "ReifenDirekt") {
			t.Errorf("refusal does not name the spelling: %s", r.Body)
		}
		if validate() {
			t.Error("ReifenDirekt valid before the account lists it")
		}

		// Only editors change the list; bad entries are named.
		if s := e.DoAs(t, auth.Viewer, "PUT", "/api/brand-spellings", map[string]any{"terms": []string{"ReifenDirekt"}}).Status; s != http.StatusForbidden {
			t.Errorf("viewer changed the list: %d", s)
		}
		if r := e.Must(t, 422, "PUT", "/api/brand-spellings", map[string]any{"terms": []string{"ReifenDirekt", "  "}}); !strings.Contains(string(r.Body), "body.terms[1]") {
			t.Errorf("blank entry not named: %s", r.Body)
		}
		e.Must(t, 200, "PUT", "/api/brand-spellings", map[string]any{"terms": []string{" ReifenDirekt ", "ReifenDirekt", "AutoPlus"}}).JSON(t, &list)
		if strings.Join(list.Account, ",") != "AutoPlus,ReifenDirekt" {
			t.Errorf("stored %v", list.Account)
		}
		e.Must(t, 201, "POST", "/api/ads", ad())
		if !validate() {
			t.Error("ReifenDirekt refused by /api/validate though the account lists it")
		}
		// Approval checks the ads again with the account's list.
		e.Event(t, 200, id, "submit")
		e.Event(t, 200, id, "approve")

		// Off the list, refused again.
		e.Must(t, 200, "PUT", "/api/brand-spellings", map[string]any{"terms": []string{}})
		if validate() {
			t.Error("ReifenDirekt still valid after leaving the list")
		}
	})
}
