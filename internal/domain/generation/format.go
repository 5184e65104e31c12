package generation

import (
	"fmt"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/ai"
)

// Format is the kind of text set a generation writes.
type Format string

const (
	// FormatRSA is a responsive search ad: its headlines, descriptions and
	// the two display paths.
	FormatRSA Format = "rsa"
	// FormatPMax is the text of a Performance Max asset group: headlines,
	// long headlines, descriptions and the brief's business name.
	FormatPMax Format = "pmax"
)

// Slot names: the JSON names the model writes and the API's slot addresses
// ("headlines[3]") use, as the policy names each field's list.
var (
	SlotHeadlines     = policy.SlotName(policy.Headline)
	SlotLongHeadlines = policy.SlotName(policy.LongHeadline)
	SlotDescriptions  = policy.SlotName(policy.Description)
	SlotPaths         = policy.SlotName(policy.Path)
)

// Slot is one list of a format's text set: its name, the policy field its
// items are checked as, how many a full set holds, and the rule told to the
// model.
type Slot struct {
	Name  string
	Title string // for people: "Long headlines"
	Field policy.Field
	Count int
	// Rule must say "at most N characters": strict decoding cannot enforce
	// lengths, so the model only learns them from the words.
	Rule string
}

// Limit is the width limit of the slot's items.
func (s Slot) Limit() int { return policy.Limit(s.Field) }

// slots lists each format's slots in the order the model writes them. Counts
// and widths are the policy's formats.
var slots = map[Format][]Slot{
	FormatRSA: {
		{SlotHeadlines, "Headlines", policy.Headline, policy.RSAFormat.Max(policy.Headline),
			fmt.Sprintf("each at most %d characters, no exclamation mark", policy.Limit(policy.Headline))},
		{SlotDescriptions, "Descriptions", policy.Description, policy.RSAFormat.Max(policy.Description),
			fmt.Sprintf("each at most %d characters, a complete sentence", policy.Limit(policy.Description))},
		{SlotPaths, "Paths", policy.Path, policy.MaxPaths,
			fmt.Sprintf("each at most %d characters, one word or two joined by a hyphen, no spaces or slashes", policy.Limit(policy.Path))},
	},
	FormatPMax: {
		{SlotHeadlines, "Headlines", policy.Headline, policy.PerformanceMaxFormat.Max(policy.Headline),
			fmt.Sprintf("each at most %d characters, no exclamation mark; at least one of at most %d characters", policy.Limit(policy.Headline), policy.PerformanceMaxFormat.ShortHeadline)},
		{SlotLongHeadlines, "Long headlines", policy.LongHeadline, policy.PerformanceMaxFormat.Max(policy.LongHeadline),
			fmt.Sprintf("each at most %d characters and at least %d, no exclamation mark", policy.Limit(policy.LongHeadline), policy.RecommendedLongHeadlineWidth)},
		{SlotDescriptions, "Descriptions", policy.Description, policy.PerformanceMaxFormat.Max(policy.Description),
			fmt.Sprintf("each at most %d characters, a complete sentence; at least one of at most %d characters", policy.Limit(policy.Description), policy.PerformanceMaxFormat.ShortDescription)},
	},
}

// promptVersions names the prompt each format is written with; the version
// is stored in every generated asset's provenance. Change it whenever
// systemPrompt or userPrompt change what the model is told.
var promptVersions = map[Format]string{FormatRSA: "rsa/v2", FormatPMax: "pmax/v2"}

// ParseFormat accepts "rsa" and "pmax".
func ParseFormat(s string) (Format, error) {
	f := Format(s)
	if _, ok := slots[f]; !ok {
		return "", fmt.Errorf("format %q: want rsa or pmax", s)
	}
	return f, nil
}

// Slots lists the slots of format f in the order the model writes them.
func Slots(f Format) []Slot { return slots[f] }

func slotOf(f Format, name string) (Slot, bool) {
	for _, s := range slots[f] {
		if s.Name == name {
			return s, true
		}
	}
	return Slot{}, false
}

// FullSet is how many items of each slot a complete set of format f holds.
func FullSet(f Format) []ai.Want {
	var out []ai.Want
	for _, s := range slots[f] {
		out = append(out, ai.Want{Slot: s.Name, Count: s.Count})
	}
	return out
}

// slotField is the policy field of a slot's items.
func slotField(slot string) policy.Field {
	f, _ := policy.SlotField(slot)
	return f
}

// TextSet is generated copy. On a generation's result it holds only the new
// items; Keep in a request holds the items that stay.
type TextSet struct {
	Headlines     []string `json:"headlines"`
	LongHeadlines []string `json:"long_headlines,omitempty"`
	Descriptions  []string `json:"descriptions"`
	Paths         []string `json:"paths,omitempty"`
	BusinessName  string   `json:"business_name,omitempty"`
}

// Slot returns the items of one slot.
func (t TextSet) Slot(name string) []string {
	switch name {
	case SlotHeadlines:
		return t.Headlines
	case SlotLongHeadlines:
		return t.LongHeadlines
	case SlotDescriptions:
		return t.Descriptions
	case SlotPaths:
		return t.Paths
	}
	return nil
}

func (t *TextSet) setSlot(name string, items []string) {
	switch name {
	case SlotHeadlines:
		t.Headlines = items
	case SlotLongHeadlines:
		t.LongHeadlines = items
	case SlotDescriptions:
		t.Descriptions = items
	case SlotPaths:
		t.Paths = items
	}
}
