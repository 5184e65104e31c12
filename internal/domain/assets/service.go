package assets

import (
	"context"
	"database/sql"
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

// Service is the asset library: create and find assets, link them, answer
// where they are used.
type Service struct {
	db      *db.DB
	blobDir string
	now     func() time.Time
	// blobLocks serialise, per content hash, an image upload's blob write and
	// row insert against a delete's row removal and blob removal, so a blob is
	// never removed under a row that was just committed for it. Striped: a
	// collision only makes two unrelated uploads wait for each other.
	blobLocks [64]sync.Mutex
	// usage caches where-used documents until the graph changes.
	usage *db.GraphCache[int64, []byte]
}

// NewService returns the asset service on d. blobDir is where image bytes are
// kept: the data directory's "blobs" folder (files at
// blobDir/sha256/<first 2 hex>/<hash>).
func NewService(d *db.DB, blobDir string) *Service {
	return &Service{db: d, blobDir: blobDir, now: time.Now, usage: db.NewGraphCache[int64, []byte](d, 2000)}
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
		auth.AuditCreated(ctx, a.ID)
		return nil
	})
	return a, created, err
}

// UpsertTextTx is CreateText inside the caller's transaction: the campaigns
// slice creates an ad and its texts in one transaction. It issues no statement
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
			fields[i] = ViolationField("body.file", nil, v)
		}
		return Asset{}, false, PolicyRefusal(fields)
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
		auth.AuditCreated(ctx, id)
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
	// IfVersion, when non-zero, makes the update conditional (If-Match);
	// IfMatch is the header as sent, for the error message.
	IfVersion int64
	IfMatch   string
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
		err := updateAsset(ctx, tx, id, assetUpdate{Name: u.Name, Language: u.Language, AppendEdits: u.AppendEdits, IfVersion: u.IfVersion, IfMatch: u.IfMatch}, now)
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

// LinkTx links an asset inside the caller's transaction. Besides draft and
// review it accepts a campaign in generating: the wizard writes the ads it
// generated in that state. It checks duplicates and caps with reads first, so
// a refusal leaves the caller's transaction usable.
func (s *Service) LinkTx(ctx context.Context, tx db.Conn, in LinkInput) (Link, error) {
	return s.link(ctx, tx, in, false, wizardStates)
}

// Link links an asset to an ad or asset group for a person editing the
// campaign; appendAtEnd places it after the links of its field type.
func (s *Service) Link(ctx context.Context, in LinkInput, appendAtEnd bool) (la LinkedAsset, err error) {
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		l, err := s.link(ctx, tx, in, appendAtEnd, editableStates)
		if err != nil {
			return err
		}
		la, err = getLinked(ctx, tx, kindOf(in), ownerID(in), l.ID)
		return err
	})
	return la, err
}

func kindOf(in LinkInput) string {
	if in.AdID != 0 {
		return "ad"
	}
	return "asset_group"
}

func ownerID(in LinkInput) int64 { return in.AdID + in.AssetGroupID }

