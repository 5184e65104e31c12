// Package assets owns the asset library: texts and images that exist once per
// content hash (the assets table), their provenance, image bytes on disk,
// search over the library, and the where-used graph of an asset. Which ads
// and asset groups use an asset is the campaigns slice's to write; the
// library only reads those links to answer where an asset is used.
//
// Editorial rules and Google's limits live in the policy package; the
// library refuses only what no field could take.
package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Asset types.
const (
	TypeText  = "TEXT"
	TypeImage = "IMAGE"
)

// Provenance sources.
const (
	SourceHuman   = "human"
	SourceLLM     = "llm"
	SourceOffline = "offline"
	SourceImport  = "import"
)

// Provenance records where an asset came from. It is stored as JSON because
// nothing queries inside it, but it is typed here so every writer produces
// the same shape.
type Provenance struct {
	Source        string `json:"source" enum:"human,llm,offline,import" doc:"Who produced the content"`
	Model         string `json:"model,omitempty" doc:"LLM model that wrote it, when source is llm"`
	PromptVersion string `json:"prompt_version,omitempty" doc:"Version of the prompt that produced it"`
	Attempts      int    `json:"attempts,omitempty" minimum:"0" doc:"Generation attempts until it passed validation"`
	Verdict       string `json:"verdict,omitempty" doc:"The validator's verdict, e.g. valid or repaired"`
	Edits         []Edit `json:"edits,omitempty" nullable:"false" doc:"Human edits, oldest first"`
	// StyleExamples are the assets the model was shown as examples of style
	// (the best-performing texts the brief asked for).
	StyleExamples []int64 `json:"style_examples,omitempty" nullable:"false" doc:"Assets shown to the model as examples of style: the best-performing texts of the campaign or account"`
}

// Edit is one human change recorded in an asset's provenance: the text before
// the edit (an edited text is a new asset, because the text is its identity)
// or a note on what changed.
type Edit struct {
	At     time.Time `json:"at" required:"false" doc:"When the edit was made; default now"`
	By     string    `json:"by,omitempty" maxLength:"255" doc:"Who made it"`
	Before string    `json:"before,omitempty" maxLength:"5000" doc:"The content before the edit"`
	Note   string    `json:"note,omitempty" maxLength:"1000" doc:"What was changed and why"`
}

