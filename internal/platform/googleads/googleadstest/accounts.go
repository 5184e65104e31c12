package googleadstest

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Account is a Google Ads account of the fake.
type Account struct {
	ID       string // ten digits
	Name     string
	Manager  bool
	Test     bool
	Parent   string // the manager account above it, if any
	Currency string // default EUR
	TimeZone string // default Europe/Berlin
}

// AddAccount adds or replaces an account.
func (f *Fake) AddAccount(a Account) {
	if a.Currency == "" {
		a.Currency = "EUR"
	}
	if a.TimeZone == "" {
		a.TimeZone = "Europe/Berlin"
	}
	f.mu.Lock()
	f.accounts[a.ID] = &a
	f.mu.Unlock()
}

// GrantAccess gives a Google user direct access to an account (and through
// a manager, to the accounts under it).
func (f *Fake) GrantAccess(user, accountID string) {
	f.mu.Lock()
	if !slices.Contains(f.access[user], accountID) {
		f.access[user] = append(f.access[user], accountID)
	}
	f.mu.Unlock()
}

var digits10 = regexp.MustCompile(`^[0-9]{10}$`)

// authenticate checks the headers and the account access, in the order
// Google's front end and the Ads API do.
func (c *callCtx) authenticate() *apiError {
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	auth := c.r.Header.Get("Authorization")
	if auth == "" {
		return &apiError{status: "UNAUTHENTICATED", message: "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
			details: []map[string]any{errorInfo("CREDENTIALS_MISSING")}}
	}
	raw, ok := strings.CutPrefix(auth, "Bearer ")
	tok := f.tokens[raw]
	invalid := &apiError{status: "UNAUTHENTICATED", message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
		details: []map[string]any{errorInfo("ACCESS_TOKEN_TYPE_UNSUPPORTED")}}
	if !ok || raw == "" || tok == nil {
		return invalid
	}
	if !f.now().Before(tok.expires) {
		invalid.details = []map[string]any{failure(c.version, []adsError{newErr(nil, "authenticationError", "OAUTH_TOKEN_EXPIRED", "OAuth token in the header has expired.")}, c.requestID)}
		return invalid
	}
	client := f.clients[tok.client]
	if !client.apiEnabled {
		return &apiError{status: "PERMISSION_DENIED", message: "Google Ads API has not been used in project 1000 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/googleads.googleapis.com/overview?project=1000 then retry.",
			details: []map[string]any{errorInfo("SERVICE_DISABLED")}}
	}
	if !slices.Contains(tok.scopes, "https://www.googleapis.com/auth/adwords") {
		return &apiError{status: "PERMISSION_DENIED", message: "Request had insufficient authentication scopes.",
			details: []map[string]any{errorInfo("ACCESS_TOKEN_SCOPE_INSUFFICIENT")}}
	}
	c.user, c.level = tok.user, client.level
	dev := c.r.Header.Get("developer-token")
	if f.devTokenRule == DeveloperTokenRequired {
		if dev == "" {
			return c.fail("INVALID_ARGUMENT", newErr(nil, "requestError", "DEVELOPER_TOKEN_PARAMETER_MISSING", "The developer-token parameter is required for all requests."))
		}
		level, known := f.devTokens[dev]
		if !known {
			return c.fail("UNAUTHENTICATED", newErr(nil, "authenticationError", "DEVELOPER_TOKEN_INVALID", "The developer token is not valid."))
		}
		c.level = level
	}
	if c.call == "mutate" || c.call == "search" || c.call == "searchStream" {
		if ct := c.r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			return &apiError{status: "INVALID_ARGUMENT", message: "Invalid JSON payload received. Content-Type " + ct + " is not application/json.",
				details: []map[string]any{badRequest("", "Invalid JSON payload received.")}}
		}
	}
	login := c.r.Header.Get("login-customer-id")
	if login != "" && (!digits10.MatchString(login) || f.accounts[login] == nil) {
		return c.fail("UNAUTHENTICATED", newErr(nil, "headerError", "INVALID_LOGIN_CUSTOMER_ID", "The login customer ID could not be validated."))
	}
	if c.call == "listAccessibleCustomers" {
		return nil
	}
	if !digits10.MatchString(c.customerID) {
		return c.fail("INVALID_ARGUMENT", newErr(nil, "requestError", "INVALID_CUSTOMER_ID", "Customer ID is invalid.").withTrigger(c.customerID))
	}
	target := f.accounts[c.customerID]
	if target == nil {
		return c.fail("UNAUTHENTICATED", newErr(nil, "authenticationError", "CUSTOMER_NOT_FOUND", "No customer found for the provided customer ID."))
	}
	denied := c.fail("PERMISSION_DENIED", newErr(nil, "authorizationError", "USER_PERMISSION_DENIED",
		"User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer ID must be set in the 'login-customer-id' header. See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid"))
	if login == "" {
		if !slices.Contains(f.access[c.user], c.customerID) {
			return denied
		}
	} else if !f.reaches(c.user, login) || !f.isUnder(c.customerID, login) {
		return denied
	}
	if !target.Test && c.level == AccessTest {
		if f.devTokenRule == DeveloperTokenRequired {
			return c.fail("PERMISSION_DENIED", newErr(nil, "authorizationError", "DEVELOPER_TOKEN_NOT_APPROVED",
				"The developer token is only approved for use with test accounts. To access non-test accounts, apply for Basic or Standard access."))
		}
		return c.fail("PERMISSION_DENIED", newErr(nil, "authorizationError", "CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION",
			"The Google Cloud project is only approved for use with test accounts. To access non-test accounts, apply for Explorer, Basic or Standard access."))
	}
	return nil
}

