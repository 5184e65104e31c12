package assets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/refusal"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// MaxImageBytes is the largest image accepted: Google's 5120 KB limit for
// every Performance Max image field.
const MaxImageBytes = 5120 * 1024

// MaxTextRunes bounds a text asset. Google's longest text field takes 90
// characters; the slack leaves room for texts kept for other uses, and the
// policy package checks the field's real limit.
const MaxTextRunes = 1000

// Service is the asset library: create and find assets, store image bytes,
// answer where they are used.
type Service struct {
	db      *db.DB
	blobDir string
	now     func() time.Time
	// blobLocks serialise, per content hash, an image upload's blob write and
	// row insert against a delete's row removal and blob removal, so a blob is
	// never removed under a row that was just committed for it. Striped: a
	// collision only makes two unrelated uploads wait for each other.
	blobLocks [64]sync.Mutex
	// usage caches first where-used answers until the graph changes.
	usage *db.GraphCache[usageFirstKey, []byte]
}

// NewService returns the asset service on d. blobDir is where image bytes are
// kept: the data directory's "blobs" folder (files at
// blobDir/sha256/<first 2 hex>/<hash>).
func NewService(d *db.DB, blobDir string) *Service {
	return &Service{db: d, blobDir: blobDir, now: time.Now, usage: db.NewGraphCache[usageFirstKey, []byte](d, 2000)}
}

var languagePattern = regexp.MustCompile(`^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$`)

var sources = []string{SourceHuman, SourceLLM, SourceOffline, SourceImport}

// checkProvenance fills defaults and refuses what the typed struct alone
// cannot: an unknown source.
func checkProvenance(p *Provenance, location string, now time.Time) error {
	if p.Source == "" {
		p.Source = SourceHuman
	}
	if !slices.Contains(sources, p.Source) {
		return errs.Field(location+".source", "must be one of human, llm, offline, import", p.Source)
	}
	if p.Attempts < 0 {
		return errs.Field(location+".attempts", "must not be negative", p.Attempts)
	}
	for i := range p.Edits {
		if p.Edits[i].At.IsZero() {
			p.Edits[i].At = now
		}
		p.Edits[i].At = dbTime(p.Edits[i].At)
	}
	return nil
}

func checkLanguage(lang, location string) error {
	if !languagePattern.MatchString(lang) {
		return errs.Field(location, "must be a BCP 47 language tag such as de or en-GB, or empty", lang)
	}
	return nil
}

func checkName(name, location string) error {
	if utf8.RuneCountInString(name) > 255 {
		return errs.Field(location, "must be at most 255 characters", name)
	}
	if i := strings.IndexFunc(name, unicode.IsControl); i >= 0 {
		return errs.Field(location, fmt.Sprintf("must be one line; it contains the control character %U", []rune(name[i:])[0]), name)
	}
	return nil
}

// CreateText creates a text asset, or returns the existing one with the same
// normalised text (created = false). Name, language and provenance of an
// existing asset are left as they are.
func (s *Service) CreateText(ctx context.Context, in TextInput) (a Asset, created bool, err error) {
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if a, created, err = s.UpsertTextTx(ctx, tx, in); err != nil {
			return err
		}
		auth.AuditEntity(ctx, a.ID)
		return nil
	})
	return a, created, err
}

// UpsertTextTx is CreateText inside the caller's transaction: the campaigns
// slice stores an ad's texts in the transaction that links them. It issues no statement
// that can fail on a duplicate, so the caller's transaction stays usable.
func (s *Service) UpsertTextTx(ctx context.Context, tx db.Conn, in TextInput) (Asset, bool, error) {
	text := NormalizeText(in.Text)
	if text == "" {
		return Asset{}, false, errs.Field("body.text", "must contain more than whitespace", in.Text)
	}
	if utf8.RuneCountInString(text) > MaxTextRunes {
		return Asset{}, false, errs.Field("body.text", fmt.Sprintf("must be at most %d characters", MaxTextRunes), in.Text)
	}
	if err := checkCharacters("body.text", text); err != nil {
		return Asset{}, false, err
	}
	if err := checkLanguage(in.Language, "body.language"); err != nil {
		return Asset{}, false, err
	}
	if err := checkName(in.Name, "body.name"); err != nil {
		return Asset{}, false, err
	}
	now := dbTime(s.now())
	if err := checkProvenance(&in.Provenance, "body.provenance", now); err != nil {
		return Asset{}, false, err
	}
	folded := searchFold(text)
	id, created, err := insertAsset(ctx, tx, newAsset{
		Type: TypeText, Hash: bytesHash([]byte(text)), Name: in.Name, Language: in.Language,
		Text: &text, SearchText: &folded, Provenance: in.Provenance,
	}, now)
	if err != nil {
		return Asset{}, false, err
	}
	a, err := getAsset(ctx, tx, id)
	return a, created, err
}

