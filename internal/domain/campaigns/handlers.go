package campaigns

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

type entityOutput[T any] struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     T
}

func params(p httpapi.PageParams, sort string) (ListParams, error) {
	return NewListParams(sort, p.Cursor, p.Limit)
}

func output[T any](v T, version int64, location string) *entityOutput[T] {
	return &entityOutput[T]{ETag: httpapi.ETag(version), Location: location, Body: v}
}

// registerKeptList publishes a GET list of T for viewers. Every list of
// the campaign slice reads graph tables only (campaigns, ad groups,
// keywords, ads, asset groups, assets, links), so each page is kept encoded
// under its parameters I until the graph changes (httpapi.PageCache).
func registerKeptList[I comparable, T any](api *httpapi.API, s *Service, op huma.Operation, list func(context.Context, *I) (Page[T], error)) {
	pages := httpapi.NewPageCache[I](s.db)
	op.Method = http.MethodGet
	op.Responses = httpapi.ListResponses[T](api)
	httpapi.Register(api, auth.Viewer, op, func(ctx context.Context, in *I) (*httpapi.JSONOutput, error) {
		return pages.Get(ctx, *in, func(ctx context.Context) (any, error) {
			page, err := list(ctx, in)
			if err != nil {
				return nil, err
			}
			return httpapi.NewListBody(page.Items, page.NextCursor), nil
		})
	})
}

// resource is one kind of entity's create, read, change and delete
// operations, which have the same shape for every kind: ETag on reads and
// writes, If-Match on changes and deletes, Location on create.
type resource[T, In, P any] struct {
	tags   []string
	path   string // collection path, e.g. /api/keywords
	name   string // in operation ids: create-<name>, get-<name>, …
	create func(context.Context, In) (T, error)
	get    func(context.Context, int64) (T, error)
	update func(ctx context.Context, id, ifVersion int64, patch P) (T, error)
	delete func(ctx context.Context, id, ifVersion int64) error
	key    func(T) (id, version int64)
	docs   resourceDocs
}

// resourceDocs are the summaries and descriptions of a resource's operations.
type resourceDocs struct {
	create, createNote, get, update, updateNote, delete, deleteNote string
}

func (r resource[T, In, P]) register(api *httpapi.API) {
	item := r.path + "/{id}"
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "create-" + r.name, Method: http.MethodPost, Path: r.path,
		Summary: r.docs.create, Description: r.docs.createNote, Tags: r.tags, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct{ Body In }) (*entityOutput[T], error) {
			v, err := r.create(ctx, in.Body)
			if err != nil {
				return nil, err
			}
			id, version := r.key(v)
			return output(v, version, fmt.Sprintf("%s/%d", r.path, id)), nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "get-" + r.name, Method: http.MethodGet, Path: item,
		Summary: r.docs.get, Tags: r.tags},
		func(ctx context.Context, in *httpapi.IDParam) (*entityOutput[T], error) {
			v, err := r.get(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			_, version := r.key(v)
			return output(v, version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "update-" + r.name, Method: http.MethodPatch, Path: item,
		Summary: r.docs.update, Description: r.docs.updateNote, Tags: r.tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
			Body P
		}) (*entityOutput[T], error) {
			version, err := httpapi.IfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			v, err := r.update(ctx, in.ID, version, in.Body)
			if err != nil {
				return nil, err
			}
			_, newVersion := r.key(v)
			return output(v, newVersion, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "delete-" + r.name, Method: http.MethodDelete, Path: item,
		Summary: r.docs.delete, Description: r.docs.deleteNote, Tags: r.tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
		}) (*struct{}, error) {
			version, err := httpapi.IfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			return nil, r.delete(ctx, in.ID, version)
		})
}

// RegisterRoutes publishes the campaign operations on the API.
func RegisterRoutes(api *httpapi.API, s *Service) {
	registerCampaigns(api, s)
	registerAdGroups(api, s)
	registerKeywords(api, s)
	registerAds(api, s)
	registerAssetGroups(api, s)
	registerLinkRoutes(api, s)
	registerTextRoutes(api, s)
	registerBulkRoutes(api, s)
	registerStrengthRoutes(api)
	registerBrandRoutes(api, s)
}

