package policy

import (
	"slices"
	"testing"
)

func TestFormatCountsAndLinkFields(t *testing.T) {
	if got := RSAFormat.Max(Headline); got != 15 {
		t.Errorf("RSA headlines max %d, want 15", got)
	}
	if got := RSAFormat.Min(Description); got != 2 {
		t.Errorf("RSA descriptions min %d, want 2", got)
	}
	if got := RSAFormat.Max(LongHeadline); got != 0 {
		t.Errorf("an RSA takes no long headline, Max says %d", got)
	}
	want := []Field{Headline, Description, LongHeadline, BusinessName, MarketingImage, SquareMarketingImage, PortraitMarketingImage, Logo, LandscapeLogo}
	if got := LinkFields(); !slices.Equal(got, want) {
		t.Errorf("LinkFields %v, want %v", got, want)
	}
	for _, f := range LinkFields() {
		if RSAFormat.Max(f) == 0 && PerformanceMaxFormat.Max(f) == 0 {
			t.Errorf("%s is a link field of no format", f)
		}
	}
}

func TestPinsAndSlots(t *testing.T) {
	if got := AllPins(); !slices.Equal(got, []string{"HEADLINE_1", "HEADLINE_2", "HEADLINE_3", "DESCRIPTION_1", "DESCRIPTION_2"}) {
		t.Errorf("AllPins %v", got)
	}
	if Pins(LongHeadline) != nil {
		t.Errorf("long headlines cannot be pinned")
	}
	// AllPins must not share its backing array with Pins: appending to one
	// list must not change the other.
	p := Pins(Headline)
	_ = append(p, "X")
	if AllPins()[3] != "DESCRIPTION_1" {
		t.Error("Pins and AllPins share storage")
	}
	for _, f := range []Field{Headline, LongHeadline, Description, Path, BusinessName} {
		name := SlotName(f)
		if got, ok := SlotField(name); !ok || got != f || name == "" {
			t.Errorf("slot of %s is %q, which names %s (%v)", f, name, got, ok)
		}
	}
	if _, ok := SlotField("callouts"); ok {
		t.Error("an unknown slot names a field")
	}
}
