package campaigns

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// BrandSpellingList is the account's list and the built-in one.
type BrandSpellingList struct {
	Account []string `json:"account" nullable:"false" doc:"The account's own spellings, allowed as written in every campaign's texts"`
	Builtin []string `json:"builtin" nullable:"false" doc:"Spellings every check allows already (iPhone, PayPal, eBay, JobRad …)"`
}

// BrandSpellingInput replaces the account's list.
type BrandSpellingInput struct {
	Terms []string `json:"terms" nullable:"false" maxItems:"500" doc:"Every spelling of the account, e.g. ReifenDirekt; the list replaces the one stored"`
}

func registerBrandRoutes(api *httpapi.API, s *Service) {
	tags := []string{"campaigns"}
	list := func(account []string) *struct{ Body BrandSpellingList } {
		return &struct{ Body BrandSpellingList }{BrandSpellingList{Account: account, Builtin: policy.BuiltinBrandSpellings()}}
	}
	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: "list-brand-spellings", Method: http.MethodGet, Path: "/api/brand-spellings", Tags: tags,
		Summary:     "List the brand spellings every text may use as written",
		Description: "The account's own list, which extends the built-in one for every campaign (a brief's brand_terms extend it for one campaign).",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body BrandSpellingList }, error) {
		account, err := s.BrandSpellings(ctx)
		if err != nil {
			return nil, err
		}
		return list(account), nil
	})
	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "replace-brand-spellings", Method: http.MethodPut, Path: "/api/brand-spellings", Tags: tags,
		Summary: "Replace the account's brand spellings",
		Description: "Spellings such as ReifenDirekt are then allowed as written in every campaign's texts: writes, approval, generation, Editor imports and /api/validate. " +
			"At most 500, each up to 80 characters; duplicates are dropped.",
	}, func(ctx context.Context, in *struct{ Body BrandSpellingInput }) (*struct{ Body BrandSpellingList }, error) {
		account, err := s.SetBrandSpellings(ctx, in.Body.Terms)
		if err != nil {
			return nil, err
		}
		return list(account), nil
	})
}