func registerCampaigns(api *httpapi.API, s *Service) {
	tags := []string{"campaigns"}
	resource[Campaign, CampaignInput, CampaignPatch]{
		tags: tags, path: "/api/campaigns", name: "campaign",
		create: s.CreateCampaign, get: s.GetCampaign, update: s.UpdateCampaign, delete: s.DeleteCampaign,
		key: func(c Campaign) (int64, int64) { return c.ID, c.Version },
		docs: resourceDocs{create: "Create a campaign", createNote: "New campaigns start in draft.", get: "Get a campaign",
			update: "Change a campaign", updateNote: "Only in draft or review. Send If-Match to refuse a lost update.",
			delete: "Delete a campaign", deleteNote: "Deletes the campaign and everything under it; its assets stay in the library."},
	}.register(api)
	registerKeptList(api, s, huma.Operation{OperationID: "list-campaigns", Path: "/api/campaigns",
		Summary: "List campaigns", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort  string `query:"sort" enum:"created,-created,name,-name,updated,-updated" default:"created"`
			State string `query:"state" enum:"draft,generating,review,approved,publishing,published,failed,paused,archived"`
			Type  string `query:"type" enum:"SEARCH,PERFORMANCE_MAX"`
			Q     string `query:"q" maxLength:"200" doc:"Part of the name, case-insensitive"`
		}) (Page[Campaign], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return Page[Campaign]{}, err
			}
			page, err := s.ListCampaigns(ctx, CampaignFilter{State: in.State, Type: in.Type, Query: in.Q}, p)
			if err != nil {
				return Page[Campaign]{}, err
			}
			return page, nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "get-campaign-tree", Method: http.MethodGet, Path: "/api/campaigns/{id}/tree",
		Summary: "Get a whole campaign", Description: "Ad groups with keywords and ads (with texts), asset groups with assets, from one snapshot.", Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*entityOutput[Tree], error) {
			t, err := s.Tree(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return output(t, t.Campaign.Version, ""), nil
		})
	for _, ev := range userEvents() {
		rule := Events[ev]
		httpapi.Register(api, rule.Role, huma.Operation{OperationID: "campaign-" + string(ev), Method: http.MethodPost, Path: "/api/campaigns/{id}/" + string(ev),
			Summary: rule.Summary, Description: "Lifecycle event. If-Match is required: it names the version (the campaign's ETag, which moves with every change to anything in the campaign) that the event is meant for; without it 428, when anything changed since 412. An event the current state does not allow gets 409 with the state and the allowed events.", Tags: []string{"lifecycle"}},
			func(ctx context.Context, in *struct {
				httpapi.IDParam
				httpapi.RequiredIfMatchParam
			}) (*entityOutput[Campaign], error) {
				version, err := httpapi.RequireIfMatch(in.IfMatch)
				if err != nil {
					return nil, err
				}
				c, err := s.Transition(ctx, in.ID, ev, version)
				if err != nil {
					return nil, err
				}
				return output(c, c.Version, ""), nil
			})
	}
}

// userEvents are the lifecycle events people send through the API, in a
// stable order; system events belong to jobs.
func userEvents() []Event {
	var out []Event
	for _, ev := range []Event{EventSubmit, EventApprove, EventReopen, EventReturnToDraft, EventEdit, EventPause, EventResume, EventArchive} {
		if r := Events[ev]; !r.System {
			out = append(out, ev)
		}
	}
	return out
}

func registerAdGroups(api *httpapi.API, s *Service) {
	tags := []string{"ad groups"}
	resource[AdGroup, AdGroupInput, AdGroupPatch]{
		tags: tags, path: "/api/ad-groups", name: "ad-group",
		create: s.CreateAdGroup, get: s.GetAdGroup, update: s.UpdateAdGroup, delete: s.DeleteAdGroup,
		key: func(g AdGroup) (int64, int64) { return g.ID, g.Version },
		docs: resourceDocs{create: "Create an ad group", get: "Get an ad group", update: "Change an ad group",
			delete: "Delete an ad group", deleteNote: "With its keywords, ads and their links; assets stay in the library."},
	}.register(api)
	registerKeptList(api, s, huma.Operation{OperationID: "list-ad-groups", Path: "/api/ad-groups",
		Summary: "List ad groups", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort       string `query:"sort" enum:"created,-created,name,-name,updated,-updated" default:"created"`
			CampaignID int64  `query:"campaign_id" minimum:"0"`
			Status     string `query:"status" enum:"ENABLED,PAUSED"`
			Q          string `query:"q" maxLength:"200"`
		}) (Page[AdGroup], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return Page[AdGroup]{}, err
			}
			page, err := s.ListAdGroups(ctx, AdGroupFilter{CampaignID: in.CampaignID, Status: in.Status, Query: in.Q}, p)
			if err != nil {
				return Page[AdGroup]{}, err
			}
			return page, nil
		})
}