func (s *Service) link(ctx context.Context, tx db.Conn, in LinkInput, appendAtEnd bool, states []string) (Link, error) {
	if (in.AdID == 0) == (in.AssetGroupID == 0) {
		return Link{}, errs.E(errs.Invalid, "a link needs exactly one of an ad and an asset group")
	}
	kind := kindOf(in)
	format := policy.RSAFormat
	if kind != "ad" {
		format = policy.PerformanceMaxFormat
	}
	limit := format.Max(policy.Field(in.FieldType))
	if limit == 0 {
		return Link{}, errs.Field("body.field_type", fmt.Sprintf("is not a field type of an %s", ownerNoun(kind)), in.FieldType)
	}
	var pinned *string
	if in.PinnedField != "" {
		if err := checkPin(kind, in.FieldType, in.PinnedField); err != nil {
			return Link{}, err
		}
		pinned = &in.PinnedField
	}
	if in.Position < 0 {
		return Link{}, errs.Field("body.position", "must not be negative", in.Position)
	}
	id := ownerID(in)
	o, err := lockOwner(ctx, tx, kind, id)
	if err != nil {
		return Link{}, err
	}
	if err := guardEditable(o, states); err != nil {
		return Link{}, err
	}
	var assetType, hash string
	var text sql.NullString
	if err := tx.QueryRow(ctx, `SELECT type, text, content_hash FROM assets WHERE id = ?`, in.AssetID).Scan(&assetType, &text, &hash); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Link{}, notFound("body.asset_id", "asset", in.AssetID)
		}
		return Link{}, fmt.Errorf("read asset %d: %w", in.AssetID, err)
	}
	if want := AssetTypeFor(in.FieldType); assetType != want {
		return Link{}, errs.Field("body.asset_id", fmt.Sprintf("field type %s takes %s assets; asset %d is %s", in.FieldType, want, in.AssetID, assetType), in.AssetID)
	}
	dup, err := linkExists(ctx, tx, kind, id, in.FieldType, in.AssetID)
	if err != nil {
		return Link{}, err
	}
	if dup {
		return Link{}, errs.Conflictf("asset %d is already linked to %s %d as %s", in.AssetID, ownerNoun(kind), id, in.FieldType)
	}
	n, err := countLinks(ctx, tx, kind, id, in.FieldType)
	if err != nil {
		return Link{}, err
	}
	if n >= limit {
		return Link{}, errs.Conflictf("%s %d already has %d %s assets, the most it may have", ownerNoun(kind), id, n, in.FieldType).
			With("cap", limit).With("field_type", in.FieldType)
	}
	if assetType == TypeText {
		err = checkLinkedText(ctx, tx, kind, o.CampaignID, in.FieldType, text.String)
	} else {
		err = s.checkLinkedImage(in.FieldType, hash)
	}
	if err != nil {
		return Link{}, err
	}
	pos := in.Position
	if appendAtEnd {
		if pos, err = nextPosition(ctx, tx, kind, id, in.FieldType); err != nil {
			return Link{}, err
		}
	}
	l := Link{AssetID: in.AssetID, CampaignID: o.CampaignID, AdGroupID: o.AdGroupID, FieldType: in.FieldType,
		PinnedField: pinned, Position: pos, CreatedAt: dbTime(s.now())}
	if kind == "ad" {
		l.AdID = &in.AdID
	} else {
		l.AssetGroupID = &in.AssetGroupID
	}
	if l.ID, err = insertLink(ctx, tx, l); err != nil {
		return Link{}, err
	}
	return l, nil
}

func checkPin(kind, fieldType, pin string) error {
	if kind != "ad" {
		return errs.Field("body.pinned_field", "asset group links cannot be pinned", pin)
	}
	if pins := policy.Pins(policy.Field(fieldType)); !slices.Contains(pins, pin) {
		return errs.Field("body.pinned_field", fmt.Sprintf("a %s can be pinned to %v", fieldType, pins), pin)
	}
	return nil
}

// LinkChange edits a link: a pin ("" removes it) and a position; nil leaves
// the value as it is.
type LinkChange struct {
	PinnedField *string
	Position    *int
}

// UpdateLink changes the pin or position of a link of an ad ("ad") or asset
// group ("asset_group").
func (s *Service) UpdateLink(ctx context.Context, kind string, owner, linkID int64, c LinkChange) (la LinkedAsset, err error) {
	if c.Position != nil && *c.Position < 0 {
		return LinkedAsset{}, errs.Field("body.position", "must not be negative", *c.Position)
	}
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		o, err := lockOwner(ctx, tx, kind, owner)
		if err != nil {
			return err
		}
		if err := guardEditable(o, editableStates); err != nil {
			return err
		}
		cur, err := getLinked(ctx, tx, kind, owner, linkID)
		if err != nil {
			return err
		}
		pinned, pos := cur.PinnedField, cur.Position
		if c.PinnedField != nil {
			pinned = nil
			if *c.PinnedField != "" {
				if err := checkPin(kind, cur.FieldType, *c.PinnedField); err != nil {
					return err
				}
				pinned = c.PinnedField
			}
		}
		if c.Position != nil {
			pos = *c.Position
		}
		if _, err := tx.Exec(ctx, `UPDATE asset_links SET pinned_field = ?, position = ? WHERE id = ?`, pinned, pos, linkID); err != nil {
			return fmt.Errorf("update link %d: %w", linkID, err)
		}
		la, err = getLinked(ctx, tx, kind, owner, linkID)
		return err
	})
	return la, err
}

