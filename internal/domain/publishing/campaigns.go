package publishing

import (
	"context"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// Campaigns is what publishing needs from the campaigns slice, declared
// here; *campaigns.Service implements it and internal/app wires it in.
// Publishing reads campaigns and moves their lifecycle inside its own
// transactions; it never writes their tables.
type Campaigns interface {
	GetCampaign(ctx context.Context, id int64) (campaigns.Campaign, error)
	// Tree is the whole campaign from one snapshot.
	Tree(ctx context.Context, id int64) (campaigns.Tree, error)
	CampaignTx(ctx context.Context, tx db.Conn, id int64) (campaigns.Campaign, error)
	TransitionTx(ctx context.Context, tx db.Conn, id int64, ev campaigns.Event) (campaigns.Campaign, error)
	// OnTransition and OnDelete let publishing join lifecycle events (a
	// pause enqueues the job that pauses the campaign at Google) and
	// deletes (a campaign still at Google cannot be deleted).
	OnTransition(h campaigns.TransitionHook)
	OnDelete(g campaigns.DeleteGuard)
}

// AssetLibrary reads the images a Performance Max campaign uploads.
type AssetLibrary interface {
	Get(ctx context.Context, id int64) (assets.Asset, error)
	Content(ctx context.Context, id int64) (assets.Content, error)
}

var (
	_ Campaigns    = (*campaigns.Service)(nil)
	_ AssetLibrary = (*assets.Service)(nil)
)
