package campaigns

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// Ad groups: the keywords and ads of a search campaign.

// CreateAdGroup adds an ad group to a search campaign.
func (s *Service) CreateAdGroup(ctx context.Context, in AdGroupInput) (AdGroup, error) {
	name, err := cleanName("body.name", in.Name)
	if err != nil {
		return AdGroup{}, err
	}
	g := AdGroup{CampaignID: in.CampaignID, Name: name, Status: orDefault(in.Status, "ENABLED"), CPCBidMicros: in.CPCBidMicros, CreatedAt: s.now(), UpdatedAt: s.now()}
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if _, err := parentCampaign(ctx, tx, in.CampaignID, TypeSearch, "body.campaign_id"); err != nil {
			return err
		}
		if g, err = insertAdGroup(ctx, tx, g); err != nil {
			return uniqueAs(err, "body.name", fmt.Sprintf("an ad group named %q in campaign %d", name, in.CampaignID), name)
		}
		auth.AuditEntity(ctx, g.ID)
		return touchCampaign(ctx, tx, g.CampaignID, s.now())
	})
	return g, err
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// GetAdGroup returns one ad group.
func (s *Service) GetAdGroup(ctx context.Context, id int64) (AdGroup, error) {
	return getAdGroup(ctx, s.db.Read(), id)
}

// UpdateAdGroup applies a patch.
func (s *Service) UpdateAdGroup(ctx context.Context, id int64, ifVersion int64, p AdGroupPatch) (AdGroup, error) {
	var err error
	var g AdGroup
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if g, err = getAdGroup(ctx, tx, id); err != nil {
			return err
		}
		if _, err := editableCampaign(ctx, tx, g.CampaignID); err != nil {
			return err
		}
		if err := checkVersion(ifVersion, g.Version); err != nil {
			return err
		}
		if p.Name != nil {
			if g.Name, err = cleanName("body.name", *p.Name); err != nil {
				return err
			}
		}
		if p.Status != nil {
			g.Status = *p.Status
		}
		if p.CPCBidMicros != nil {
			g.CPCBidMicros = p.CPCBidMicros
		}
		if g, err = updateAdGroup(ctx, tx, g, s.now()); err != nil {
			return uniqueAs(err, "body.name", fmt.Sprintf("an ad group named %q in campaign %d", g.Name, g.CampaignID), g.Name)
		}
		return touchCampaign(ctx, tx, g.CampaignID, s.now())
	})
	return g, err
}

// DeleteAdGroup deletes an ad group with its keywords, ads and their links.
func (s *Service) DeleteAdGroup(ctx context.Context, id int64, ifVersion int64) error {
	return s.deleteChild(ctx, ifVersion, func(tx db.Conn) (int64, int64, error) {
		g, err := getAdGroup(ctx, tx, id)
		return g.CampaignID, g.Version, err
	}, "ad_groups", id)
}

// ListAdGroups returns one page of ad groups.
func (s *Service) ListAdGroups(ctx context.Context, f AdGroupFilter, p ListParams) (Page[AdGroup], error) {
	if err := checkSort(p.Sort, nameSorts); err != nil {
		return Page[AdGroup]{}, err
	}
	items, err := listAdGroups(ctx, s.db.Read(), f, p)
	if err != nil {
		return Page[AdGroup]{}, err
	}
	return paginate(items, p, func(g AdGroup) (string, int64) {
		switch httpapi.ParseSort(p.Sort).Key {
		case "name":
			return g.Name, g.ID
		case "updated":
			return timeKey(g.UpdatedAt), g.ID
		}
		return "", g.ID
	}), nil
}
