package campaigns

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// Responsive search ads of an ad group, with their headlines and
// descriptions.

// CreateAd creates a responsive search ad and its headlines and descriptions
// (each text stored once in the asset library) in one transaction.
func (s *Service) CreateAd(ctx context.Context, in AdInput) (Ad, error) {
	a := Ad{AdGroupID: in.AdGroupID, FinalURLs: in.FinalURLs, Path1: in.Path1, Path2: in.Path2, Status: orDefault(in.Status, "ENABLED"), CreatedAt: s.now(), UpdatedAt: s.now()}
	if err := checkURLs("body.final_urls", a.FinalURLs); err != nil {
		return Ad{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		g, err := parentAdGroup(ctx, tx, in.AdGroupID, "body.ad_group_id")
		if err != nil {
			return err
		}
		rules, err := textRulesTx(ctx, tx, g.CampaignID)
		if err != nil {
			return err
		}
		if err := checkRSA(rules.checker, rsaOf(a, policyTexts(in.Headlines), policyTexts(in.Descriptions)), wholeAd); err != nil {
			return err
		}
		var enabled int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ads WHERE ad_group_id = ? AND status = 'ENABLED'`, g.ID).Scan(&enabled); err != nil {
			return err
		}
		if a.Status == "ENABLED" && enabled >= policy.MaxEnabledAdsPerAdGroup {
			return errs.Field("body.ad_group_id", fmt.Sprintf("ad group %d already has %d enabled responsive search ads, the most Google Ads allows", g.ID, policy.MaxEnabledAdsPerAdGroup), g.ID)
		}
		if id, err = insertAd(ctx, tx, a); err != nil {
			return err
		}
		auth.AuditEntity(ctx, id)
		if err := s.replaceAdTextsTx(ctx, tx, id, rules.language, nonNilTexts(in.Headlines), nonNilTexts(in.Descriptions)); err != nil {
			return err
		}
		return touchCampaign(ctx, tx, g.CampaignID, s.now())
	})
	if err != nil {
		return Ad{}, err
	}
	return s.GetAd(ctx, id)
}

// rsaOf is the ad as the policy checks it.
func rsaOf(a Ad, headlines, descriptions []policy.PinnedText) policy.RSA {
	return policy.RSA{Headlines: headlines, Descriptions: descriptions, Path1: a.Path1, Path2: a.Path2, FinalURLs: a.FinalURLs}
}

// policyTexts are the texts of a request as they will be stored (normalised),
// so the checks judge what Google Ads will get and the spans they report
// count in the stored text.
func policyTexts(in []AdTextInput) []policy.PinnedText {
	out := make([]policy.PinnedText, len(in))
	for i, t := range in {
		out[i] = policy.PinnedText{Text: assets.NormalizeText(t.Text), Pin: t.PinnedField}
	}
	return out
}

func storedTexts(in []AdText) []policy.PinnedText {
	out := make([]policy.PinnedText, len(in))
	for i, t := range in {
		out[i] = policy.PinnedText{Text: t.Text, Pin: t.PinnedField}
	}
	return out
}

// nonNilTexts is texts, or an empty list: a new ad's absent list is no texts.
func nonNilTexts(texts []AdTextInput) []AdTextInput {
	if texts == nil {
		return []AdTextInput{}
	}
	return texts
}

// GetAd returns one ad with its texts.
func (s *Service) GetAd(ctx context.Context, id int64) (Ad, error) {
	var a Ad
	err := s.db.InReadTx(ctx, func(q db.Conn) error {
		var err error
		if a, err = getAd(ctx, q, id); err != nil {
			return err
		}
		ads := []Ad{a}
		if err := attachAdTexts(ctx, q, ads); err != nil {
			return err
		}
		if err := rateAds(ctx, q, ads); err != nil {
			return err
		}
		a = ads[0]
		return nil
	})
	return a, err
}

// UpdateAd applies a patch; given headlines or descriptions replace the ad's
// current ones (the assets stay in the library).
func (s *Service) UpdateAd(ctx context.Context, id, ifVersion int64, p AdPatch) (Ad, error) {
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		a, err := getAd(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := editableCampaign(ctx, tx, a.CampaignID); err != nil {
			return err
		}
		if err := checkVersion(ifVersion, a.Version); err != nil {
			return err
		}
		if p.FinalURLs != nil {
			a.FinalURLs = p.FinalURLs
		}
		if p.Path1 != nil {
			a.Path1 = *p.Path1
		}
		if p.Path2 != nil {
			a.Path2 = *p.Path2
		}
		if p.Status != nil {
			a.Status = *p.Status
		}
		rules, err := checkAdUpdate(ctx, tx, a, p)
		if err != nil {
			return err
		}
		if err := updateAd(ctx, tx, a, s.now()); err != nil {
			return err
		}
		if err := s.replaceAdTextsTx(ctx, tx, id, rules.language, p.Headlines, p.Descriptions); err != nil {
			return err
		}
		return touchCampaign(ctx, tx, a.CampaignID, s.now())
	})
	if err != nil {
		return Ad{}, err
	}
	return s.GetAd(ctx, id)
}

// checkAdUpdate checks the ad as it will be after patch p: the given
// headlines or descriptions together with the stored ones it keeps.
func checkAdUpdate(ctx context.Context, tx db.Conn, a Ad, p AdPatch) (textRules, error) {
	if err := checkURLs("body.final_urls", a.FinalURLs); err != nil {
		return textRules{}, err
	}
	rules, err := textRulesTx(ctx, tx, a.CampaignID)
	if err != nil {
		return textRules{}, err
	}
	current := []Ad{a}
	if err := attachAdTexts(ctx, tx, current); err != nil {
		return textRules{}, err
	}
	headlines, descriptions := storedTexts(current[0].Headlines), storedTexts(current[0].Descriptions)
	if p.Headlines != nil {
		headlines = policyTexts(p.Headlines)
	}
	if p.Descriptions != nil {
		descriptions = policyTexts(p.Descriptions)
	}
	// path1 and path2 are one rule (path2 needs path1), so sending either sends both.
	sent := adParts{headlines: p.Headlines != nil, descriptions: p.Descriptions != nil,
		paths: p.Path1 != nil || p.Path2 != nil, finalURLs: p.FinalURLs != nil}
	return rules, checkRSA(rules.checker, rsaOf(a, headlines, descriptions), sent)
}

// DeleteAd deletes an ad and its links; its assets stay in the library.
func (s *Service) DeleteAd(ctx context.Context, id int64, ifVersion int64) error {
	return s.deleteChild(ctx, ifVersion, func(tx db.Conn) (int64, int64, error) {
		a, err := getAd(ctx, tx, id)
		return a.CampaignID, a.Version, err
	}, "ads", id)
}

// ListAds returns one page of ads with their texts.
func (s *Service) ListAds(ctx context.Context, f AdFilter, p ListParams) (Page[Ad], error) {
	if err := checkSort(p.Sort, adSorts); err != nil {
		return Page[Ad]{}, err
	}
	var page Page[Ad]
	err := s.db.InReadTx(ctx, func(q db.Conn) error {
		items, err := listAds(ctx, q, f, p)
		if err != nil {
			return err
		}
		page = paginate(items, p, func(a Ad) (string, int64) {
			if httpapi.ParseSort(p.Sort).Key == "updated" {
				return timeKey(a.UpdatedAt), a.ID
			}
			return "", a.ID
		})
		if err := attachAdTexts(ctx, q, page.Items); err != nil {
			return err
		}
		return rateAds(ctx, q, page.Items)
	})
	return page, err
}
