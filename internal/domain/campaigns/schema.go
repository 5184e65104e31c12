package campaigns

import (
	"fmt"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// The bounds and enums of the API's schemas that are format rules — how many
// headlines an ad takes, how wide a path is, which pins exist — are taken
// from the policy package when huma builds the schemas, so the published
// contract and the request validation cannot drift from the rules.

// TransformSchema takes the pin positions from the policy.
func (AdText) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	httpapi.SetEnum(s, "pinned_field", policy.AllPins()...)
	return s
}

// TransformSchema takes the pin positions from the policy.
func (AdTextInput) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	httpapi.SetEnum(s, "pinned_field", policy.AllPins()...)
	return s
}

// TransformSchema takes the counts and the path width from the policy.
func (AdInput) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	return adSchema(s)
}

// TransformSchema takes the counts and the path width from the policy.
func (AdPatch) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	return adSchema(s)
}

func adSchema(s *huma.Schema) *huma.Schema {
	httpapi.SetMaxItems(s, "headlines", policy.RSAFormat.Max(policy.Headline))
	httpapi.SetMaxItems(s, "descriptions", policy.RSAFormat.Max(policy.Description))
	return pathSchema(s)
}

// TransformSchema takes the counts from the policy.
func (AdTexts) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	httpapi.SetMaxItems(s, "headlines", policy.RSAFormat.Max(policy.Headline))
	httpapi.SetMaxItems(s, "descriptions", policy.RSAFormat.Max(policy.Description))
	return pathSchema(s)
}

// TransformSchema takes the counts from the policy.
func (AssetGroupTexts) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	for _, f := range []policy.Field{policy.Headline, policy.LongHeadline, policy.Description} {
		httpapi.SetMaxItems(s, policy.SlotName(f), policy.PerformanceMaxFormat.Max(f))
	}
	return s
}

// TransformSchema takes the path width from the policy.
func (AssetGroupInput) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	return pathSchema(s)
}

// TransformSchema takes the path width from the policy.
func (AssetGroupPatch) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	return pathSchema(s)
}

func pathSchema(s *huma.Schema) *huma.Schema {
	httpapi.SetMaxLength(s, "path1", policy.Limit(policy.Path))
	httpapi.SetMaxLength(s, "path2", policy.Limit(policy.Path))
	return s
}

// TransformSchema takes the limits of banned terms and the business name
// from the policy.
func (Brief) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	httpapi.SetMaxItems(s, "banned_terms", policy.MaxBannedTerms)
	s.Properties["banned_terms"].Description = fmt.Sprintf("Terms the copy must not contain (at most %d, as Google allows)", policy.MaxBannedTerms)
	httpapi.SetMaxLength(s, "business_name", policy.Limit(policy.BusinessName))
	return s
}

// TransformSchema takes the keyword length from the policy.
func (KeywordInput) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	httpapi.SetMaxLength(s, "text", policy.Limit(policy.Keyword))
	return s
}

// TransformSchema takes the keyword length from the policy.
func (KeywordPatch) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	httpapi.SetMaxLength(s, "text", policy.Limit(policy.Keyword))
	return s
}
