package publishing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
)

// Account is a Google Ads account the credentials reach.
type Account struct {
	CustomerID string `json:"customer_id" doc:"Ten digits, no dashes"`
	Name       string `json:"name"`
	Manager    bool   `json:"manager" doc:"A manager account holds no campaigns; publish to one of its clients"`
	Test       bool   `json:"test" doc:"A test account: nothing serves"`
	Level      int    `json:"level" doc:"Depth below the login customer (0: the login customer itself, or an account reached directly)"`
}

// AccountList is every account a campaign can be published to from here.
type AccountList struct {
	LoginCustomerID string    `json:"login_customer_id,omitempty" doc:"The manager account calls go through (IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID)"`
	Accounts        []Account `json:"accounts" nullable:"false"`
	RequestIDs      []string  `json:"request_ids" nullable:"false"`
}

// maxDirectAccounts bounds the accounts named one by one without a manager;
// maxAccountLevel is how deep the tree under a manager is listed.
const (
	maxDirectAccounts = 50
	maxAccountLevel   = 3
)

// Accounts lists the accounts the credentials reach: the tree under the
// login customer, or else each account the Google user reaches directly.
func (s *Service) Accounts(ctx context.Context) (AccountList, error) {
	if err := s.requireGoogle(); err != nil {
		return AccountList{}, err
	}
	out := AccountList{LoginCustomerID: s.client.Config().LoginCustomerID, Accounts: []Account{}, RequestIDs: []string{}}
	if login := out.LoginCustomerID; login != "" {
		tree, err := s.client.AccountTree(ctx, login, maxAccountLevel)
		if err != nil {
			return out, googleProblem(err)
		}
		out.RequestIDs = tree.RequestIDs
		for _, c := range tree.Accounts {
			if c.Status == "" || c.Status == "ENABLED" {
				out.Accounts = append(out.Accounts, Account{CustomerID: fmt.Sprintf("%010d", int64(c.ID)), Name: c.DescriptiveName, Manager: c.Manager,
					Test: c.TestAccount, Level: int(c.Level)})
			}
		}
		return out, nil
	}
	acc, err := s.client.ListAccessibleCustomers(ctx)
	if err != nil {
		return out, googleProblem(err)
	}
	out.RequestIDs = append(out.RequestIDs, acc.RequestID)
	ids := acc.CustomerIDs()
	slices.Sort(ids)
	for _, id := range ids[:min(len(ids), maxDirectAccounts)] {
		c, err := s.client.Customer(ctx, id)
		if err != nil {
			// An account that cannot be read is listed without its name.
			out.Accounts = append(out.Accounts, Account{CustomerID: id})
			continue
		}
		out.RequestIDs = append(out.RequestIDs, c.RequestID)
		out.Accounts = append(out.Accounts, Account{CustomerID: id, Name: c.Customer.DescriptiveName, Manager: c.Customer.Manager, Test: c.Customer.TestAccount})
	}
	return out, nil
}

// TargetInput chooses the account a campaign is published to.
type TargetInput struct {
	CustomerID string `json:"customer_id" minLength:"10" maxLength:"12" pattern:"^[0-9]{3}-?[0-9]{3}-?[0-9]{4}$" doc:"The account's id as the Google Ads UI shows it (123-456-7890) or its ten digits"`
	// ContainsEUPoliticalAdvertising is the declaration Google requires of
	// every campaign.
	ContainsEUPoliticalAdvertising bool `json:"contains_eu_political_advertising,omitempty" doc:"Whether the campaign contains EU political advertising (Google requires the declaration; Google no longer serves such ads in the EU)"`
}

// SetTarget chooses the account a campaign is published to, after checking
// at Google that the account can be reached and holds campaigns. A campaign
// that already exists at Google stays in its account.
func (s *Service) SetTarget(ctx context.Context, campaignID int64, in TargetInput, userID int64) (Target, error) {
	if err := s.requireGoogle(); err != nil {
		return Target{}, err
	}
	id, err := googleads.NormalizeCustomerID(in.CustomerID)
	if err != nil {
		return Target{}, errs.Field("body.customer_id", err.Error(), in.CustomerID)
	}
	if _, err := s.campaigns.GetCampaign(ctx, campaignID); err != nil {
		return Target{}, err
	}
	if live, err := liveAt(ctx, s.db.Read(), campaignID); err != nil {
		return Target{}, err
	} else if live != "" && live != id {
		return Target{}, errs.Conflictf("campaign %d exists in Google Ads account %s and stays there; archive it to publish it elsewhere as a new campaign", campaignID, live).
			With("customer_id", live)
	}
	acc, err := s.reachable(ctx, id)
	if err != nil {
		return Target{}, err
	}
	t := Target{CampaignID: campaignID, CustomerID: id, AccountName: acc.DescriptiveName, EUPolitical: in.ContainsEUPoliticalAdvertising, ChosenAt: s.now()}
	if userID != 0 {
		t.ChosenBy = &userID
	}
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		cur, err := s.campaigns.CampaignTx(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if cur.State == campaigns.Publishing {
			return errs.Conflictf("campaign %d is being published; choose the account when that has finished", campaignID).
				With("state", cur.State).With("allowed_events", campaigns.AllowedEvents(cur.State))
		}
		return putTarget(ctx, tx, t)
	})
	return t, err
}

