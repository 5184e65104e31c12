package campaigns

import (
	"context"
	"fmt"
	"time"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// AssetLibrary is what the campaigns slice needs from the asset library:
// store a text once and read an asset, inside the caller's transaction, and
// an image's bytes for the checks of linking it.
type AssetLibrary interface {
	UpsertTextTx(ctx context.Context, tx db.Conn, in assets.TextInput) (assets.Asset, bool, error)
	GetTx(ctx context.Context, q db.Conn, id int64) (assets.Asset, error)
	Content(ctx context.Context, id int64) (assets.Content, error)
}

// Service runs the campaign use cases. Each public method is one transaction.
type Service struct {
	db     *db.DB
	assets AssetLibrary
	now    func() time.Time
	// trees caches campaign trees until the graph changes.
	trees *db.GraphCache[int64, Tree]
	// transitionHooks and deleteGuards let other slices join lifecycle
	// events and deletes (see OnTransition, OnDelete).
	transitionHooks []TransitionHook
	deleteGuards    []DeleteGuard
}

// NewService returns the campaign service.
func NewService(d *db.DB, a AssetLibrary) *Service {
	return &Service{db: d, assets: a, now: func() time.Time { return time.Now().UTC() }, trees: db.NewGraphCache[int64, Tree](d, 200)}
}

// checkVersion enforces a write's condition on the version it is based on
// (If-Match): want 0 means no condition.
func checkVersion(want, current int64) error {
	if want != 0 && want != current {
		return httpapi.StaleVersion(want, current)
	}
	return nil
}

// uniqueAs translates a unique violation into a 409 naming the field.
func uniqueAs(err error, location, what string, value any) error {
	if kind, _ := db.Violation(err); kind == db.Unique {
		e := errs.Conflictf("%s already exists", what)
		e.Fields = []errs.FieldError{{Location: location, Message: what + " already exists", Value: value}}
		return e
	}
	return err
}

// editableCampaign loads a campaign inside tx and refuses content changes
// outside draft and review.
func editableCampaign(ctx context.Context, tx db.Conn, id int64) (Campaign, error) {
	c, err := getCampaign(ctx, tx, id)
	if err != nil {
		return c, err
	}
	if !canEdit(ctx, c.State) {
		return c, notEditable(c.State)
	}
	return c, nil
}

// parentCampaign loads the campaign a child is created in, refusing a campaign
// of the wrong type or one that is not editable. A missing parent is named as
// the field that pointed at it.
func parentCampaign(ctx context.Context, tx db.Conn, id int64, wantType, location string) (Campaign, error) {
	c, err := getCampaign(ctx, tx, id)
	if errs.Is(err, errs.NotFound) {
		return c, errs.Field(location, fmt.Sprintf("campaign %d does not exist", id), id)
	}
	if err != nil {
		return c, err
	}
	if c.Type != wantType {
		what := "ad groups"
		if wantType == TypePMax {
			what = "asset groups"
		}
		return c, errs.Field(location, fmt.Sprintf("campaign %d is %s; only %s campaigns have %s", id, c.Type, wantType, what), id)
	}
	if !canEdit(ctx, c.State) {
		return c, notEditable(c.State)
	}
	return c, nil
}

// parentAdGroup loads the ad group a keyword or ad is created in and checks
// that its campaign is editable.
func parentAdGroup(ctx context.Context, tx db.Conn, id int64, location string) (AdGroup, error) {
	g, err := getAdGroup(ctx, tx, id)
	if errs.Is(err, errs.NotFound) {
		return g, errs.Field(location, fmt.Sprintf("ad group %d does not exist", id), id)
	}
	if err != nil {
		return g, err
	}
	_, err = editableCampaign(ctx, tx, g.CampaignID)
	return g, err
}

// deleteChild deletes one row under a campaign after the editable and
// If-Match checks; load returns the row's campaign and version.
func (s *Service) deleteChild(ctx context.Context, ifVersion int64, load func(db.Conn) (int64, int64, error), table string, id int64) error {
	return s.db.InTx(ctx, func(tx db.Conn) error {
		campaignID, version, err := load(tx)
		if err != nil {
			return err
		}
		if _, err := editableCampaign(ctx, tx, campaignID); err != nil {
			return err
		}
		if err := checkVersion(ifVersion, version); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, table, id); err != nil {
			return err
		}
		return touchCampaign(ctx, tx, campaignID, s.now())
	})
}