// UploadImage stores an image's bytes content-addressed under the blob
// directory and creates its asset, or returns the existing asset of identical
// bytes (created = false). The image is read in full first (policy.ReadImage:
// a pixel budget checked on the header, then a decode within a memory bound),
// so a decompression bomb or a file with damaged pixel data is refused and
// nothing is written. The blob is written before the row, so a committed row
// always has its file.
func (s *Service) UploadImage(ctx context.Context, in ImageInput) (a Asset, created bool, err error) {
	if len(in.Data) == 0 {
		return Asset{}, false, errs.Field("body.file", "is empty", nil)
	}
	if len(in.Data) > MaxImageBytes {
		return Asset{}, false, errs.Field("body.file", fmt.Sprintf("is %d bytes; images may be at most %d bytes (5120 KB)", len(in.Data), MaxImageBytes), len(in.Data))
	}
	if err := checkName(in.Name, "body.name"); err != nil {
		return Asset{}, false, err
	}
	now := dbTime(s.now())
	if err := checkProvenance(&in.Provenance, "body.provenance", now); err != nil {
		return Asset{}, false, err
	}
	info, refusals := policy.ReadImage(in.Data)
	if len(refusals) > 0 {
		fields := make([]errs.FieldError, len(refusals))
		for i, v := range refusals {
			fields[i] = refusal.Field("body.file", nil, v)
		}
		return Asset{}, false, refusal.Of(fields)
	}
	mime := "image/" + info.Format
	hash := bytesHash(in.Data)
	unlock := s.lockBlob(hash)
	defer unlock()
	wrote, err := s.writeBlob(hash, in.Data)
	if err != nil {
		return Asset{}, false, err
	}
	size := int64(len(in.Data))
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		id, c, err := insertAsset(ctx, tx, newAsset{
			Type: TypeImage, Hash: hash, Name: in.Name, MimeType: &mime,
			Width: &info.Width, Height: &info.Height, Size: &size, Provenance: in.Provenance,
		}, now)
		if err != nil {
			return err
		}
		created = c
		auth.AuditEntity(ctx, id)
		a, err = getAsset(ctx, tx, id)
		return err
	})
	if err != nil {
		if wrote {
			// No row can refer to the file: every writer of this hash holds the lock.
			_ = os.Remove(s.blobPath(hash))
		}
		return Asset{}, false, err
	}
	return a, created, nil
}

func (s *Service) lockBlob(hash string) (unlock func()) {
	h := fnv.New32a()
	h.Write([]byte(hash))
	m := &s.blobLocks[h.Sum32()%uint32(len(s.blobLocks))]
	m.Lock()
	return m.Unlock
}

func (s *Service) blobPath(hash string) string {
	return filepath.Join(s.blobDir, "sha256", hash[:2], hash)
}

// writeBlob stores data under its hash unless it is already there, through a
// temporary file and a rename so a reader never sees a partial file.
func (s *Service) writeBlob(hash string, data []byte) (wrote bool, err error) {
	path := s.blobPath(hash)
	if fi, err := os.Stat(path); err == nil && fi.Size() == int64(len(data)) {
		return false, nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return false, fmt.Errorf("create blob dir: %w", err)
	}
	f, err := os.CreateTemp(dir, hash+".tmp-*")
	if err != nil {
		return false, fmt.Errorf("create blob: %w", err)
	}
	defer os.Remove(f.Name()) // no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return false, fmt.Errorf("write blob: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return false, fmt.Errorf("sync blob: %w", err)
	}
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("close blob: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return false, fmt.Errorf("store blob: %w", err)
	}
	return true, nil
}