// reaches reports whether user can act as account: direct access to it or to
// a manager above it. Called with f.mu held.
func (f *Fake) reaches(user, account string) bool {
	for _, a := range f.access[user] {
		if f.isUnder(account, a) {
			return true
		}
	}
	return false
}

// isUnder reports whether account is manager or lies below it. Called with
// f.mu held.
func (f *Fake) isUnder(account, manager string) bool {
	for id, hops := account, 0; id != "" && hops < 20; hops++ {
		if id == manager {
			return true
		}
		a := f.accounts[id]
		if a == nil {
			return false
		}
		id = a.Parent
	}
	return false
}

func (c *callCtx) listAccessibleCustomers() *apiError {
	c.f.mu.Lock()
	ids := slices.Clone(c.f.access[c.user])
	c.f.mu.Unlock()
	slices.Sort(ids)
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = "customers/" + id
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"resourceNames": names})
	return nil
}

// customerEntity presents an account as the customer resource. Called with
// f.mu held.
func (f *Fake) customerEntity(id string) *entity {
	a := f.accounts[id]
	n, _ := strconv.ParseInt(id, 10, 64)
	return &entity{def: resourceByGAQL("customer"), customer: id, name: "customers/" + id, v: map[string]any{
		"resource_name": "customers/" + id, "id": n, "descriptive_name": a.Name, "currency_code": a.Currency,
		"time_zone": a.TimeZone, "manager": a.Manager, "test_account": a.Test, "status": "ENABLED",
	}}
}

// customerClients is the hierarchy under id, itself at level 0. Called with
// f.mu held.
func (f *Fake) customerClients(id string) []*entity {
	var out []*entity
	var walk func(acc string, level int64)
	walk = func(acc string, level int64) {
		a := f.accounts[acc]
		n, _ := strconv.ParseInt(acc, 10, 64)
		out = append(out, &entity{def: resourceByGAQL("customer_client"), customer: id, seq: int64(len(out)), v: map[string]any{
			"resource_name": "customers/" + id + "/customerClients/" + acc, "client_customer": "customers/" + acc,
			"hidden": false, "level": level, "time_zone": a.TimeZone, "test_account": a.Test, "manager": a.Manager,
			"descriptive_name": a.Name, "currency_code": a.Currency, "id": n, "status": "ENABLED",
		}})
		var children []string
		for cid, c := range f.accounts {
			if c.Parent == acc {
				children = append(children, cid)
			}
		}
		slices.Sort(children)
		for _, c := range children {
			walk(c, level+1)
		}
	}
	walk(id, 0)
	return out
}