// --- campaigns

// CreateCampaign stores a new draft campaign.
func (s *Service) CreateCampaign(ctx context.Context, in CampaignInput) (Campaign, error) {
	name, err := cleanName("body.name", in.Name)
	if err != nil {
		return Campaign{}, err
	}
	c := Campaign{Name: name, Type: in.Type, State: Draft, BudgetMicros: in.BudgetMicros, Currency: in.Currency,
		Languages: in.Languages, Locations: in.Locations, FinalURL: in.FinalURL}
	if in.Brief != nil {
		c.Brief = *in.Brief
	}
	c.BiddingStrategy = defaultStrategy(c.Type)
	if err := applyBidding(&c, in.Bidding); err != nil {
		return Campaign{}, err
	}
	if err := checkCampaign(c); err != nil {
		return Campaign{}, err
	}
	c.CreatedAt, c.UpdatedAt = s.now(), s.now()
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if c, err = insertCampaign(ctx, tx, c); err != nil {
			return uniqueAs(err, "body.name", fmt.Sprintf("a campaign named %q", name), name)
		}
		auth.AuditEntity(ctx, c.ID)
		return nil
	})
	return c, err
}

func checkCampaign(c Campaign) error {
	if c.FinalURL != "" {
		if err := checkURL("body.final_url", c.FinalURL); err != nil {
			return err
		}
	}
	if err := checkLanguages("body.languages", c.Languages); err != nil {
		return err
	}
	if err := checkLocations("body.locations", c.Locations); err != nil {
		return err
	}
	if c.Brief.LandingPage != "" {
		if err := checkURL("body.brief.landing_page", c.Brief.LandingPage); err != nil {
			return err
		}
	}
	if c.Brief.Language != "" {
		if err := checkLanguages("body.brief.language", []string{c.Brief.Language}); err != nil {
			return err
		}
	}
	return checkBrief(c.Brief, c.Languages)
}

// GetCampaign returns one campaign.
func (s *Service) GetCampaign(ctx context.Context, id int64) (Campaign, error) {
	return getCampaign(ctx, s.db.Read(), id)
}

// EditableCampaign returns a campaign whose content the caller may change
// now, or a 409 with its state: people in draft and review, the generation
// job also while it is generating.
func (s *Service) EditableCampaign(ctx context.Context, id int64) (Campaign, error) {
	c, err := s.GetCampaign(ctx, id)
	if err != nil {
		return c, err
	}
	if !canEdit(ctx, c.State) {
		return c, notEditable(c.State)
	}
	return c, nil
}

// CampaignTx returns a campaign as tx, the caller's transaction, sees it.
func (s *Service) CampaignTx(ctx context.Context, tx db.Conn, id int64) (Campaign, error) {
	return getCampaign(ctx, tx, id)
}

// UpdateCampaign applies a patch, if the campaign is editable and ifVersion
// (when not 0) is its current version.
func (s *Service) UpdateCampaign(ctx context.Context, id, ifVersion int64, p CampaignPatch) (Campaign, error) {
	var c Campaign
	var err error
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if c, err = editableCampaign(ctx, tx, id); err != nil {
			return err
		}
		if err := checkVersion(ifVersion, c.Version); err != nil {
			return err
		}
		if p.Name != nil {
			if c.Name, err = cleanName("body.name", *p.Name); err != nil {
				return err
			}
		}
		if p.BudgetMicros != nil {
			if *p.BudgetMicros <= 0 {
				return errs.Field("body.budget_micros", "must be more than 0: a campaign without a daily budget does not run", *p.BudgetMicros)
			}
			c.BudgetMicros = *p.BudgetMicros
		}
		if err := applyBidding(&c, p.Bidding); err != nil {
			return err
		}
		if p.Currency != nil {
			c.Currency = *p.Currency
		}
		if p.Languages != nil {
			c.Languages = p.Languages
		}
		if p.Locations != nil {
			c.Locations = p.Locations
		}
		if p.FinalURL != nil {
			c.FinalURL = *p.FinalURL
		}
		if p.Brief != nil {
			c.Brief = *p.Brief
		}
		if err := checkCampaign(c); err != nil {
			return err
		}
		c, err = updateCampaign(ctx, tx, c, s.now())
		return uniqueAs(err, "body.name", fmt.Sprintf("a campaign named %q", c.Name), c.Name)
	})
	return c, err
}