// reachable reads an account at Google: it must answer and must not be a
// manager account.
func (s *Service) reachable(ctx context.Context, id string) (*googleads.Customer, error) {
	res, err := s.client.Customer(ctx, id)
	var api *googleads.APIError
	switch {
	case errors.As(err, &api) && (api.Has("authorizationError.USER_PERMISSION_DENIED") || api.Has("authenticationError.CUSTOMER_NOT_FOUND") ||
		api.Has("authorizationError.CUSTOMER_NOT_ENABLED") || api.Has("authorizationError.DEVELOPER_TOKEN_NOT_APPROVED") ||
		api.Has("authorizationError.CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION")):
		msg := fmt.Sprintf("Google Ads refuses account %s to these credentials (%s)", id, api.Errors[0].Code)
		if advice := googleads.Advice(err); advice != "" {
			msg += ": " + advice
		}
		return nil, errs.Field("body.customer_id", msg, id)
	case err != nil:
		return nil, googleProblem(err)
	}
	if res.Customer.Manager {
		return nil, errs.Field("body.customer_id", fmt.Sprintf("%s is a manager account, which holds no campaigns: choose one of its client accounts", id), id)
	}
	return &res.Customer, nil
}

// Resource is one entity of a campaign at Google Ads.
type Resource struct {
	Key          string `json:"key" doc:"Our key, e.g. ad_group:3"`
	Kind         string `json:"kind"`
	ResourceName string `json:"resource_name"`
}

// Status is where a campaign stands with Google Ads.
type Status struct {
	CampaignID   int64      `json:"campaign_id"`
	Connected    bool       `json:"connected" doc:"Whether Google Ads is configured on this server"`
	Target       *Target    `json:"target,omitempty" doc:"The account chosen; absent until one is"`
	Live         bool       `json:"live" doc:"The campaign exists at Google Ads (published and not removed)"`
	CustomerID   string     `json:"customer_id,omitempty" doc:"The account the campaign exists in"`
	GoogleStatus string     `json:"google_status,omitempty" enum:"ENABLED,PAUSED,REMOVED" doc:"The campaign's status at Google as last set from here"`
	CampaignURL  string     `json:"campaign_url,omitempty" doc:"The campaign in the Google Ads UI"`
	Resources    []Resource `json:"resources" nullable:"false" doc:"Every entity's resource name at Google"`
	LastRun      *Run       `json:"last_run,omitempty"`
}

// CampaignURL links a campaign into the Google Ads UI.
func CampaignURL(customerID, resourceName string) string {
	rn, err := googleads.ParseResourceName(resourceName)
	if err != nil || len(rn.IDs) == 0 {
		return ""
	}
	return "https://ads.google.com/aw/campaigns?campaignId=" + rn.IDs[0] + "&__c=" + customerID
}

// Status reports a campaign's account, its resources at Google and its last
// run, with messages of problems in lang.
func (s *Service) Status(ctx context.Context, campaignID int64, lang string) (Status, error) {
	if _, err := s.campaigns.GetCampaign(ctx, campaignID); err != nil {
		return Status{}, err
	}
	out := Status{CampaignID: campaignID, Connected: s.Connected(), Resources: []Resource{}}
	err := s.db.InReadTx(ctx, func(q db.Conn) error {
		var err error
		if out.Target, err = getTarget(ctx, q, campaignID); err != nil {
			return err
		}
		base, err := snapshot(ctx, q, campaignID)
		if err != nil {
			return err
		}
		if out.CustomerID, err = liveAt(ctx, q, campaignID); err != nil {
			return err
		}
		out.Live = out.CustomerID != ""
		out.GoogleStatus = base["campaign"].Status
		rows, err := q.Query(ctx, `SELECT entity_key, entity_kind, resource_name FROM google_ads_resources WHERE campaign_id = ? ORDER BY entity_key`, campaignID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r Resource
			if err := rows.Scan(&r.Key, &r.Kind, &r.ResourceName); err != nil {
				return err
			}
			if r.Key == "campaign" {
				rn, _ := googleads.ParseResourceName(r.ResourceName)
				out.CampaignURL = CampaignURL(rn.CustomerID, r.ResourceName)
			}
			out.Resources = append(out.Resources, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		runs, err := listRuns(ctx, q, campaignID, 0, 1)
		if err != nil {
			return err
		}
		if len(runs) > 0 {
			r := runs[0]
			r.Problems = LocalizeAll(r.Problems, lang)
			out.LastRun = &r
		}
		return nil
	})
	return out, err
}

// Runs is one page of a campaign's change history, newest first.
func (s *Service) Runs(ctx context.Context, campaignID int64, cursor string, limit int, lang string) ([]Run, string, error) {
	if _, err := s.campaigns.GetCampaign(ctx, campaignID); err != nil {
		return nil, "", err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var before int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", errs.Field("query.cursor", "not a cursor returned by this API", cursor)
		}
		before = n
	}
	runs, err := listRuns(ctx, s.db.Read(), campaignID, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(runs) > limit {
		runs = runs[:limit]
		next = strconv.FormatInt(runs[len(runs)-1].ID, 10)
	}
	for i := range runs {
		runs[i].Problems = LocalizeAll(runs[i].Problems, lang)
	}
	return runs, next, nil
}

// Lang picks en or de from a lang parameter or an Accept-Language header.
func Lang(param, acceptLanguage string) string {
	if param != "" {
		return param
	}
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "de" || strings.HasPrefix(tag, "de-"):
			return "de"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return "en"
		}
	}
	return "en"
}
