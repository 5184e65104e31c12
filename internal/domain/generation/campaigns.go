package generation

import (
	"context"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// What generation needs from the campaigns slice, declared here as small
// interfaces; *campaigns.Service implements them all, and internal/app wires
// it in. Generation writes through them only, so every text it stores passes
// the checks a person's edit gets.

// Targets reads what copy is written for.
type Targets interface {
	// EditableCampaign refuses (409 with the state) a campaign whose content
	// the caller may not change now.
	EditableCampaign(ctx context.Context, id int64) (campaigns.Campaign, error)
	// BrandSpellings are the account's own spellings, allowed as written
	// in every campaign's texts.
	BrandSpellings(ctx context.Context) ([]string, error)
	GetAdGroup(ctx context.Context, id int64) (campaigns.AdGroup, error)
	GetAd(ctx context.Context, id int64) (campaigns.Ad, error)
	GetAssetGroup(ctx context.Context, id int64) (campaigns.AssetGroup, error)
	// TextsInAdGroup and TextsInAssetGroup are the texts already used there:
	// new copy must differ from them.
	TextsInAdGroup(ctx context.Context, adGroupID int64) ([]string, error)
	TextsInAssetGroup(ctx context.Context, assetGroupID int64) ([]string, error)
}

// CopyStore stores generated copy: a new ad with its texts, or an ad's or
// asset group's texts replaced in one transaction.
type CopyStore interface {
	CreateAd(ctx context.Context, in campaigns.AdInput) (campaigns.Ad, error)
	ReplaceAdTexts(ctx context.Context, id, ifVersion int64, t campaigns.AdTexts) (campaigns.Ad, error)
	ReplaceAssetGroupTexts(ctx context.Context, id, ifVersion int64, t campaigns.AssetGroupTexts) (campaigns.AssetGroup, error)
}

// Structure lists a campaign's ad groups, ads and asset groups, and builds
// the ones a brief alone needs.
type Structure interface {
	GetCampaign(ctx context.Context, id int64) (campaigns.Campaign, error)
	ListAdGroups(ctx context.Context, f campaigns.AdGroupFilter, p campaigns.ListParams) (campaigns.Page[campaigns.AdGroup], error)
	ListAds(ctx context.Context, f campaigns.AdFilter, p campaigns.ListParams) (campaigns.Page[campaigns.Ad], error)
	ListAssetGroups(ctx context.Context, f campaigns.AssetGroupFilter, p campaigns.ListParams) (campaigns.Page[campaigns.AssetGroup], error)
	CreateAdGroup(ctx context.Context, in campaigns.AdGroupInput) (campaigns.AdGroup, error)
	CreateKeyword(ctx context.Context, in campaigns.KeywordInput) (campaigns.Keyword, error)
	CreateAssetGroup(ctx context.Context, in campaigns.AssetGroupInput) (campaigns.AssetGroup, error)
}

// Lifecycle reads a campaign and moves its state inside the job's own
// transaction, so a state change and the job's record of it commit together.
type Lifecycle interface {
	CampaignTx(ctx context.Context, tx db.Conn, id int64) (campaigns.Campaign, error)
	TransitionTx(ctx context.Context, tx db.Conn, id int64, ev campaigns.Event) (campaigns.Campaign, error)
}

// Campaigns is everything generation uses of the campaigns slice.
type Campaigns interface {
	Targets
	CopyStore
	Structure
	Lifecycle
}

var _ Campaigns = (*campaigns.Service)(nil)
