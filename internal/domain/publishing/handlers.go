package publishing

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// LangParams pick the language of problem messages.
type LangParams struct {
	Lang           string `query:"lang" enum:"en,de" doc:"Language of the messages; default from Accept-Language, else English"`
	AcceptLanguage string `header:"Accept-Language" doc:"Used when lang is absent"`
}

func (l LangParams) lang() string { return Lang(l.Lang, l.AcceptLanguage) }

func userOf(ctx context.Context) int64 {
	if p := auth.FromContext(ctx); p != nil {
		return p.UserID
	}
	return 0
}

// notConnectedDoc is the sentence every Google-calling operation adds.
const notConnectedDoc = " 503 (code google_ads_not_connected) when Google Ads is not configured on the server, naming the settings to make; 502 (code google_ads_error, with advice) when Google Ads fails for another reason than the campaign's content."

// RegisterRoutes publishes the publishing operations.
func RegisterRoutes(api *httpapi.API, s *Service) {
	tags := []string{"publishing"}
	registerTargeting(api, tags)
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "google-ads-accounts", Method: http.MethodGet, Path: "/api/google-ads/accounts",
		Summary:     "List the Google Ads accounts campaigns can be published to",
		Description: "The accounts the configured credentials reach: the tree under IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID, or each account the Google user reaches directly. Manager accounts are listed but hold no campaigns." + notConnectedDoc,
		Tags:        tags, Errors: []int{http.StatusBadGateway, http.StatusServiceUnavailable}},
		func(ctx context.Context, _ *struct{}) (*struct{ Body AccountList }, error) {
			out, err := s.Accounts(ctx)
			if err != nil {
				return nil, err
			}
			return &struct{ Body AccountList }{out}, nil
		})
	httpapi.Register(api, auth.Publisher, huma.Operation{OperationID: "campaign-google-ads-account", Method: http.MethodPut, Path: "/api/campaigns/{id}/google-ads-account",
		Summary: "Choose the Google Ads account a campaign is published to",
		Description: "Checks at Google that the account can be reached and is not a manager account, and stores it with the campaign's EU political advertising declaration. " +
			"A campaign that exists at Google stays in its account (409); none can be chosen while the campaign is publishing (409)." + notConnectedDoc,
		Tags: tags, Errors: []int{http.StatusConflict, http.StatusBadGateway, http.StatusServiceUnavailable}},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			Body TargetInput
		}) (*struct{ Body Target }, error) {
			t, err := s.SetTarget(ctx, in.ID, in.Body, userOf(ctx))
			if err != nil {
				return nil, err
			}
			return &struct{ Body Target }{t}, nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "campaign-google-ads", Method: http.MethodGet, Path: "/api/campaigns/{id}/google-ads",
		Summary:     "Where a campaign stands with Google Ads",
		Description: "The chosen account, whether the campaign exists at Google and with which status, every entity's resource name, a link into the Google Ads UI, and the last entry of the change history.",
		Tags:        tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			LangParams
		}) (*struct{ Body Status }, error) {
			out, err := s.Status(ctx, in.ID, in.lang())
			if err != nil {
				return nil, err
			}
			return &struct{ Body Status }{out}, nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "campaign-change-set", Method: http.MethodGet, Path: "/api/campaigns/{id}/change-set",
		Summary: "What publishing the campaign would change at Google Ads now",
		Description: "For a campaign never published, everything it consists of; for a published one, the difference between the campaign as it is and as Google holds it — the change set reviewed before it is published. " +
			"Computed here without calling Google (a dry run asks Google).",
		Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			LangParams
		}) (*struct{ Body ChangeSet }, error) {
			out, err := s.ChangeSet(ctx, in.ID, in.lang())
			if err != nil {
				return nil, err
			}
			return &struct{ Body ChangeSet }{out}, nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "campaign-dry-run", Method: http.MethodPost, Path: "/api/campaigns/{id}/dry-run",
		Summary: "Check with Google Ads what publishing would send, changing nothing",
		Description: "Sends everything publishing would send now with validateOnly and answers every problem at our entity and field (for example \"ad 7, headlines[3]\"), in the language of lang or Accept-Language (en, de). " +
			"Works in any state; the chosen account is used unless the body names another. Recorded in the change history. 409 when no account is chosen." + notConnectedDoc,
		Tags: tags, Errors: []int{http.StatusConflict, http.StatusBadGateway, http.StatusServiceUnavailable}},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			LangParams
			Body *DryRunInput
		}) (*struct{ Body DryRun }, error) {
			var body DryRunInput
			if in.Body != nil {
				body = *in.Body
			}
			out, err := s.DryRun(ctx, in.ID, body, userOf(ctx), in.lang())
			if err != nil {
				return nil, err
			}
			return &struct{ Body DryRun }{out}, nil
		})
	httpapi.Register(api, auth.Publisher, huma.Operation{OperationID: "campaign-publish", Method: http.MethodPost, Path: "/api/campaigns/{id}/publish",
		Summary: "Publish an approved campaign to Google Ads in the background",
		Description: "Moves the campaign to publishing and starts a job that first checks everything with Google (validateOnly), then creates the campaign — PAUSED unless start_enabled — or, for a published campaign, sends its change set, " +
			"one step per ad group or asset group. Watch it at the returned events URL (\"Publishing 3/10: ad group Winterreifen\"); the campaign then moves to paused or published, or to failed with the problems in the change history. " +
			"A cancel (POST /api/jobs/{id}/cancel) stops it until its first change at Google. A lifecycle event: If-Match with the campaign's ETag is required (428 without it, 412 when the campaign changed since). " +
			"409 when the campaign is not approved or has no account; 422 for what Google cannot take at all (a language it does not target)." + notConnectedDoc,
		Tags: []string{"lifecycle", "publishing"}, DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusConflict, http.StatusServiceUnavailable}},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.RequiredIfMatchParam
			Body *PublishInput
		}) (*struct {
			Location string `header:"Location"`
			Body     Started
		}, error) {
			version, err := httpapi.RequireIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			var body PublishInput
			if in.Body != nil {
				body = *in.Body
			}
			out, err := s.StartPublish(ctx, in.ID, version, userOf(ctx), body)
			if err != nil {
				return nil, err
			}
			return &struct {
				Location string `header:"Location"`
				Body     Started
			}{Location: fmt.Sprintf("/api/jobs/%d", out.Job.ID), Body: out}, nil
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "campaign-publish-runs", Method: http.MethodGet, Path: "/api/campaigns/{id}/publish-runs",
		Summary: "A campaign's change history at Google Ads",
		Description: "Every publish, dry run and status change, newest first: who, when, the account, what changed (by action and kind), Google's request ids, the outcome, and the problems at our entities and fields. " +
			"Page with limit and cursor (the previous page's next_cursor).",
		Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.PageParams
			LangParams
		}) (*httpapi.ListOutput[Run], error) {
			runs, next, err := s.Runs(ctx, in.ID, in.Cursor, in.Limit, in.lang())
			if err != nil {
				return nil, err
			}
			out := &httpapi.ListOutput[Run]{}
			out.Body.Items, out.Body.NextCursor = runs, next
			return out, nil
		})
}