func registerKeywords(api *httpapi.API, s *Service) {
	tags := []string{"keywords"}
	resource[Keyword, KeywordInput, KeywordPatch]{
		tags: tags, path: "/api/keywords", name: "keyword",
		create: s.CreateKeyword, get: s.GetKeyword, update: s.UpdateKeyword, delete: s.DeleteKeyword,
		key:  func(k Keyword) (int64, int64) { return k.ID, k.Version },
		docs: resourceDocs{create: "Create a keyword", get: "Get a keyword", update: "Change a keyword", delete: "Delete a keyword"},
	}.register(api)
	registerKeptList(api, s, huma.Operation{OperationID: "list-keywords", Path: "/api/keywords",
		Summary: "List keywords", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort       string `query:"sort" enum:"created,-created,text,-text,updated,-updated" default:"created"`
			AdGroupID  int64  `query:"ad_group_id" minimum:"0"`
			CampaignID int64  `query:"campaign_id" minimum:"0"`
			MatchType  string `query:"match_type" enum:"EXACT,PHRASE,BROAD"`
			Negative   string `query:"negative" enum:"true,false"`
			Q          string `query:"q" maxLength:"200"`
		}) (Page[Keyword], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return Page[Keyword]{}, err
			}
			f := KeywordFilter{AdGroupID: in.AdGroupID, CampaignID: in.CampaignID, MatchType: in.MatchType, Query: in.Q}
			if in.Negative != "" {
				neg := in.Negative == "true"
				f.Negative = &neg
			}
			page, err := s.ListKeywords(ctx, f, p)
			if err != nil {
				return Page[Keyword]{}, err
			}
			return page, nil
		})
}

func registerAds(api *httpapi.API, s *Service) {
	tags := []string{"ads"}
	resource[Ad, AdInput, AdPatch]{
		tags: tags, path: "/api/ads", name: "ad",
		create: s.CreateAd, get: s.GetAd, update: s.UpdateAd, delete: s.DeleteAd,
		key: func(a Ad) (int64, int64) { return a.ID, a.Version },
		docs: resourceDocs{create: "Create a responsive search ad", createNote: "With its headlines and descriptions, each stored once in the asset library, in one transaction.",
			get: "Get a responsive search ad", update: "Change a responsive search ad", updateNote: "Headlines or descriptions, when given, replace the current ones.",
			delete: "Delete a responsive search ad"},
	}.register(api)
	registerKeptList(api, s, huma.Operation{OperationID: "list-ads", Path: "/api/ads",
		Summary: "List responsive search ads", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort       string `query:"sort" enum:"created,-created,updated,-updated" default:"created"`
			AdGroupID  int64  `query:"ad_group_id" minimum:"0"`
			CampaignID int64  `query:"campaign_id" minimum:"0"`
			Status     string `query:"status" enum:"ENABLED,PAUSED"`
		}) (Page[Ad], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return Page[Ad]{}, err
			}
			page, err := s.ListAds(ctx, AdFilter{AdGroupID: in.AdGroupID, CampaignID: in.CampaignID, Status: in.Status}, p)
			if err != nil {
				return Page[Ad]{}, err
			}
			return page, nil
		})
}

func registerAssetGroups(api *httpapi.API, s *Service) {
	tags := []string{"asset groups"}
	resource[AssetGroup, AssetGroupInput, AssetGroupPatch]{
		tags: tags, path: "/api/asset-groups", name: "asset-group",
		create: s.CreateAssetGroup, get: s.GetAssetGroup, update: s.UpdateAssetGroup, delete: s.DeleteAssetGroup,
		key: func(g AssetGroup) (int64, int64) { return g.ID, g.Version },
		docs: resourceDocs{create: "Create a Performance Max asset group", get: "Get an asset group with its assets",
			update: "Change an asset group", delete: "Delete an asset group"},
	}.register(api)
	registerKeptList(api, s, huma.Operation{OperationID: "list-asset-groups", Path: "/api/asset-groups",
		Summary: "List asset groups", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort       string `query:"sort" enum:"created,-created,name,-name,updated,-updated" default:"created"`
			CampaignID int64  `query:"campaign_id" minimum:"0"`
			Status     string `query:"status" enum:"ENABLED,PAUSED"`
			Q          string `query:"q" maxLength:"200"`
		}) (Page[AssetGroup], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return Page[AssetGroup]{}, err
			}
			page, err := s.ListAssetGroups(ctx, AssetGroupFilter{CampaignID: in.CampaignID, Status: in.Status, Query: in.Q}, p)
			if err != nil {
				return Page[AssetGroup]{}, err
			}
			return page, nil
		})
}
