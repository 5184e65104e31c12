package campaigns

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// Keywords of an ad group.

// CreateKeyword adds a keyword to an ad group.
func (s *Service) CreateKeyword(ctx context.Context, in KeywordInput) (Keyword, error) {
	text, err := cleanKeyword("body.text", in.Text)
	if err != nil {
		return Keyword{}, err
	}
	k := Keyword{AdGroupID: in.AdGroupID, Text: text, MatchType: in.MatchType, Negative: in.Negative, Status: orDefault(in.Status, "ENABLED"), CreatedAt: s.now(), UpdatedAt: s.now()}
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		g, err := parentAdGroup(ctx, tx, in.AdGroupID, "body.ad_group_id")
		if err != nil {
			return err
		}
		if k, err = insertKeyword(ctx, tx, k); err != nil {
			return uniqueAs(err, "body.text", fmt.Sprintf("the %s keyword %q in ad group %d", in.MatchType, text, in.AdGroupID), text)
		}
		auth.AuditEntity(ctx, k.ID)
		return touchCampaign(ctx, tx, g.CampaignID, s.now())
	})
	return k, err
}

// GetKeyword returns one keyword.
func (s *Service) GetKeyword(ctx context.Context, id int64) (Keyword, error) {
	return getKeyword(ctx, s.db.Read(), id)
}

// UpdateKeyword applies a patch.
func (s *Service) UpdateKeyword(ctx context.Context, id int64, ifVersion int64, p KeywordPatch) (Keyword, error) {
	var err error
	var k Keyword
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if k, err = getKeyword(ctx, tx, id); err != nil {
			return err
		}
		g, err := parentAdGroup(ctx, tx, k.AdGroupID, "body.ad_group_id")
		if err != nil {
			return err
		}
		if err := checkVersion(ifVersion, k.Version); err != nil {
			return err
		}
		if p.Text != nil {
			if k.Text, err = cleanKeyword("body.text", *p.Text); err != nil {
				return err
			}
		}
		if p.MatchType != nil {
			k.MatchType = *p.MatchType
		}
		if p.Negative != nil {
			k.Negative = *p.Negative
		}
		if p.Status != nil {
			k.Status = *p.Status
		}
		if k, err = updateKeyword(ctx, tx, k, s.now()); err != nil {
			return uniqueAs(err, "body.text", fmt.Sprintf("the %s keyword %q in ad group %d", k.MatchType, k.Text, k.AdGroupID), k.Text)
		}
		return touchCampaign(ctx, tx, g.CampaignID, s.now())
	})
	return k, err
}

// DeleteKeyword deletes a keyword.
func (s *Service) DeleteKeyword(ctx context.Context, id int64, ifVersion int64) error {
	return s.deleteChild(ctx, ifVersion, func(tx db.Conn) (int64, int64, error) {
		k, err := getKeyword(ctx, tx, id)
		if err != nil {
			return 0, 0, err
		}
		g, err := getAdGroup(ctx, tx, k.AdGroupID)
		return g.CampaignID, k.Version, err
	}, "keywords", id)
}

// ListKeywords returns one page of keywords.
func (s *Service) ListKeywords(ctx context.Context, f KeywordFilter, p ListParams) (Page[Keyword], error) {
	if err := checkSort(p.Sort, keywordSorts); err != nil {
		return Page[Keyword]{}, err
	}
	items, err := listKeywords(ctx, s.db.Read(), f, p)
	if err != nil {
		return Page[Keyword]{}, err
	}
	return paginate(items, p, func(k Keyword) (string, int64) {
		switch httpapi.ParseSort(p.Sort).Key {
		case "text":
			return k.Text, k.ID
		case "updated":
			return timeKey(k.UpdatedAt), k.ID
		}
		return "", k.ID
	}), nil
}
