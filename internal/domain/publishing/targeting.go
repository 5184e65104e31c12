package publishing

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// TargetOption is a language or country a campaign can target, with the
// Google Ads constant it is published as.
type TargetOption struct {
	Code     string `json:"code" doc:"What a campaign stores: a BCP 47 language tag (de, zh-TW) or an ISO 3166-1 country code (DE)"`
	Resource string `json:"resource" doc:"The Google Ads constant, e.g. languageConstants/1001 or geoTargetConstants/2276"`
}

// Targeting lists what campaigns can target.
type Targeting struct {
	Languages []TargetOption `json:"languages" nullable:"false"`
	Countries []TargetOption `json:"countries" nullable:"false"`
}

// preferredCode names a language constant that several tags reach by the
// tag a campaign should store.
var preferredCode = map[int64]string{1013: "nb", 1027: "he", 1042: "fil", 1017: "zh-CN", 1018: "zh-TW"}

// TargetingOptions returns every language and country the publisher can
// turn into a Google Ads constant, sorted by code: the pickers of the web
// app offer exactly these.
func TargetingOptions() Targeting {
	seen := map[int64]bool{}
	var out Targeting
	for code, id := range languageConstants {
		if seen[id] {
			continue
		}
		seen[id] = true
		if p, ok := preferredCode[id]; ok {
			code = p
		}
		out.Languages = append(out.Languages, TargetOption{Code: code, Resource: "languageConstants/" + strconv.FormatInt(id, 10)})
	}
	for code, n := range countryNumbers {
		out.Countries = append(out.Countries, TargetOption{Code: code, Resource: "geoTargetConstants/" + strconv.Itoa(2000+n)})
	}
	byCode := func(a, b TargetOption) int {
		if a.Code < b.Code {
			return -1
		}
		if a.Code > b.Code {
			return 1
		}
		return 0
	}
	slices.SortFunc(out.Languages, byCode)
	slices.SortFunc(out.Countries, byCode)
	return out
}

func registerTargeting(api *httpapi.API, tags []string) {
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "google-ads-targeting", Method: http.MethodGet, Path: "/api/google-ads/targeting",
		Summary:     "List the languages and countries a campaign can target",
		Description: "Each with the code a campaign stores and the Google Ads constant it is published as. Needs no Google Ads connection.",
		Tags:        tags},
		func(ctx context.Context, _ *struct{}) (*struct{ Body Targeting }, error) {
			return &struct{ Body Targeting }{TargetingOptions()}, nil
		})
}
