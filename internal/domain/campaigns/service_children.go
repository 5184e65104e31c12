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

// --- ad groups

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
		auth.AuditCreated(ctx, g.ID)
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
func (s *Service) UpdateAdGroup(ctx context.Context, id int64, ifMatch string, p AdGroupPatch) (AdGroup, error) {
	want, err := httpapi.IfMatch(ifMatch)
	if err != nil {
		return AdGroup{}, err
	}
	var g AdGroup
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if g, err = getAdGroup(ctx, tx, id); err != nil {
			return err
		}
		if _, err := editableCampaign(ctx, tx, g.CampaignID); err != nil {
			return err
		}
		if err := checkVersion(ifMatch, want, g.Version); err != nil {
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
func (s *Service) DeleteAdGroup(ctx context.Context, id int64, ifMatch string) error {
	return s.deleteChild(ctx, ifMatch, func(tx db.Conn) (int64, int64, error) {
		g, err := getAdGroup(ctx, tx, id)
		return g.CampaignID, g.Version, err
	}, "ad_groups", id)
}

// deleteChild deletes one row under a campaign after the editable and
// If-Match checks; load returns the row's campaign and version.
func (s *Service) deleteChild(ctx context.Context, ifMatch string, load func(db.Conn) (int64, int64, error), table string, id int64) error {
	want, err := httpapi.IfMatch(ifMatch)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx db.Conn) error {
		campaignID, version, err := load(tx)
		if err != nil {
			return err
		}
		if _, err := editableCampaign(ctx, tx, campaignID); err != nil {
			return err
		}
		if err := checkVersion(ifMatch, want, version); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, table, id); err != nil {
			return err
		}
		return touchCampaign(ctx, tx, campaignID, s.now())
	})
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

// --- keywords

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
		auth.AuditCreated(ctx, k.ID)
		return touchCampaign(ctx, tx, g.CampaignID, s.now())
	})
	return k, err
}

// GetKeyword returns one keyword.
func (s *Service) GetKeyword(ctx context.Context, id int64) (Keyword, error) {
	return getKeyword(ctx, s.db.Read(), id)
}