// Get returns one asset.
func (s *Service) Get(ctx context.Context, id int64) (Asset, error) {
	return getAsset(ctx, s.db.Read(), id)
}

// GetTx returns one asset as q (the caller's transaction) sees it.
func (s *Service) GetTx(ctx context.Context, q db.Conn, id int64) (Asset, error) {
	return getAsset(ctx, q, id)
}

// Content is the stored content of an asset.
type Content struct {
	MimeType string
	Hash     string
	Data     []byte
}

// Content returns an image's bytes, or a text asset's text as text/plain.
func (s *Service) Content(ctx context.Context, id int64) (Content, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return Content{}, err
	}
	if a.Type == TypeText {
		return Content{MimeType: "text/plain; charset=utf-8", Hash: a.ContentHash, Data: []byte(*a.Text)}, nil
	}
	data, err := os.ReadFile(s.blobPath(a.ContentHash))
	if err != nil {
		return Content{}, fmt.Errorf("image %d: read blob: %w", id, err)
	}
	return Content{MimeType: *a.MimeType, Hash: a.ContentHash, Data: data}, nil
}

// Update is a change to an asset's editable fields: name, language, and
// edits appended to its provenance. Content is its identity and never changes.
type Update struct {
	Name, Language *string
	AppendEdits    []Edit
	// IfVersion, when non-zero, makes the update conditional (If-Match).
	IfVersion int64
}

// Update changes an asset and returns it with its new version.
func (s *Service) Update(ctx context.Context, id int64, u Update) (a Asset, err error) {
	if u.Name != nil {
		if err := checkName(*u.Name, "body.name"); err != nil {
			return Asset{}, err
		}
	}
	if u.Language != nil {
		if err := checkLanguage(*u.Language, "body.language"); err != nil {
			return Asset{}, err
		}
	}
	now := dbTime(s.now())
	for i := range u.AppendEdits {
		if u.AppendEdits[i].At.IsZero() {
			u.AppendEdits[i].At = now
		}
	}
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		err := updateAsset(ctx, tx, id, assetUpdate{Name: u.Name, Language: u.Language, AppendEdits: u.AppendEdits, IfVersion: u.IfVersion}, now)
		if err != nil {
			return err
		}
		a, err = getAsset(ctx, tx, id)
		return err
	})
	return a, err
}

// Delete removes an asset that nothing links to (409 with the usage count
// otherwise) and, after commit, an image's blob.
func (s *Service) Delete(ctx context.Context, id int64) error {
	a, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if a.Type == TypeImage {
		unlock := s.lockBlob(a.ContentHash)
		defer unlock()
	}
	if err := s.db.InTx(ctx, func(tx db.Conn) error {
		_, err := deleteAsset(ctx, tx, id)
		return err
	}); err != nil {
		return err
	}
	if a.Type == TypeImage {
		if err := os.Remove(s.blobPath(a.ContentHash)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			// The row is gone; a stray file costs disk space, not correctness.
			return fmt.Errorf("asset %d deleted, but its blob stayed: %w", id, err)
		}
	}
	return nil
}

// List returns one page of assets and the cursor of the next page.
func (s *Service) List(ctx context.Context, f ListFilter) ([]Asset, string, error) {
	items, next, err := listAssets(ctx, s.db.Read(), f)
	if err != nil || next == nil {
		return items, "", err
	}
	return items, next.Encode(), nil
}

// usageFirstKey is a cache key: an asset's first answer at one page size.
type usageFirstKey struct {
	asset int64
	limit int
}

// WhereUsedJSON returns the first where-used answer of an asset (the JSON
// form of Usage) with at most limit items per list, cached until the graph
// changes: the HTTP handler sends it unchanged.
func (s *Service) WhereUsedJSON(ctx context.Context, assetID int64, limit int) ([]byte, error) {
	if err := checkUsageLimit(limit); err != nil {
		return nil, err
	}
	return s.usage.Get(ctx, usageFirstKey{assetID, limit}, func(ctx context.Context) ([]byte, error) {
		u, err := usageFirst(ctx, s.db, assetID, limit)
		if err != nil {
			return nil, err
		}
		return json.Marshal(u)
	})
}

// WhereUsed returns the first where-used answer of an asset with
// DefaultUsageLimit items per list.
func (s *Service) WhereUsed(ctx context.Context, assetID int64) (Usage, error) {
	return s.WhereUsedLimit(ctx, assetID, DefaultUsageLimit)
}

