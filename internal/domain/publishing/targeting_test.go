package publishing_test

import (
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/publishing"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// Every language and country the pickers offer is one the publisher turns
// into the Google Ads constant the list names, and each constant is offered
// once, by one code.
func TestTargetingOptionsAreWhatThePublisherSends(t *testing.T) {
	opts := publishing.TargetingOptions()
	if len(opts.Languages) < 40 || len(opts.Countries) < 60 {
		t.Fatalf("%d languages, %d countries", len(opts.Languages), len(opts.Countries))
	}
	seen := map[string]string{}
	for _, l := range opts.Languages {
		got, ok := publishing.LanguageConstant(l.Code)
		if !ok || got != l.Resource {
			t.Errorf("language %s: offered as %s, published as %q (%v)", l.Code, l.Resource, got, ok)
		}
		if other, dup := seen[l.Resource]; dup {
			t.Errorf("%s offered as %s and %s", l.Resource, other, l.Code)
		}
		seen[l.Resource] = l.Code
	}
	for _, c := range opts.Countries {
		got, ok := publishing.LocationConstant(c.Code)
		if !ok || got != c.Resource {
			t.Errorf("country %s: offered as %s, published as %q (%v)", c.Code, c.Resource, got, ok)
		}
	}
	if seen["languageConstants/1001"] != "de" || seen["languageConstants/1013"] != "nb" || seen["languageConstants/1018"] != "zh-TW" {
		t.Errorf("codes: de=%s nb=%s zh-TW=%s", seen["languageConstants/1001"], seen["languageConstants/1013"], seen["languageConstants/1018"])
	}
}

func TestTargetingIsListedForViewersWithoutGoogleAds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		var out publishing.Targeting
		e.DoAs(t, auth.Viewer, "GET", "/api/google-ads/targeting", nil).JSON(t, &out)
		if len(out.Countries) == 0 || out.Countries[0].Code != "AD" {
			t.Errorf("countries: %+v", out.Countries[:min(3, len(out.Countries))])
		}
		if s := e.DoAs(t, auth.Anonymous, "GET", "/api/google-ads/targeting", nil).Status; s != 401 {
			t.Errorf("anonymous: %d", s)
		}
	})
}
