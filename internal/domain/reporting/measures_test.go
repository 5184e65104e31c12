package reporting

import "testing"

// Summed fractional conversions are answered as Google reports them (at
// most 6 decimals), not with the float noise of the sum.
func TestMeasuresCarryNoFloatNoise(t *testing.T) {
	m := MeasuresOf(Metrics{Impressions: 10, Clicks: 3, CostMicros: 1_000_000, Conversions: 0.1 + 0.2, ConversionsValue: 60591.40 + 0.01})
	if m.Conversions != 0.3 || m.ConversionsValue != 60591.41 {
		t.Fatalf("conversions %v, value %v; want 0.3 and 60591.41", m.Conversions, m.ConversionsValue)
	}
	if m.ROAS == nil || *m.ROAS != 60591.41 {
		t.Fatalf("roas %v", m.ROAS)
	}
}