// WhereUsedLimit is WhereUsed with at most limit items per list.
func (s *Service) WhereUsedLimit(ctx context.Context, assetID int64, limit int) (Usage, error) {
	doc, err := s.WhereUsedJSON(ctx, assetID, limit)
	if err != nil {
		return Usage{}, err
	}
	var u Usage
	if err := json.Unmarshal(doc, &u); err != nil {
		return Usage{}, fmt.Errorf("where-used of asset %d: decode: %w", assetID, err)
	}
	return u, nil
}

func checkUsageLimit(limit int) error {
	if limit < 1 || limit > MaxUsageLimit {
		return errs.Field("query.limit", fmt.Sprintf("must be between 1 and %d", MaxUsageLimit), limit)
	}
	return nil
}

// UsageCampaigns returns a page of the campaigns that use an asset, after
// cursor (a Next or next_cursor value; "" for the first page).
func (s *Service) UsageCampaigns(ctx context.Context, assetID int64, cursor string, limit int) (UsagePage[UsageCampaign], error) {
	return listUsage(ctx, s, usageCampaignList, assetID, cursor, limit)
}

// UsageAdGroups returns a page of the ad groups whose ads use an asset.
func (s *Service) UsageAdGroups(ctx context.Context, assetID int64, cursor string, limit int) (UsagePage[UsageAdGroup], error) {
	return listUsage(ctx, s, usageAdGroupList, assetID, cursor, limit)
}

// UsageAds returns a page of the ads' links to an asset.
func (s *Service) UsageAds(ctx context.Context, assetID int64, cursor string, limit int) (UsagePage[UsageAd], error) {
	return listUsage(ctx, s, usageAdList, assetID, cursor, limit)
}

// UsageAssetGroups returns a page of the asset groups' links to an asset.
func (s *Service) UsageAssetGroups(ctx context.Context, assetID int64, cursor string, limit int) (UsagePage[UsageAssetGroup], error) {
	return listUsage(ctx, s, usageAssetGroupList, assetID, cursor, limit)
}

// UsageKeywords returns a page of the keywords of the ad groups that use an
// asset.
func (s *Service) UsageKeywords(ctx context.Context, assetID int64, cursor string, limit int) (UsagePage[UsageKeyword], error) {
	return listUsage(ctx, s, usageKeywordList, assetID, cursor, limit)
}

func listUsage[T any](ctx context.Context, s *Service, list usageList[T], assetID int64, cursor string, limit int) (UsagePage[T], error) {
	if err := checkUsageLimit(limit); err != nil {
		return UsagePage[T]{}, err
	}
	after, err := decodeUsageCursor(cursor, list.name, assetID)
	if err != nil {
		return UsagePage[T]{}, err
	}
	return usagePage(ctx, s.db.Read(), list, assetID, after, limit)
}

// CampaignAssets lists the assets a campaign uses, with link counts and
// field types.
func (s *Service) CampaignAssets(ctx context.Context, campaignID int64) ([]CampaignAsset, error) {
	return campaignAssets(ctx, s.db.Read(), campaignID)
}

// --- policy checks

// characterCodes are the findings that no field type accepts, whatever the
// campaign: a text with one of them could never be linked, so it is refused
// when it is created. Limits and editorial rules depend on the field type and
// the brief and are checked when the text is linked. Control characters are
// among them, which also keeps the campaign tree's \x1e/\x1f separators out of
// stored texts.
var characterCodes = []string{
	policy.CodeEmoji, policy.CodeHalfWidthKatakana, policy.CodeInvalidCharacter,
	policy.CodeMalformedPlaceholder, policy.CodeUnsupportedPlaceholder,
}

// checkCharacters refuses a text that no field type could accept. It checks
// as a description: the widest field that takes placeholders, so neither the
// width nor a placeholder adds findings that belong to a particular field.
func checkCharacters(location, text string) error {
	var fields []errs.FieldError
	for _, v := range policy.CheckText(policy.Description, text).Errors() {
		if slices.Contains(characterCodes, v.Code) {
			fields = append(fields, refusal.Field(location, text, v))
		}
	}
	return refusal.Of(fields)
}
