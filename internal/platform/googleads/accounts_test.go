package googleads_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

func TestCustomerDescribesTheAccount(t *testing.T) {
	b := setup(t)
	for _, tc := range []struct {
		id, want string
	}{
		{googleadstest.ManagerID, "1234567890 IMAP Hub Manager manager=true test=false"},
		{googleadstest.ClientAccountID, "1111111111 Reifen Müller manager=false test=false"},
		{googleadstest.TestAccountID, "2222222222 Reifen Müller (test) manager=false test=true"},
	} {
		acc, err := b.client.Customer(context.Background(), tc.id)
		if err != nil {
			t.Fatalf("%s: %v", tc.id, err)
		}
		c := acc.Customer
		if got := fmt.Sprintf("%d %s manager=%v test=%v", c.ID, c.DescriptiveName, c.Manager, c.TestAccount); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.id, got, tc.want)
		}
		if c.ResourceName != "customers/"+tc.id {
			t.Errorf("%s: resource name %q", tc.id, c.ResourceName)
		}
		calls := b.srv.RequestsTo("search")
		if last := calls[len(calls)-1]; acc.RequestID == "" || acc.RequestID != last.RequestID || last.CustomerID != tc.id {
			t.Errorf("%s: request-id %q, the fake answered %q to customer %s", tc.id, acc.RequestID, last.RequestID, last.CustomerID)
		}
	}
}

func TestCustomerOutsideTheLoginCustomerIsRefused(t *testing.T) {
	b := setup(t)
	b.srv.AddAccount(googleadstest.Account{ID: "5555555555", Name: "Someone else"})
	_, err := b.client.Customer(context.Background(), "555-555-5555")
	var api *googleads.APIError
	if !errors.As(err, &api) || !api.Has("authorizationError.USER_PERMISSION_DENIED") || api.RequestID == "" {
		t.Fatalf("err %v", err)
	}
}

func TestCustomerWithABadIDIsNotSent(t *testing.T) {
	b := setup(t)
	_, err := b.client.Customer(context.Background(), "12")
	if e := errs.As(err); e == nil || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Location != "customer_id" {
		t.Fatalf("err %v", err)
	}
	if n := len(b.srv.RequestsTo("search")); n != 0 {
		t.Errorf("%d searches sent", n)
	}
}

// An API that answers a customer query without a row (no real one does) is
// an error that names the request, not a crash.
func TestCustomerWithoutARowIsAnError(t *testing.T) {
	fake := googleadstest.NewServer()
	t.Cleanup(fake.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("request-id", "empty-answer-1")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"fieldMask": "customer.id,customer.descriptiveName,customer.manager,customer.testAccount"}`)
	}))
	t.Cleanup(api.Close)
	cfg := config(fake)
	cfg.APIURL = api.URL
	client, err := googleads.New(cfg, googleads.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Customer(context.Background(), googleadstest.ClientAccountID)
	if err == nil || err.Error() != "googleads: customer 1111111111 answered no customer row (request-id empty-answer-1)" {
		t.Fatalf("err %v", err)
	}
}

// treeLines writes each account of a tree as "level id name manager test".
func treeLines(tree *googleads.AccountTree) []string {
	var out []string
	for _, c := range tree.Accounts {
		out = append(out, fmt.Sprintf("%d %s %d %s manager=%v test=%v %s", c.Level, c.ClientCustomer, c.ID, c.DescriptiveName, c.Manager, c.TestAccount, c.Status))
	}
	return out
}

func TestAccountTreeStopsAtTheLevelAsked(t *testing.T) {
	b := setup(t)
	b.srv.AddAccount(googleadstest.Account{ID: "3333333333", Name: "Agentur Nord", Manager: true, Parent: googleadstest.ManagerID})
	b.srv.AddAccount(googleadstest.Account{ID: "4444444444", Name: "Autohaus Kiel", Parent: "3333333333"})
	all := []string{
		"0 customers/1234567890 1234567890 IMAP Hub Manager manager=true test=false ENABLED",
		"1 customers/1111111111 1111111111 Reifen Müller manager=false test=false ENABLED",
		"1 customers/2222222222 2222222222 Reifen Müller (test) manager=false test=true ENABLED",
		"1 customers/3333333333 3333333333 Agentur Nord manager=true test=false ENABLED",
		"2 customers/4444444444 4444444444 Autohaus Kiel manager=false test=false ENABLED",
	}
	for _, tc := range []struct {
		maxLevel int
		want     []string
	}{
		{0, all[:1]},
		{1, all[:4]},
		{2, all},
		{5, all},
	} {
		tree, err := b.client.AccountTree(context.Background(), googleadstest.ManagerID, tc.maxLevel)
		if err != nil {
			t.Fatalf("level %d: %v", tc.maxLevel, err)
		}
		if got := treeLines(tree); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("level %d\n got %q\nwant %q", tc.maxLevel, got, tc.want)
		}
		calls := b.srv.RequestsTo("search")
		if len(tree.RequestIDs) != 1 || tree.RequestIDs[0] != calls[len(calls)-1].RequestID {
			t.Errorf("level %d: request-ids %q", tc.maxLevel, tree.RequestIDs)
		}
	}
}

func TestAccountTreeOfAClientIsTheClientAlone(t *testing.T) {
	b := setup(t)
	tree, err := b.client.AccountTree(context.Background(), googleadstest.ClientAccountID, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0 customers/1111111111 1111111111 Reifen Müller manager=false test=false ENABLED"}
	if got := treeLines(tree); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAccountTreeRefusesBadInputBeforeSending(t *testing.T) {
	b := setup(t)
	for _, tc := range []struct {
		manager  string
		maxLevel int
		field    string
	}{
		{googleadstest.ManagerID, -1, "max_level"},
		{"123", 2, "customer_id"},
	} {
		_, err := b.client.AccountTree(context.Background(), tc.manager, tc.maxLevel)
		if e := errs.As(err); e == nil || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Location != tc.field {
			t.Errorf("%s %d: err %v", tc.manager, tc.maxLevel, err)
		}
	}
	if n := len(b.srv.RequestsTo("search")); n != 0 {
		t.Errorf("%d searches sent", n)
	}
}

func TestAccountTreeOfAManagerTheUserCannotReachIsRefused(t *testing.T) {
	b := setup(t)
	b.srv.AddAccount(googleadstest.Account{ID: "5555555555", Name: "Someone else", Manager: true})
	_, err := b.client.AccountTree(context.Background(), "5555555555", 2)
	var api *googleads.APIError
	if !errors.As(err, &api) || !api.Has("authorizationError.USER_PERMISSION_DENIED") {
		t.Fatalf("err %v", err)
	}
}
