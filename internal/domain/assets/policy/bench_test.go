package policy

import "testing"

// A valid ASCII headline: the hot path of the LLM loop and the tile UI.
func BenchmarkValidateHeadline(b *testing.B) {
	const h = "Buy Running Shoes Online Today"
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Headline, h); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}

func BenchmarkValidateHeadlineGerman(b *testing.B) {
	const h = "Winterreifen ab 49,99 € kaufen"
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Headline, h); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}
