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

func listOutput[T any](p Page[T]) *httpapi.ListOutput[T] {
	out := &httpapi.ListOutput[T]{}
	out.Body.Items, out.Body.NextCursor = p.Items, p.NextCursor
	return out
}

// RegisterRoutes publishes the campaign operations on the API.
func RegisterRoutes(api *httpapi.API, s *Service) {
	registerCampaigns(api, s)
	registerAdGroups(api, s)
	registerKeywords(api, s)
	registerAds(api, s)
	registerAssetGroups(api, s)
}

func registerCampaigns(api *httpapi.API, s *Service) {
	tags := []string{"campaigns"}
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "create-campaign", Method: http.MethodPost, Path: "/api/campaigns",
		Summary: "Create a campaign", Description: "New campaigns start in draft.", Tags: tags, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct{ Body CampaignInput }) (*entityOutput[Campaign], error) {
			c, err := s.CreateCampaign(ctx, in.Body)
			if err != nil {
				return nil, err
			}
			return output(c, c.Version, fmt.Sprintf("/api/campaigns/%d", c.ID)), nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "get-campaign", Method: http.MethodGet, Path: "/api/campaigns/{id}",
		Summary: "Get a campaign", Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*entityOutput[Campaign], error) {
			c, err := s.GetCampaign(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return output(c, c.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "update-campaign", Method: http.MethodPatch, Path: "/api/campaigns/{id}",
		Summary: "Change a campaign", Description: "Only in draft or review. Send If-Match to refuse a lost update.", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
			Body CampaignPatch
		}) (*entityOutput[Campaign], error) {
			c, err := s.UpdateCampaign(ctx, in.ID, in.IfMatch, in.Body)
			if err != nil {
				return nil, err
			}
			return output(c, c.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "delete-campaign", Method: http.MethodDelete, Path: "/api/campaigns/{id}",
		Summary: "Delete a campaign", Description: "Deletes the campaign and everything under it; its assets stay in the library.", Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
		}) (*struct{}, error) {
			return nil, s.DeleteCampaign(ctx, in.ID, in.IfMatch)
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "list-campaigns", Method: http.MethodGet, Path: "/api/campaigns",
		Summary: "List campaigns", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort  string `query:"sort" enum:"created,-created,name,-name,updated,-updated" default:"created"`
			State string `query:"state" enum:"draft,generating,review,approved,publishing,published,failed,paused,archived"`
			Type  string `query:"type" enum:"SEARCH,PERFORMANCE_MAX"`
			Q     string `query:"q" maxLength:"200" doc:"Part of the name, case-insensitive"`
		}) (*httpapi.ListOutput[Campaign], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return nil, err
			}
			page, err := s.ListCampaigns(ctx, CampaignFilter{State: in.State, Type: in.Type, Query: in.Q}, p)
			if err != nil {
				return nil, err
			}
			return listOutput(page), nil
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
			Summary: rule.Summary, Description: "Lifecycle event. An event the current state does not allow gets 409 with the state and the allowed events.", Tags: []string{"lifecycle"}},
			func(ctx context.Context, in *struct {
				httpapi.IDParam
				httpapi.IfMatchParam
			}) (*entityOutput[Campaign], error) {
				c, err := s.Transition(ctx, in.ID, ev, in.IfMatch)
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
	for _, ev := range []Event{EventSubmit, EventApprove, EventReopen, EventReturnToDraft, EventPause, EventResume, EventArchive} {
		if r := Events[ev]; !r.System {
			out = append(out, ev)
		}
	}
	return out
}

