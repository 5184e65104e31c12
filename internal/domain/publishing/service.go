package publishing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// Options configure publishing.
type Options struct {
	// Client calls Google Ads; nil means Google Ads is not connected, and
	// NotConnected says which settings are missing.
	Client       *googleads.Client
	NotConnected error
	// Timeout bounds one run of a publish or status job (River's own
	// default is one minute), default 10 minutes.
	Timeout time.Duration
	Logger  *slog.Logger
}

// Service publishes campaigns and answers what publishing would do.
type Service struct {
	db           *db.DB
	campaigns    Campaigns
	assets       AssetLibrary
	client       *googleads.Client
	notConnected error
	runner       *jobs.Runner
	log          *slog.Logger
	timeout      time.Duration
	now          func() time.Time
}

// NewService builds publishing, registers its job workers and joins the
// campaign lifecycle (pause, resume and archive of a campaign at Google;
// no delete while it is there). Call Attach once the job runner exists.
func NewService(d *db.DB, c Campaigns, a AssetLibrary, workers *river.Workers, opts Options) *Service {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Service{db: d, campaigns: c, assets: a, client: opts.Client, notConnected: opts.NotConnected, log: opts.Logger,
		timeout: opts.Timeout, now: func() time.Time { return time.Now().UTC() }}
	if s.client == nil && s.notConnected == nil {
		s.notConnected = &googleads.NotConnectedError{Missing: []string{googleads.EnvClientID, googleads.EnvClientSecret, googleads.EnvRefreshToken}}
	}
	river.AddWorker(workers, &publishWorker{s: s})
	river.AddWorker(workers, &statusWorker{s: s})
	c.OnTransition(s.onTransition)
	c.OnDelete(s.guardDelete)
	return s
}

// Attach connects the job runner and registers what cancelling a queued
// publish undoes.
func (s *Service) Attach(r *jobs.Runner) {
	s.runner = r
	r.OnCancelQueued(PublishKind, s.cancelQueued)
}

// Connected reports whether Google Ads is configured.
func (s *Service) Connected() bool { return s.client != nil }

// requireGoogle refuses a use of Google Ads when it is not connected: 503,
// naming the settings to make.
func (s *Service) requireGoogle() error {
	if s.client != nil {
		return nil
	}
	return &httpapi.Problem{Status: http.StatusServiceUnavailable, Title: http.StatusText(http.StatusServiceUnavailable),
		Code: "google_ads_not_connected", Detail: s.notConnected.Error()}
}

// googleProblem turns a failure talking to Google (not a refusal of our
// data: that becomes problems) into a 502 with Google's error and the fix.
func googleProblem(err error) error {
	if errs.As(err) != nil || errors.As(err, new(*httpapi.Problem)) || errors.Is(err, context.Canceled) {
		return err
	}
	var api *googleads.APIError
	var quota *googleads.QuotaExhaustedError
	var netErr *googleads.NetworkError
	var auth *googleads.AuthError
	var unknown *googleads.UnknownOutcomeError
	if !errors.As(err, &api) && !errors.As(err, &quota) && !errors.As(err, &netErr) && !errors.As(err, &auth) && !errors.As(err, &unknown) {
		return err
	}
	extra := map[string]any{}
	if advice := googleads.Advice(err); advice != "" {
		extra["advice"] = advice
	}
	return &httpapi.Problem{Status: http.StatusBadGateway, Title: http.StatusText(http.StatusBadGateway), Code: "google_ads_error",
		Detail: err.Error(), Extra: extra}
}

// plan is what publishing a campaign would do now.
type plan struct {
	campaign campaigns.Campaign
	target   *Target
	customer string
	base     State
	desired  State
	names    map[string]string
	steps    []Step
	problems []PublishProblem // found before asking Google
}