// Asset is one text or image. Content (text or image bytes) is immutable: it
// is the asset's identity.
type Asset struct {
	ID          int64      `json:"id"`
	Type        string     `json:"type" enum:"TEXT,IMAGE"`
	ContentHash string     `json:"content_hash" doc:"SHA-256 (hex) of the normalised text or of the image bytes"`
	Name        string     `json:"name"`
	Text        *string    `json:"text,omitempty" doc:"The normalised text (TEXT assets)"`
	Language    string     `json:"language"`
	MimeType    *string    `json:"mime_type,omitempty" doc:"image/png, image/jpeg or image/gif (IMAGE assets)"`
	Width       *int       `json:"width,omitempty"`
	Height      *int       `json:"height,omitempty"`
	SizeBytes   *int64     `json:"size_bytes,omitempty"`
	Provenance  Provenance `json:"provenance"`
	UsageCount  int        `json:"usage_count" doc:"Number of links from ads and asset groups"`
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// TextInput is a text asset to create or find.
type TextInput struct {
	Text, Language, Name string
	Provenance           Provenance
}

// ImageInput is an uploaded image.
type ImageInput struct {
	Data       []byte
	Name       string
	Provenance Provenance
}

// Usage is the first where-used answer of one asset: the counts of every kind
// of place, the first page of each list (Limit items at most) and, in Next,
// the cursor of each list that continues (GET /api/assets/{id}/usage/{list}).
// Campaigns are ordered by id, ad groups by campaign and id, ads by campaign,
// ad group, ad and field type, asset groups by campaign, id and field type,
// keywords by ad group, text (byte order), match type and negative.
// An ad or asset group that uses the asset in two field types appears twice.
type Usage struct {
	AssetID     int64             `json:"asset_id"`
	Counts      UsageCounts       `json:"counts"`
	Totals      UsageTotals       `json:"totals" doc:"Items of each list over all its pages"`
	Limit       int               `json:"limit" doc:"Items per list in this answer at most"`
	Campaigns   []UsageCampaign   `json:"campaigns" nullable:"false" doc:"The first page"`
	AdGroups    []UsageAdGroup    `json:"ad_groups" nullable:"false" doc:"The first page"`
	Ads         []UsageAd         `json:"ads" nullable:"false" doc:"The first page: one item per link"`
	AssetGroups []UsageAssetGroup `json:"asset_groups" nullable:"false" doc:"The first page: one item per link"`
	Keywords    []UsageKeyword    `json:"keywords" nullable:"false" doc:"The first page"`
	Next        UsageCursors      `json:"next" doc:"Per list, the cursor of its next page; absent when the list is complete"`
}

// UsageCounts sums up where an asset is used, over every page.
type UsageCounts struct {
	Links       int `json:"links" doc:"Links from ads and asset groups: the items of ads and asset_groups together"`
	Campaigns   int `json:"campaigns"`
	AdGroups    int `json:"ad_groups"`
	Ads         int `json:"ads" doc:"Distinct ads"`
	AssetGroups int `json:"asset_groups" doc:"Distinct asset groups"`
	Keywords    int `json:"keywords"`
}

// UsageTotals is the length of each list over all its pages: an ad or asset
// group that uses the asset in two field types is two items.
type UsageTotals struct {
	Campaigns   int `json:"campaigns"`
	AdGroups    int `json:"ad_groups"`
	Ads         int `json:"ads" doc:"Links from ads"`
	AssetGroups int `json:"asset_groups" doc:"Links from asset groups"`
	Keywords    int `json:"keywords"`
}

// UsageCursors holds the opaque cursor of each list's next page.
type UsageCursors struct {
	Campaigns   string `json:"campaigns,omitempty"`
	AdGroups    string `json:"ad_groups,omitempty"`
	Ads         string `json:"ads,omitempty"`
	AssetGroups string `json:"asset_groups,omitempty"`
	Keywords    string `json:"keywords,omitempty"`
}

// UsagePage is one page of a where-used list.
type UsagePage[T any] struct {
	Items      []T    `json:"items" nullable:"false"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Present when more items follow"`
}

type UsageCampaign struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	State string `json:"state"`
}

type UsageAdGroup struct {
	ID         int64  `json:"id"`
	CampaignID int64  `json:"campaign_id"`
	Name       string `json:"name"`
}

type UsageAd struct {
	ID          int64   `json:"id"`
	CampaignID  int64   `json:"campaign_id"`
	AdGroupID   int64   `json:"ad_group_id"`
	FieldType   string  `json:"field_type"`
	PinnedField *string `json:"pinned_field"`
}

type UsageAssetGroup struct {
	ID         int64  `json:"id"`
	CampaignID int64  `json:"campaign_id"`
	Name       string `json:"name"`
	FieldType  string `json:"field_type"`
}

type UsageKeyword struct {
	ID         int64  `json:"id"`
	CampaignID int64  `json:"campaign_id"`
	AdGroupID  int64  `json:"ad_group_id"`
	Text       string `json:"text"`
	MatchType  string `json:"match_type"`
	Negative   bool   `json:"negative"`
}

// CampaignAsset is an asset a campaign uses, with how often and as what.
type CampaignAsset struct {
	Asset
	Links      int      `json:"links" doc:"Links from this campaign's ads and asset groups"`
	FieldTypes []string `json:"field_types" nullable:"false" doc:"Field types it is used in, sorted"`
}

// NormalizeText returns the canonical form of a text asset: Unicode NFC, with
// leading and trailing whitespace removed and every run of Unicode whitespace
// folded into one ASCII space. Two texts that a reader cannot tell apart get
// the same form, and so the same asset.
func NormalizeText(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// TextHash is the content hash of a text asset: SHA-256 (hex) of its
// normalised form.
func TextHash(s string) string { return bytesHash([]byte(NormalizeText(s))) }

func bytesHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// searchFold is the case-folded form stored for substring search. SQLite's
// lower() and LIKE fold ASCII only, so folding happens here for both engines
// alike ("GRÖSSE" finds "Größe").
func searchFold(s string) string { return cases.Fold().String(s) }

// FoldedText is a text normalised (NormalizeText) and case-folded: two texts
// with the same folded form differ only in case or spacing, which search
// ignores and Google warns about as duplicates.
func FoldedText(s string) string { return searchFold(NormalizeText(s)) }