func registerAdGroups(api *httpapi.API, s *Service) {
	tags := []string{"ad groups"}
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "create-ad-group", Method: http.MethodPost, Path: "/api/ad-groups",
		Summary: "Create an ad group", Tags: tags, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct{ Body AdGroupInput }) (*entityOutput[AdGroup], error) {
			g, err := s.CreateAdGroup(ctx, in.Body)
			if err != nil {
				return nil, err
			}
			return output(g, g.Version, fmt.Sprintf("/api/ad-groups/%d", g.ID)), nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "get-ad-group", Method: http.MethodGet, Path: "/api/ad-groups/{id}",
		Summary: "Get an ad group", Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*entityOutput[AdGroup], error) {
			g, err := s.GetAdGroup(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return output(g, g.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "update-ad-group", Method: http.MethodPatch, Path: "/api/ad-groups/{id}",
		Summary: "Change an ad group", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
			Body AdGroupPatch
		}) (*entityOutput[AdGroup], error) {
			g, err := s.UpdateAdGroup(ctx, in.ID, in.IfMatch, in.Body)
			if err != nil {
				return nil, err
			}
			return output(g, g.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "delete-ad-group", Method: http.MethodDelete, Path: "/api/ad-groups/{id}",
		Summary: "Delete an ad group", Description: "With its keywords, ads and their links; assets stay in the library.", Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
		}) (*struct{}, error) {
			return nil, s.DeleteAdGroup(ctx, in.ID, in.IfMatch)
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "list-ad-groups", Method: http.MethodGet, Path: "/api/ad-groups",
		Summary: "List ad groups", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort       string `query:"sort" enum:"created,-created,name,-name,updated,-updated" default:"created"`
			CampaignID int64  `query:"campaign_id" minimum:"0"`
			Status     string `query:"status" enum:"ENABLED,PAUSED"`
			Q          string `query:"q" maxLength:"200"`
		}) (*httpapi.ListOutput[AdGroup], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return nil, err
			}
			page, err := s.ListAdGroups(ctx, AdGroupFilter{CampaignID: in.CampaignID, Status: in.Status, Query: in.Q}, p)
			if err != nil {
				return nil, err
			}
			return listOutput(page), nil
		})
}

func registerKeywords(api *httpapi.API, s *Service) {
	tags := []string{"keywords"}
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "create-keyword", Method: http.MethodPost, Path: "/api/keywords",
		Summary: "Create a keyword", Tags: tags, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct{ Body KeywordInput }) (*entityOutput[Keyword], error) {
			k, err := s.CreateKeyword(ctx, in.Body)
			if err != nil {
				return nil, err
			}
			return output(k, k.Version, fmt.Sprintf("/api/keywords/%d", k.ID)), nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "get-keyword", Method: http.MethodGet, Path: "/api/keywords/{id}",
		Summary: "Get a keyword", Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*entityOutput[Keyword], error) {
			k, err := s.GetKeyword(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return output(k, k.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "update-keyword", Method: http.MethodPatch, Path: "/api/keywords/{id}",
		Summary: "Change a keyword", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
			Body KeywordPatch
		}) (*entityOutput[Keyword], error) {
			k, err := s.UpdateKeyword(ctx, in.ID, in.IfMatch, in.Body)
			if err != nil {
				return nil, err
			}
			return output(k, k.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "delete-keyword", Method: http.MethodDelete, Path: "/api/keywords/{id}",
		Summary: "Delete a keyword", Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
		}) (*struct{}, error) {
			return nil, s.DeleteKeyword(ctx, in.ID, in.IfMatch)
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "list-keywords", Method: http.MethodGet, Path: "/api/keywords",
		Summary: "List keywords", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort       string `query:"sort" enum:"created,-created,text,-text,updated,-updated" default:"created"`
			AdGroupID  int64  `query:"ad_group_id" minimum:"0"`
			CampaignID int64  `query:"campaign_id" minimum:"0"`
			MatchType  string `query:"match_type" enum:"EXACT,PHRASE,BROAD"`
			Negative   string `query:"negative" enum:"true,false"`
			Q          string `query:"q" maxLength:"200"`
		}) (*httpapi.ListOutput[Keyword], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return nil, err
			}
			f := KeywordFilter{AdGroupID: in.AdGroupID, CampaignID: in.CampaignID, MatchType: in.MatchType, Query: in.Q}
			if in.Negative != "" {
				neg := in.Negative == "true"
				f.Negative = &neg
			}
			page, err := s.ListKeywords(ctx, f, p)
			if err != nil {
				return nil, err
			}
			return listOutput(page), nil
		})
}