// plan compares the campaign as it is with what Google holds. customer
// overrides the chosen account (a dry run against another account).
func (s *Service) plan(ctx context.Context, campaignID int64, customer string, startEnabled bool) (*plan, error) {
	tree, err := s.campaigns.Tree(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	p := &plan{campaign: tree.Campaign, customer: customer}
	q := s.db.Read()
	if p.target, err = getTarget(ctx, q, campaignID); err != nil {
		return nil, err
	}
	if p.customer == "" && p.target != nil {
		p.customer = p.target.CustomerID
	}
	if p.base, err = snapshot(ctx, q, campaignID); err != nil {
		return nil, err
	}
	if p.names, err = names(ctx, q, campaignID); err != nil {
		return nil, err
	}
	hashes := map[int64]string{}
	for _, g := range tree.AssetGroups {
		for _, a := range g.Assets {
			if a.Type == "IMAGE" && hashes[a.AssetID] == "" {
				asset, err := s.assets.Get(ctx, a.AssetID)
				if err != nil {
					return nil, err
				}
				hashes[a.AssetID] = asset.ContentHash
			}
		}
	}
	set := Settings{StartEnabled: startEnabled}
	if p.target != nil {
		set.EUPolitical = p.target.EUPolitical
	}
	p.desired, p.problems = Desired(tree, set, p.base, hashes)
	p.steps = Diff(p.base, p.desired)
	return p, nil
}

func (s *Service) images(ctx context.Context, assetID int64) ([]byte, error) {
	c, err := s.assets.Content(ctx, assetID)
	return c.Data, err
}

// noTarget is the 409 of publishing without an account.
func noTarget(campaignID int64) error {
	return errs.Conflictf("campaign %d has no Google Ads account yet: choose one (PUT /api/campaigns/%d/google-ads-account)", campaignID, campaignID).
		With("code", "no_google_ads_account")
}

// checkAccount reads the account and reports what makes it unfit for the
// campaign: a manager account, another currency.
func (s *Service) checkAccount(ctx context.Context, customer string, c campaigns.Campaign) (*googleads.Customer, []PublishProblem, string, error) {
	res, err := s.client.Search(ctx, customer, "SELECT customer.id, customer.descriptive_name, customer.currency_code, customer.manager, customer.test_account FROM customer")
	if err != nil {
		return nil, nil, "", err
	}
	rid := ""
	if len(res.RequestIDs) > 0 {
		rid = res.RequestIDs[0]
	}
	if len(res.Rows) == 0 || res.Rows[0].Customer == nil {
		return nil, nil, rid, fmt.Errorf("googleads: account %s answered no customer row", customer)
	}
	acc := res.Rows[0].Customer
	ref := Ref{Type: "campaign", ID: c.ID}
	var problems []PublishProblem
	if acc.Manager {
		problems = append(problems, localProblem(ref, "", "MANAGER_ACCOUNT", customer))
	}
	if acc.CurrencyCode != "" && c.Currency != "" && acc.CurrencyCode != c.Currency {
		problems = append(problems, localProblem(ref, "currency", "CURRENCY_MISMATCH", acc.CurrencyCode))
	}
	return acc, problems, rid, nil
}

// validate sends the plan's changes with validateOnly: Google checks all of
// them and changes nothing. It returns Google's refusals at our entities,
// the request ids, and how many changes it could not check (beyond one
// request's limit: they refer to resources the first request would create).
func (s *Service) validate(ctx context.Context, p *plan) (problems []PublishProblem, requestIDs []string, unchecked int, err error) {
	var all []Change
	for _, st := range p.steps {
		all = append(all, st.Changes...)
	}
	if len(all) == 0 {
		return nil, nil, 0, nil
	}
	if len(all) > googleads.MaxOperations {
		unchecked = len(all) - googleads.MaxOperations
		all = all[:googleads.MaxOperations]
	}
	req, err := newBuilder(ctx, p.customer, p.names, s.images).build(all)
	if err != nil {
		return nil, nil, 0, err
	}
	res, err := s.client.Mutate(ctx, p.customer, googleads.MutateRequest{Operations: req.ops, ValidateOnly: true})
	if err == nil {
		return nil, []string{res.RequestID}, unchecked, nil
	}
	var api *googleads.APIError
	if !errors.As(err, &api) || api.Temporary() || (len(api.Errors) == 0 && len(api.FieldViolations) == 0) {
		return nil, nil, 0, err
	}
	if len(api.Errors) > 0 && !refusesData(api) {
		return nil, []string{api.RequestID}, 0, err
	}
	return mapErrors(api, req), []string{api.RequestID}, unchecked, nil
}

// refusesData reports an answer about the request's content (which we show
// as problems), not about access or the account.
func refusesData(api *googleads.APIError) bool {
	for _, g := range api.Errors {
		switch g.Code.Category {
		case "authenticationError", "authorizationError", "headerError", "quotaError", "internalError":
			return false
		}
	}
	return true
}

// mapErrors maps a refused request's errors to our entities. Errors that
// only echo another (a child whose parent in the same request failed) are
// left out when the cause is there.
func mapErrors(api *googleads.APIError, req request) []PublishProblem {
	var out []PublishProblem
	const echo = "newResourceCreationError.TEMP_ID_RESOURCE_HAD_ERRORS"
	causes := slices.ContainsFunc(api.Errors, func(g googleads.GoogleAdsError) bool { return g.Code.String() != echo })
	for _, g := range api.Errors {
		if causes && g.Code.String() == echo {
			continue
		}
		var e *Entity
		if i, ok := g.Location.OperationIndex(); ok && i < len(req.changes) {
			e = &req.changes[i].Entity
		}
		out = append(out, problemFrom(g, e))
	}
	for _, v := range api.FieldViolations {
		out = append(out, PublishProblem{Code: "requestError.INVALID_JSON", GoogleMessage: v.Description, Location: v.Field})
	}
	return out
}

// guardDelete refuses deleting a campaign that still exists at Google Ads:
// it would be left there, serving, without anyone here knowing it.
func (s *Service) guardDelete(ctx context.Context, tx db.Conn, c campaigns.Campaign) error {
	live, err := liveAt(ctx, tx, c.ID)
	if err != nil || live == "" {
		return err
	}
	return errs.Conflictf("campaign %d exists in Google Ads account %s: archive it first, which removes it there", c.ID, live).
		With("state", c.State).With("allowed_events", campaigns.AllowedEvents(c.State))
}

// liveAt returns the account where the campaign exists at Google (created
// and not removed), or "".
func liveAt(ctx context.Context, q db.Conn, campaignID int64) (string, error) {
	base, err := snapshot(ctx, q, campaignID)
	if err != nil {
		return "", err
	}
	c, ok := base["campaign"]
	if !ok || c.Status == "REMOVED" {
		return "", nil
	}
	var customer string
	err = q.QueryRow(ctx, `SELECT customer_id FROM published_snapshots WHERE campaign_id = ?`, campaignID).Scan(&customer)
	return customer, err
}
