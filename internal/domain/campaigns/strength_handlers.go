package campaigns

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// The set types POST /api/ad-strength rates.
const (
	strengthRSA        = "RESPONSIVE_SEARCH_AD"
	strengthAssetGroup = "ASSET_GROUP"
)

// AdStrengthText is a headline or description to rate, with its pin.
type AdStrengthText struct {
	Text string `json:"text" maxLength:"1000"`
	Pin  string `json:"pin,omitempty" enum:"HEADLINE_1,HEADLINE_2,HEADLINE_3,DESCRIPTION_1,DESCRIPTION_2" doc:"Served position (responsive search ads only)"`
}

// AdStrengthInput is an unsaved set to rate.
type AdStrengthInput struct {
	Type          string           `json:"type" enum:"RESPONSIVE_SEARCH_AD,ASSET_GROUP" doc:"A responsive search ad or a Performance Max asset group"`
	Language      string           `json:"language,omitempty" maxLength:"35" doc:"BCP 47 language of the copy; message variety is judged for de and en"`
	Headlines     []AdStrengthText `json:"headlines,omitempty" maxItems:"15"`
	Descriptions  []AdStrengthText `json:"descriptions,omitempty" maxItems:"5" doc:"Up to 4 in an ad, 5 in an asset group"`
	LongHeadlines []string         `json:"long_headlines,omitempty" maxItems:"5" doc:"Asset groups only"`
	BusinessName  string           `json:"business_name,omitempty" maxLength:"255" doc:"Asset groups only"`
	Keywords      []string         `json:"keywords,omitempty" maxItems:"200" doc:"The ad group's keywords, most important first (ads only)"`
	Images        []string         `json:"images,omitempty" maxItems:"100" doc:"Field type of each linked image or logo: MARKETING_IMAGE, SQUARE_MARKETING_IMAGE, PORTRAIT_MARKETING_IMAGE, LOGO, LANDSCAPE_LOGO (asset groups only)"`
	Videos        int              `json:"videos,omitempty" minimum:"0" maximum:"5" doc:"How many videos the asset group links"`
}

func registerStrengthRoutes(api *httpapi.API) {
	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: "rate-ad-strength", Method: http.MethodPost, Path: "/api/ad-strength", Tags: []string{"ads"},
		Summary: "Estimate the Ad Strength of unsaved texts",
		Description: "Rates a responsive search ad or a Performance Max asset group as the review screen edits it, " +
			"the same way ads and asset groups read from the API carry ad_strength. Nothing is stored. " +
			"Action codes are stable; messages come in German and English.",
		MaxBodyBytes: 1 << 20,
	}, func(_ context.Context, in *struct{ Body AdStrengthInput }) (*struct{ Body strength.AdStrength }, error) {
		r, err := RateUnsaved(in.Body)
		if err != nil {
			return nil, err
		}
		return &struct{ Body strength.AdStrength }{Body: r}, nil
	})
}

// RateUnsaved rates a set that is not stored. Parts the set's type does not
// have are refused, naming the request field.
func RateUnsaved(in AdStrengthInput) (strength.AdStrength, error) {
	ctx := strength.Context{Keywords: in.Keywords, Language: in.Language, Videos: in.Videos}
	format := policy.RSAFormat
	if in.Type == strengthAssetGroup {
		format = policy.PerformanceMaxFormat
	}
	if n := format.Max(policy.Description); len(in.Descriptions) > n {
		return strength.AdStrength{}, errs.Field("body.descriptions", fmt.Sprintf("a %s has at most %d descriptions", typeNoun(in.Type), n), len(in.Descriptions))
	}
	switch in.Type {
	case strengthRSA:
		for _, part := range []struct {
			at  string
			set bool
		}{{"body.long_headlines", len(in.LongHeadlines) > 0}, {"body.business_name", in.BusinessName != ""},
			{"body.images", len(in.Images) > 0}, {"body.videos", in.Videos > 0}} {
			if part.set {
				return strength.AdStrength{}, errs.Field(part.at, "a responsive search ad has none; only asset groups do", nil)
			}
		}
		ad := policy.RSA{}
		for i, t := range in.Headlines {
			if err := checkStrengthPin("body.headlines", i, t.Pin, policy.Headline); err != nil {
				return strength.AdStrength{}, err
			}
			ad.Headlines = append(ad.Headlines, policy.PinnedText{Text: t.Text, Pin: t.Pin})
		}
		for i, t := range in.Descriptions {
			if err := checkStrengthPin("body.descriptions", i, t.Pin, policy.Description); err != nil {
				return strength.AdStrength{}, err
			}
			ad.Descriptions = append(ad.Descriptions, policy.PinnedText{Text: t.Text, Pin: t.Pin})
		}
		return strength.RateRSA(ad, ctx), nil
	case strengthAssetGroup:
		if len(in.Keywords) > 0 {
			return strength.AdStrength{}, errs.Field("body.keywords", "an asset group has no keywords; only ads are rated on them", nil)
		}
		g := policy.AssetGroupText{LongHeadlines: in.LongHeadlines, BusinessName: in.BusinessName}
		for i, t := range in.Headlines {
			if err := checkStrengthPin("body.headlines", i, t.Pin, ""); err != nil {
				return strength.AdStrength{}, err
			}
			g.Headlines = append(g.Headlines, t.Text)
		}
		for i, t := range in.Descriptions {
			if err := checkStrengthPin("body.descriptions", i, t.Pin, ""); err != nil {
				return strength.AdStrength{}, err
			}
			g.Descriptions = append(g.Descriptions, t.Text)
		}
		for i, name := range in.Images {
			f := policy.Field(name)
			if !policy.IsImage(f) || format.Max(f) == 0 {
				return strength.AdStrength{}, errs.Field(fmt.Sprintf("body.images[%d]", i), "must be an image field type of an asset group: "+imageFieldNames(format), name)
			}
			g.Images = append(g.Images, f)
		}
		return strength.RateAssetGroup(g, ctx), nil
	}
	return strength.AdStrength{}, errs.Field("body.type", "must be "+strengthRSA+" or "+strengthAssetGroup, in.Type)
}

func typeNoun(t string) string {
	if t == strengthAssetGroup {
		return "asset group"
	}
	return "responsive search ad"
}

// checkStrengthPin: a pin names a position of the text's own field; asset
// groups (field "") take none.
func checkStrengthPin(list string, i int, pin string, f policy.Field) error {
	if pin == "" {
		return nil
	}
	at := fmt.Sprintf("%s[%d].pin", list, i)
	if f == "" {
		return errs.Field(at, "asset groups take no pins", pin)
	}
	if !slices.Contains(policy.Pins(f), pin) {
		return errs.Field(at, fmt.Sprintf("must be one of %v", policy.Pins(f)), pin)
	}
	return nil
}

func imageFieldNames(format *policy.Format) string {
	var names []string
	for _, f := range format.Fields() {
		if policy.IsImage(f) {
			names = append(names, string(f))
		}
	}
	return fmt.Sprint(names)
}
