package strength_test

import (
	"testing"

	"github.com/imaphub/imaphub/internal/domain/policy/strength"
)

// The estimate runs on every keystroke in the review screen and on every
// set the generation loop considers: it must take microseconds.
func BenchmarkRateRSA(b *testing.B) {
	ad := rsa(germanHeadlines, germanDescriptions)
	b.ReportAllocs()
	for b.Loop() {
		strength.RateRSA(ad, germanContext)
	}
}

func BenchmarkRateAssetGroup(b *testing.B) {
	g := englishGroup()
	ctx := strength.Context{Language: "en"}
	b.ReportAllocs()
	for b.Loop() {
		strength.RateAssetGroup(g, ctx)
	}
}
