package generation

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/policy"
)

// Shortfall is what a text set lacks to the smallest set Google accepts.
type Shortfall struct {
	Slot string `json:"slot"`
	Need int    `json:"need" doc:"How many items the minimum asks for"`
	Have int    `json:"have" doc:"How many the set holds"`
	// MaxWidth is set for Performance Max's rule that one headline be at
	// most 15 and one description at most 60 wide.
	MaxWidth int `json:"max_width,omitempty" doc:"The items asked for must be at most this wide"`
}

func (s Shortfall) String() string {
	if s.MaxWidth > 0 {
		return fmt.Sprintf("one of the %s at most %d characters wide", s.Slot, s.MaxWidth)
	}
	return fmt.Sprintf("at least %d %s (has %d)", s.Need, s.Slot, s.Have)
}

// ErrBelowMinimum is matched by errors.Is when a run stopped early and the
// set it would leave — the kept items plus the new valid ones — is below
// the format's minimum. Nothing of it may be stored: an ad with fewer than
// 3 headlines or 2 descriptions, or an asset group without its minimum
// texts, cannot serve.
var ErrBelowMinimum = errors.New("generated copy is below the minimum set")

// BelowMinimumError says what the set lacked; Err is why the run stopped.
type BelowMinimumError struct {
	Format Format
	Short  []Shortfall
	Err    error
}

func (e *BelowMinimumError) Error() string {
	return fmt.Sprintf("too little valid copy for %s: needs %s: %v", formatNames[e.Format], joinShort(e.Short), e.Err)
}

func (e *BelowMinimumError) Is(target error) bool { return target == ErrBelowMinimum }
func (e *BelowMinimumError) Unwrap() error        { return e.Err }

var formatNames = map[Format]string{FormatRSA: "a responsive search ad", FormatPMax: "a Performance Max asset group"}

func joinShort(short []Shortfall) string {
	parts := make([]string, len(short))
	for i, s := range short {
		parts[i] = s.String()
	}
	return strings.Join(parts, ", ")
}

// shortOfMinimum checks a set against the minimum counts of its format as
// the policy package defines them (policy.RSAFormat,
// policy.PerformanceMaxFormat), so the rule has one definition. Display
// paths are optional and count for nothing.
func (v *validator) shortOfMinimum(set TextSet) []Shortfall {
	var res policy.SetResult
	switch v.format {
	case FormatRSA:
		res = v.checker.CheckRSA(policy.RSA{Headlines: pinless(set.Headlines), Descriptions: pinless(set.Descriptions)})
	case FormatPMax:
		res = v.checker.CheckAssetGroup(policy.AssetGroupText{Headlines: set.Headlines, LongHeadlines: set.LongHeadlines,
			Descriptions: set.Descriptions, BusinessName: set.BusinessName})
	}
	var out []Shortfall
	for _, vi := range res.Violations {
		slot := policy.SlotName(vi.Args.Field)
		if slot == "" {
			continue
		}
		switch vi.Code {
		case policy.CodeTooFew:
			out = append(out, Shortfall{Slot: slot, Need: vi.Args.Min, Have: vi.Args.Count})
		case policy.CodeShortHeadlineMissing, policy.CodeShortDescriptionMissing:
			out = append(out, Shortfall{Slot: slot, Need: 1, MaxWidth: vi.Args.Limit})
		}
	}
	// In the order the format lists its slots, counts before widths.
	order := func(slot string) int {
		if i := slices.IndexFunc(slots[v.format], func(s Slot) bool { return s.Name == slot }); i >= 0 {
			return i
		}
		return len(slots[v.format])
	}
	slices.SortStableFunc(out, func(a, b Shortfall) int {
		return cmp.Or(cmp.Compare(order(a.Slot), order(b.Slot)), cmp.Compare(a.MaxWidth, b.MaxWidth))
	})
	return out
}

func pinless(texts []string) []policy.PinnedText {
	out := make([]policy.PinnedText, len(texts))
	for i, t := range texts {
		out[i] = policy.PinnedText{Text: t}
	}
	return out
}

// merged is the set a run leaves: the kept items, then the new ones.
func merged(keep, fresh TextSet) TextSet {
	out := TextSet{BusinessName: cmp.Or(fresh.BusinessName, keep.BusinessName)}
	for _, slot := range []string{SlotHeadlines, SlotLongHeadlines, SlotDescriptions, SlotPaths} {
		out.setSlot(slot, append(slices.Clone(keep.Slot(slot)), fresh.Slot(slot)...))
	}
	return out
}
