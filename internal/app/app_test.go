package app_test

import (
	"net/http"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// Every operation in the published contract declares the role it requires,
// and the server's registry (which enforcement consults) agrees with it.
func TestEveryOperationDeclaresItsRole(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	e := apptest.Start(t, d)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Role        string `json:"x-imaphub-min-role"`
		} `json:"paths"`
	}
	e.Must(t, http.StatusOK, "GET", "/openapi.json", nil).JSON(t, &doc)
	srv := e.App.Server()
	n := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			n++
			if op.Role == "" {
				t.Errorf("%s %s (%s) declares no role", method, path, op.OperationID)
				continue
			}
			want, err := auth.ParseRole(op.Role)
			if err != nil {
				t.Errorf("%s %s: %v", method, path, err)
				continue
			}
			got, ok := srv.API.Roles.Role(op.OperationID)
			if !ok || got != want {
				t.Errorf("%s: registry says %v (%v), document says %v", op.OperationID, got, ok, want)
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d operations in /openapi.json", n)
	}
	if len(srv.API.Roles.Operations()) != n {
		t.Errorf("registry has %d operations, document %d", len(srv.API.Roles.Operations()), n)
	}
}