// UpdateKeyword applies a patch.
func (s *Service) UpdateKeyword(ctx context.Context, id int64, ifMatch string, p KeywordPatch) (Keyword, error) {
	want, err := httpapi.IfMatch(ifMatch)
	if err != nil {
		return Keyword{}, err
	}
	var k Keyword
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if k, err = getKeyword(ctx, tx, id); err != nil {
			return err
		}
		g, err := parentAdGroup(ctx, tx, k.AdGroupID, "body.ad_group_id")
		if err != nil {
			return err
		}
		if err := checkVersion(ifMatch, want, k.Version); err != nil {
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
func (s *Service) DeleteKeyword(ctx context.Context, id int64, ifMatch string) error {
	return s.deleteChild(ctx, ifMatch, func(tx db.Conn) (int64, int64, error) {
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

// --- ads

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
		checker, err := assets.CampaignChecker(ctx, tx, g.CampaignID)
		if err != nil {
			return err
		}
		if err := checkRSA(checker, rsaOf(a, policyTexts(in.Headlines), policyTexts(in.Descriptions)), wholeAd); err != nil {
			return err
		}
		var enabled int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ads WHERE ad_group_id = ? AND status = 'ENABLED'`, g.ID).Scan(&enabled); err != nil {
			return err
		}
		if a.Status == "ENABLED" && enabled >= 3 {
			return errs.Field("body.ad_group_id", fmt.Sprintf("ad group %d already has 3 enabled responsive search ads, the most Google Ads allows", g.ID), g.ID)
		}
		if id, err = insertAd(ctx, tx, a); err != nil {
			return err
		}
		auth.AuditCreated(ctx, id)
		if err := s.linkTexts(ctx, tx, id, "HEADLINE", in.Headlines, "body.headlines", in.origin); err != nil {
			return err
		}
		if err := s.linkTexts(ctx, tx, id, "DESCRIPTION", in.Descriptions, "body.descriptions", in.origin); err != nil {
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

// linkTexts stores each text once and links it to the ad in order. The
// caller has run checkRSA over the whole ad, duplicates included.
func (s *Service) linkTexts(ctx context.Context, tx db.Conn, adID int64, field string, texts []AdTextInput, location string, origin textOrigins) error {
	for i, t := range texts {
		loc := fmt.Sprintf("%s[%d].text", location, i)
		asset, _, err := s.assets.UpsertTextTx(ctx, tx, origin.of(t.Text))
		if err != nil {
			return relocate(err, loc)
		}
		if _, err := s.assets.LinkTx(ctx, tx, assets.LinkInput{AssetID: asset.ID, AdID: adID, FieldType: field, PinnedField: t.PinnedField, Position: i}); err != nil {
			return relocate(err, fmt.Sprintf("%s[%d]", location, i))
		}
	}
	return nil
}

// relocate points the fields of a user error from the asset library at the
// place in this request that caused it.
func relocate(err error, location string) error {
	e := errs.As(err)
	if e == nil {
		return err
	}
	out := *e
	out.Fields = nil
	for _, f := range e.Fields {
		f.Location = location
		out.Fields = append(out.Fields, f)
	}
	if len(out.Fields) == 0 {
		out.Fields = []errs.FieldError{{Location: location, Message: e.Message}}
	}
	out.Message = location + ": " + e.Message
	return &out
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
		a = ads[0]
		return nil
	})
	return a, err
}

// UpdateAd applies a patch; given headlines or descriptions replace the ad's
// current ones (the assets stay in the library).
func (s *Service) UpdateAd(ctx context.Context, id int64, ifMatch string, p AdPatch) (Ad, error) {
	want, err := httpapi.IfMatch(ifMatch)
	if err != nil {
		return Ad{}, err
	}
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		a, err := getAd(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := editableCampaign(ctx, tx, a.CampaignID); err != nil {
			return err
		}
		if err := checkVersion(ifMatch, want, a.Version); err != nil {
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
		if err := s.checkAdUpdate(ctx, tx, a, p); err != nil {
			return err
		}
		if err := updateAd(ctx, tx, a, s.now()); err != nil {
			return err
		}
		for field, texts := range map[string][]AdTextInput{"HEADLINE": p.Headlines, "DESCRIPTION": p.Descriptions} {
			if texts == nil {
				continue
			}
			if _, err := tx.Exec(ctx, `DELETE FROM asset_links WHERE ad_id = ? AND field_type = ?`, id, field); err != nil {
				return err
			}
			loc := "body.headlines"
			if field == "DESCRIPTION" {
				loc = "body.descriptions"
			}
			if err := s.linkTexts(ctx, tx, id, field, texts, loc, p.origin); err != nil {
				return err
			}
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
func (s *Service) checkAdUpdate(ctx context.Context, tx db.Conn, a Ad, p AdPatch) error {
	if err := checkURLs("body.final_urls", a.FinalURLs); err != nil {
		return err
	}
	checker, err := assets.CampaignChecker(ctx, tx, a.CampaignID)
	if err != nil {
		return err
	}
	current := []Ad{a}
	if err := attachAdTexts(ctx, tx, current); err != nil {
		return err
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
	return checkRSA(checker, rsaOf(a, headlines, descriptions), sent)
}

// DeleteAd deletes an ad and its links; its assets stay in the library.
func (s *Service) DeleteAd(ctx context.Context, id int64, ifMatch string) error {
	return s.deleteChild(ctx, ifMatch, func(tx db.Conn) (int64, int64, error) {
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
		return attachAdTexts(ctx, q, page.Items)
	})
	return page, err
}

// --- asset groups

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
		checker, err := assets.CampaignChecker(ctx, tx, in.CampaignID)
		if err != nil {
			return err
		}
		if err := checkPaths(checker, "body.", g.Path1, g.Path2); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM asset_groups WHERE campaign_id = ?`, in.CampaignID).Scan(&n); err != nil {
			return err
		}
		if n >= 100 {
			return errs.Field("body.campaign_id", "the campaign already has 100 asset groups, the most Google Ads allows", in.CampaignID)
		}
		if g, err = insertAssetGroup(ctx, tx, g); err != nil {
			return uniqueAs(err, "body.name", fmt.Sprintf("an asset group named %q in campaign %d", name, in.CampaignID), name)
		}
		auth.AuditCreated(ctx, g.ID)
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
		g = groups[0]
		return nil
	})
	return g, err
}

// UpdateAssetGroup applies a patch.
func (s *Service) UpdateAssetGroup(ctx context.Context, id int64, ifMatch string, p AssetGroupPatch) (AssetGroup, error) {
	want, err := httpapi.IfMatch(ifMatch)
	if err != nil {
		return AssetGroup{}, err
	}
	var g AssetGroup
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if g, err = getAssetGroup(ctx, tx, id); err != nil {
			return err
		}
		if _, err := editableCampaign(ctx, tx, g.CampaignID); err != nil {
			return err
		}
		if err := checkVersion(ifMatch, want, g.Version); err != nil {
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
		checker, err := assets.CampaignChecker(ctx, tx, g.CampaignID)
		if err != nil {
			return err
		}
		if err := checkPaths(checker, "body.", g.Path1, g.Path2); err != nil {
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
func (s *Service) DeleteAssetGroup(ctx context.Context, id int64, ifMatch string) error {
	return s.deleteChild(ctx, ifMatch, func(tx db.Conn) (int64, int64, error) {
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