// deletable says which states allow deleting a campaign: never while Google
// Ads holds it or a job works on it.
func deletable(st State) bool {
	switch st {
	case Draft, Review, Approved, Failed, Archived:
		return true
	}
	return false
}

// DeleteCampaign deletes a campaign with everything under it; the assets it
// used stay in the library.
func (s *Service) DeleteCampaign(ctx context.Context, id, ifVersion int64) error {
	return s.db.InTx(ctx, func(tx db.Conn) error {
		c, err := getCampaign(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(ifVersion, c.Version); err != nil {
			return err
		}
		if !deletable(c.State) {
			return errs.Conflictf("a campaign that is %s cannot be deleted; archive it first", c.State).
				With("state", c.State).With("allowed_events", AllowedEvents(c.State))
		}
		for _, g := range s.deleteGuards {
			if err := g(ctx, tx, c); err != nil {
				return err
			}
		}
		return deleteRow(ctx, tx, "campaigns", id)
	})
}

// ListCampaigns returns one page of campaigns.
func (s *Service) ListCampaigns(ctx context.Context, f CampaignFilter, p ListParams) (Page[Campaign], error) {
	if err := checkSort(p.Sort, campaignSorts); err != nil {
		return Page[Campaign]{}, err
	}
	items, err := listCampaigns(ctx, s.db.Read(), f, p)
	if err != nil {
		return Page[Campaign]{}, err
	}
	return paginate(items, p, func(c Campaign) (string, int64) {
		switch httpapi.ParseSort(p.Sort).Key {
		case "name":
			return c.Name, c.ID
		case "updated":
			return timeKey(c.UpdatedAt), c.ID
		}
		return "", c.ID
	}), nil
}

// Transition applies a lifecycle event sent for the campaign's version
// (the API requires it: If-Match). Approval also requires a complete
// campaign: every ad and asset group must meet Google's minimum counts.
func (s *Service) Transition(ctx context.Context, id int64, ev Event, version int64) (Campaign, error) {
	var c Campaign
	var err error
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if c, err = getCampaign(ctx, tx, id); err != nil {
			return err
		}
		// An event the state does not allow is refused as such whatever
		// version the client saw: "already generating" tells more than
		// "stale" when a running job has moved the version meanwhile.
		next, err := Next(c.State, ev)
		if err != nil {
			return err
		}
		if err := checkVersion(version, c.Version); err != nil {
			return err
		}
		switch ev {
		case EventApprove:
			if err := checkComplete(ctx, tx, c); err != nil {
				return err
			}
		case EventSubmit:
			if err := checkSomethingToReview(ctx, tx, c); err != nil {
				return err
			}
		}
		before := c
		if c, err = transitionCampaign(ctx, tx, c, next, s.now()); err != nil {
			return err
		}
		for _, h := range s.transitionHooks {
			if err := h(ctx, tx, before, c, ev); err != nil {
				return err
			}
		}
		return nil
	})
	return c, err
}

// TransitionTx applies a lifecycle event inside the caller's transaction; jobs
// use it to move a campaign together with their own writes.
func (s *Service) TransitionTx(ctx context.Context, tx db.Conn, id int64, ev Event) (Campaign, error) {
	c, err := getCampaign(ctx, tx, id)
	if err != nil {
		return c, err
	}
	next, err := Next(c.State, ev)
	if err != nil {
		return c, err
	}
	return transitionCampaign(ctx, tx, c, next, s.now())
}
