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

// A full responsive search ad: 15 headlines, 4 descriptions, 2 paths.
func BenchmarkValidateRSA(b *testing.B) {
	ad := validRSA()
	b.ReportAllocs()
	for b.Loop() {
		if r := Default().CheckRSA(ad); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}

func BenchmarkValidateDescription(b *testing.B) {
	const d = "Laufschuhe von führenden Marken. Kostenloser Versand ab 49 € und 30 Tage Rückgabe."
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Description, d); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}

func BenchmarkValidateHeadlineJapanese(b *testing.B) {
	const h = "東京のホテルを今すぐ予約"
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Headline, h); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}

func BenchmarkValidateHeadlineInvalid(b *testing.B) {
	const h = "FREE Shipping!! Call 030 1234567"
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Headline, h); r.Valid {
			b.Fatal("accepted")
		}
	}
}