// Unlink removes a link of an ad or asset group; the asset stays.
func (s *Service) Unlink(ctx context.Context, kind string, owner, linkID int64) error {
	return s.db.InTx(ctx, func(tx db.Conn) error {
		o, err := lockOwner(ctx, tx, kind, owner)
		if err != nil {
			return err
		}
		if err := guardEditable(o, editableStates); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM asset_links WHERE id = ? AND `+ownerColumn(kind)+` = ?`, linkID, owner)
		if err != nil {
			return fmt.Errorf("delete link %d: %w", linkID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("path.link_id", "link", linkID)
		}
		return nil
	})
}

// Links lists the links of one ad or asset group with their assets, by field
// type and position.
func (s *Service) Links(ctx context.Context, kind string, owner int64) (out []LinkedAsset, err error) {
	err = s.db.InReadTx(ctx, func(tx db.Conn) error {
		if err := ownerExists(ctx, tx, kind, owner); err != nil {
			return err
		}
		out, err = queryLinked(ctx, tx, `l.`+ownerColumn(kind)+` = ?`, owner)
		return err
	})
	return out, err
}

// WhereUsedJSON returns the where-used graph of an asset as the JSON document
// of Usage, built by the database: the HTTP handler sends it unchanged.
func (s *Service) WhereUsedJSON(ctx context.Context, assetID int64) ([]byte, error) {
	return s.usage.Get(ctx, assetID, func(ctx context.Context) ([]byte, error) {
		return usageJSON(ctx, s.db.Read(), assetID)
	})
}

// WhereUsed returns the where-used graph of an asset.
func (s *Service) WhereUsed(ctx context.Context, assetID int64) (Usage, error) {
	doc, err := s.WhereUsedJSON(ctx, assetID)
	if err != nil {
		return Usage{}, err
	}
	var u Usage
	if err := json.Unmarshal(doc, &u); err != nil {
		return Usage{}, fmt.Errorf("where-used of asset %d: decode: %w", assetID, err)
	}
	return u, nil
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
			fields = append(fields, ViolationField(location, text, v))
		}
	}
	return PolicyRefusal(fields)
}

// ViolationField turns a policy finding into the field error of a refused
// write: the rule code, an English message and, for a finding inside a text,
// its span. value is the text as stored (NFC, whitespace folded), the text
// the span counts in.
func ViolationField(location string, value any, v policy.Violation) errs.FieldError {
	f := errs.FieldError{Location: location, Message: v.Message("en"), Value: value, Code: v.Code}
	if v.End > v.Start {
		start, end := v.Start, v.End
		f.Start, f.End = &start, &end
	}
	return f
}

// PolicyRefusal is the 422 for a write the policy checks refuse, or nil when
// fields is empty.
func PolicyRefusal(fields []errs.FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	msg := fields[0].Location + ": " + fields[0].Message
	if len(fields) > 1 {
		msg += fmt.Sprintf(" (and %d more, see errors)", len(fields)-1)
	}
	return &errs.Error{Code: errs.Invalid, Message: msg, Fields: fields}
}

// OptionLocations names where each policy option came from in a request, so
// an option the policy cannot use is reported at its field.
type OptionLocations struct {
	Allow, Banned, BusinessName, Keywords, Language string
}

// CheckPolicyOptions refuses options that policy.NewChecker cannot compile
// (an empty or over-long term, more than 25 banned terms, an unknown
// language), naming the offending input.
func CheckPolicyOptions(o policy.Options, at OptionLocations) error {
	for _, part := range []struct {
		location string
		opts     policy.Options
		value    any
	}{
		{at.Allow, policy.Options{Allow: o.Allow}, o.Allow},
		{at.Banned, policy.Options{Banned: o.Banned}, o.Banned},
		{at.BusinessName, policy.Options{BusinessName: o.BusinessName}, o.BusinessName},
		{at.Keywords, policy.Options{Keywords: o.Keywords}, o.Keywords},
		{at.Language, policy.Options{Language: o.Language}, o.Language},
	} {
		if _, err := policy.NewChecker(part.opts); err != nil {
			return errs.Field(part.location, err.Error(), part.value)
		}
	}
	return nil
}

// BriefPolicy is the part of a campaign's brief (campaigns.Brief, stored as
// JSON under the same keys) that configures the checks. It is declared here
// because the campaigns package imports this one.
type BriefPolicy struct {
	BrandTerms   []string `json:"brand_terms"`
	BannedTerms  []string `json:"banned_terms"`
	BusinessName string   `json:"business_name"`
	Keywords     []string `json:"keywords"`
	Language     string   `json:"language"`
}

// Options are the policy options of a campaign with this brief: brand terms
// are the allowlist, banned terms are banned, and the copy's language is the
// brief's or else the campaign's first targeted language.
func (b BriefPolicy) Options(languages []string) policy.Options {
	lang := b.Language
	if lang == "" && len(languages) > 0 {
		lang = languages[0]
	}
	return policy.Options{Allow: b.BrandTerms, Banned: b.BannedTerms, BusinessName: b.BusinessName, Keywords: b.Keywords, Language: lang}
}

// CampaignChecker returns the policy checker configured by a campaign's
// brief, read in q (the caller's transaction, so the brief cannot change
// before the checked write commits).
func CampaignChecker(ctx context.Context, q db.Conn, campaignID int64) (*policy.Checker, error) {
	var briefDoc, langDoc []byte
	err := q.QueryRow(ctx, `SELECT brief, languages FROM campaigns WHERE id = ?`, campaignID).Scan(&briefDoc, &langDoc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("campaign %d does not exist", campaignID)
	}
	if err != nil {
		return nil, fmt.Errorf("read brief of campaign %d: %w", campaignID, err)
	}
	var b BriefPolicy
	if err := json.Unmarshal(briefDoc, &b); err != nil {
		return nil, fmt.Errorf("decode brief of campaign %d: %w", campaignID, err)
	}
	var languages []string
	if err := json.Unmarshal(langDoc, &languages); err != nil {
		return nil, fmt.Errorf("decode languages of campaign %d: %w", campaignID, err)
	}
	c, err := policy.NewChecker(b.Options(languages))
	if err != nil {
		// Briefs are checked when they are written; one stored before that
		// check must be corrected before texts can be checked against it.
		return nil, errs.Conflictf("campaign %d: its brief cannot configure the text checks (%v); correct the brief", campaignID, err).
			With("campaign_id", campaignID)
	}
	return c, nil
}

// checkLinkedText applies the field's limits and the editorial rules, with
// the campaign's brief, to a text about to be linked. Asset groups are
// checked as Performance Max, which takes no ad customizers.
func checkLinkedText(ctx context.Context, tx db.Conn, kind string, campaignID int64, fieldType, text string) error {
	c, err := CampaignChecker(ctx, tx, campaignID)
	if err != nil {
		return err
	}
	field := policy.Field(fieldType)
	var r policy.Result
	if kind == "ad" {
		r = c.CheckText(field, text)
	} else {
		r = c.CheckSet(policy.PerformanceMaxFormat, policy.Set{Items: []policy.Item{{Path: "text", Field: field, Text: text}}}).Items[0].Result
	}
	var fields []errs.FieldError
	for _, v := range r.Errors() {
		fields = append(fields, ViolationField("body.asset_id", text, v))
	}
	return PolicyRefusal(fields)
}

// checkLinkedImage applies the field's size, aspect-ratio and file rules to an
// image about to be linked. Only Performance Max asset groups take images, so
// it checks against that format, which also refuses GIF. The blob is read
// because the frame count (E15, animation) is not stored with the asset.
func (s *Service) checkLinkedImage(fieldType, hash string) error {
	data, err := os.ReadFile(s.blobPath(hash))
	if err != nil {
		return fmt.Errorf("read blob %s: %w", hash, err)
	}
	res := policy.PerformanceMaxFormat.CheckImage(policy.Field(fieldType), data)
	var fields []errs.FieldError
	for _, v := range res.Violations {
		if v.Severity == policy.Error {
			fields = append(fields, ViolationField("body.asset_id", nil, v))
		}
	}
	return PolicyRefusal(fields)
}