func registerAds(api *httpapi.API, s *Service) {
	tags := []string{"ads"}
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "create-ad", Method: http.MethodPost, Path: "/api/ads",
		Summary: "Create a responsive search ad", Description: "With its headlines and descriptions, each stored once in the asset library, in one transaction.", Tags: tags, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct{ Body AdInput }) (*entityOutput[Ad], error) {
			a, err := s.CreateAd(ctx, in.Body)
			if err != nil {
				return nil, err
			}
			return output(a, a.Version, fmt.Sprintf("/api/ads/%d", a.ID)), nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "get-ad", Method: http.MethodGet, Path: "/api/ads/{id}",
		Summary: "Get a responsive search ad", Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*entityOutput[Ad], error) {
			a, err := s.GetAd(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return output(a, a.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "update-ad", Method: http.MethodPatch, Path: "/api/ads/{id}",
		Summary: "Change a responsive search ad", Description: "Headlines or descriptions, when given, replace the current ones.", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
			Body AdPatch
		}) (*entityOutput[Ad], error) {
			a, err := s.UpdateAd(ctx, in.ID, in.IfMatch, in.Body)
			if err != nil {
				return nil, err
			}
			return output(a, a.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "delete-ad", Method: http.MethodDelete, Path: "/api/ads/{id}",
		Summary: "Delete a responsive search ad", Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
		}) (*struct{}, error) {
			return nil, s.DeleteAd(ctx, in.ID, in.IfMatch)
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "list-ads", Method: http.MethodGet, Path: "/api/ads",
		Summary: "List responsive search ads", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort       string `query:"sort" enum:"created,-created,updated,-updated" default:"created"`
			AdGroupID  int64  `query:"ad_group_id" minimum:"0"`
			CampaignID int64  `query:"campaign_id" minimum:"0"`
			Status     string `query:"status" enum:"ENABLED,PAUSED"`
		}) (*httpapi.ListOutput[Ad], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return nil, err
			}
			page, err := s.ListAds(ctx, AdFilter{AdGroupID: in.AdGroupID, CampaignID: in.CampaignID, Status: in.Status}, p)
			if err != nil {
				return nil, err
			}
			return listOutput(page), nil
		})
}

func registerAssetGroups(api *httpapi.API, s *Service) {
	tags := []string{"asset groups"}
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "create-asset-group", Method: http.MethodPost, Path: "/api/asset-groups",
		Summary: "Create a Performance Max asset group", Tags: tags, DefaultStatus: http.StatusCreated},
		func(ctx context.Context, in *struct{ Body AssetGroupInput }) (*entityOutput[AssetGroup], error) {
			g, err := s.CreateAssetGroup(ctx, in.Body)
			if err != nil {
				return nil, err
			}
			return output(g, g.Version, fmt.Sprintf("/api/asset-groups/%d", g.ID)), nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "get-asset-group", Method: http.MethodGet, Path: "/api/asset-groups/{id}",
		Summary: "Get an asset group with its assets", Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*entityOutput[AssetGroup], error) {
			g, err := s.GetAssetGroup(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return output(g, g.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "update-asset-group", Method: http.MethodPatch, Path: "/api/asset-groups/{id}",
		Summary: "Change an asset group", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
			Body AssetGroupPatch
		}) (*entityOutput[AssetGroup], error) {
			g, err := s.UpdateAssetGroup(ctx, in.ID, in.IfMatch, in.Body)
			if err != nil {
				return nil, err
			}
			return output(g, g.Version, ""), nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "delete-asset-group", Method: http.MethodDelete, Path: "/api/asset-groups/{id}",
		Summary: "Delete an asset group", Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.IfMatchParam
		}) (*struct{}, error) {
			return nil, s.DeleteAssetGroup(ctx, in.ID, in.IfMatch)
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "list-asset-groups", Method: http.MethodGet, Path: "/api/asset-groups",
		Summary: "List asset groups", Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.PageParams
			Sort       string `query:"sort" enum:"created,-created,name,-name,updated,-updated" default:"created"`
			CampaignID int64  `query:"campaign_id" minimum:"0"`
			Status     string `query:"status" enum:"ENABLED,PAUSED"`
			Q          string `query:"q" maxLength:"200"`
		}) (*httpapi.ListOutput[AssetGroup], error) {
			p, err := params(in.PageParams, in.Sort)
			if err != nil {
				return nil, err
			}
			page, err := s.ListAssetGroups(ctx, AssetGroupFilter{CampaignID: in.CampaignID, Status: in.Status, Query: in.Q}, p)
			if err != nil {
				return nil, err
			}
			return listOutput(page), nil
		})
}
