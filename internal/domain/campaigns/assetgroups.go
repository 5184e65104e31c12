package campaigns

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// Asset groups of a Performance Max campaign.

// CreateAssetGroup adds an asset group to a Performance Max campaign.
func (s *Service) CreateAssetGroup(ctx context.Context, in AssetGroupInput) (AssetGroup, error) {
	name, err := cleanName("body.name", in.Name)
	if err != nil {
		return AssetGroup{}, err
	}
	g := AssetGroup{CampaignID: in.CampaignID, Name: name, FinalURLs: in.FinalURLs, Path1: in.Path1, Path2: in.Path2, Status: orDefault(in.Status, "ENABLED"), CreatedAt: s.now(), UpdatedAt: s.now()}
	if err := checkURLs("body.final_urls", g.FinalURLs); err != nil {
		return AssetGroup{}, err
	}
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if _, err := parentCampaign(ctx, tx, in.CampaignID, TypePMax, "body.campaign_id"); err != nil {
			return err
		}
		rules, err := textRulesTx(ctx, tx, in.CampaignID)
		if err != nil {
			return err
		}
		if err := checkPaths(rules.checker, "body.", g.Path1, g.Path2); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM asset_groups WHERE campaign_id = ?`, in.CampaignID).Scan(&n); err != nil {
			return err
		}
		if n >= policy.MaxAssetGroupsPerCampaign {
			return errs.Field("body.campaign_id", fmt.Sprintf("the campaign already has %d asset groups, the most Google Ads allows", policy.MaxAssetGroupsPerCampaign), in.CampaignID)
		}
		if g, err = insertAssetGroup(ctx, tx, g); err != nil {
			return uniqueAs(err, "body.name", fmt.Sprintf("an asset group named %q in campaign %d", name, in.CampaignID), name)
		}
		auth.AuditEntity(ctx, g.ID)
		rateAssetGroup(&g, rules.language) // a new group has no assets yet: incomplete
		return touchCampaign(ctx, tx, g.CampaignID, s.now())
	})
	return g, err
}

// GetAssetGroup returns one asset group with its assets.
func (s *Service) GetAssetGroup(ctx context.Context, id int64) (AssetGroup, error) {
	var g AssetGroup
	err := s.db.InReadTx(ctx, func(q db.Conn) error {
		var err error
		if g, err = getAssetGroup(ctx, q, id); err != nil {
			return err
		}
		groups := []AssetGroup{g}
		if err := attachGroupAssets(ctx, q, groups); err != nil {
			return err
		}
		if err := rateAssetGroups(ctx, q, groups); err != nil {
			return err
		}
		g = groups[0]
		return nil
	})
	return g, err
}

// UpdateAssetGroup applies a patch.
func (s *Service) UpdateAssetGroup(ctx context.Context, id int64, ifVersion int64, p AssetGroupPatch) (AssetGroup, error) {
	var err error
	var g AssetGroup
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if g, err = getAssetGroup(ctx, tx, id); err != nil {
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
		if p.FinalURLs != nil {
			g.FinalURLs = p.FinalURLs
		}
		if p.Path1 != nil {
			g.Path1 = *p.Path1
		}
		if p.Path2 != nil {
			g.Path2 = *p.Path2
		}
		if p.Status != nil {
			g.Status = *p.Status
		}
		if err := checkURLs("body.final_urls", g.FinalURLs); err != nil {
			return err
		}
		rules, err := textRulesTx(ctx, tx, g.CampaignID)
		if err != nil {
			return err
		}
		if err := checkPaths(rules.checker, "body.", g.Path1, g.Path2); err != nil {
			return err
		}
		if g, err = updateAssetGroup(ctx, tx, g, s.now()); err != nil {
			return uniqueAs(err, "body.name", fmt.Sprintf("an asset group named %q in campaign %d", g.Name, g.CampaignID), g.Name)
		}
		return touchCampaign(ctx, tx, g.CampaignID, s.now())
	})
	if err != nil {
		return AssetGroup{}, err
	}
	return s.GetAssetGroup(ctx, id)
}

// DeleteAssetGroup deletes an asset group and its links.
func (s *Service) DeleteAssetGroup(ctx context.Context, id int64, ifVersion int64) error {
	return s.deleteChild(ctx, ifVersion, func(tx db.Conn) (int64, int64, error) {
		g, err := getAssetGroup(ctx, tx, id)
		return g.CampaignID, g.Version, err
	}, "asset_groups", id)
}

// ListAssetGroups returns one page of asset groups.
func (s *Service) ListAssetGroups(ctx context.Context, f AssetGroupFilter, p ListParams) (Page[AssetGroup], error) {
	if err := checkSort(p.Sort, nameSorts); err != nil {
		return Page[AssetGroup]{}, err
	}
	items, err := listAssetGroups(ctx, s.db.Read(), f, p)
	if err != nil {
		return Page[AssetGroup]{}, err
	}
	return paginate(items, p, func(g AssetGroup) (string, int64) {
		switch httpapi.ParseSort(p.Sort).Key {
		case "name":
			return g.Name, g.ID
		case "updated":
			return timeKey(g.UpdatedAt), g.ID
		}
		return "", g.ID
	}), nil
}
