package googleads

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// MaxOperations is Google's limit of operations in one mutate request.
const MaxOperations = 10000

// Operation is one create, update or remove of a resource of type T (the
// proto's XxxOperation). Build it with [Create], [Update] or [Remove].
type Operation[T Resource] struct {
	Create     *T     `json:"create,omitempty"`
	Update     *T     `json:"update,omitempty"`
	Remove     string `json:"remove,omitempty"`
	UpdateMask string `json:"updateMask,omitempty"`
}

// Resource is a resource type this package can mutate.
type Resource interface {
	CampaignBudget | Campaign | CampaignCriterion | AdGroup | AdGroupCriterion | AdGroupAd | Asset | AssetGroup | AssetGroupAsset
}

// MutateOperation is one entry of googleAds:mutate: exactly one of its
// fields is set.
type MutateOperation struct {
	CampaignBudgetOperation    *Operation[CampaignBudget]    `json:"campaignBudgetOperation,omitempty"`
	CampaignOperation          *Operation[Campaign]          `json:"campaignOperation,omitempty"`
	CampaignCriterionOperation *Operation[CampaignCriterion] `json:"campaignCriterionOperation,omitempty"`
	AdGroupOperation           *Operation[AdGroup]           `json:"adGroupOperation,omitempty"`
	AdGroupCriterionOperation  *Operation[AdGroupCriterion]  `json:"adGroupCriterionOperation,omitempty"`
	AdGroupAdOperation         *Operation[AdGroupAd]         `json:"adGroupAdOperation,omitempty"`
	AssetOperation             *Operation[Asset]             `json:"assetOperation,omitempty"`
	AssetGroupOperation        *Operation[AssetGroup]        `json:"assetGroupOperation,omitempty"`
	AssetGroupAssetOperation   *Operation[AssetGroupAsset]   `json:"assetGroupAssetOperation,omitempty"`

	err error // from a constructor, reported by Mutate
}

// Create makes an operation that creates r. Give r a temporary resource name
// ([TempIDs]) when later operations of the same request refer to it.
func Create[T Resource](r T) MutateOperation { return wrap(&Operation[T]{Create: &r}) }

// Update makes an operation that sets the given fields of r, which names the
// resource by its ResourceName. Fields are proto paths, snake_case or
// lowerCamelCase ("status", "network_settings.target_search_network"); a
// field listed but zero in r is cleared.
func Update[T Resource](r T, fields ...string) MutateOperation {
	op := wrap(&Operation[T]{Update: &r})
	mask, err := fieldMask(fields)
	op.err = err
	setMask(&op, mask)
	return op
}

// Remove makes an operation that removes the resource named. Assets cannot
// be removed (Google keeps them; unlink them instead).
func Remove(resourceName string) MutateOperation {
	rn, err := ParseResourceName(resourceName)
	if err != nil {
		return MutateOperation{err: err}
	}
	switch rn.Collection {
	case "campaignBudgets":
		return wrap(&Operation[CampaignBudget]{Remove: resourceName})
	case "campaigns":
		return wrap(&Operation[Campaign]{Remove: resourceName})
	case "campaignCriteria":
		return wrap(&Operation[CampaignCriterion]{Remove: resourceName})
	case "adGroups":
		return wrap(&Operation[AdGroup]{Remove: resourceName})
	case "adGroupCriteria":
		return wrap(&Operation[AdGroupCriterion]{Remove: resourceName})
	case "adGroupAds":
		return wrap(&Operation[AdGroupAd]{Remove: resourceName})
	case "assetGroups":
		return wrap(&Operation[AssetGroup]{Remove: resourceName})
	case "assetGroupAssets":
		return wrap(&Operation[AssetGroupAsset]{Remove: resourceName})
	case "assets":
		return MutateOperation{err: fmt.Errorf("%s: assets cannot be removed; remove the links to them", resourceName)}
	}
	return MutateOperation{err: fmt.Errorf("%s: cannot remove %s", resourceName, rn.Collection)}
}

func wrap[T Resource](op *Operation[T]) MutateOperation {
	var m MutateOperation
	switch o := any(op).(type) {
	case *Operation[CampaignBudget]:
		m.CampaignBudgetOperation = o
	case *Operation[Campaign]:
		m.CampaignOperation = o
	case *Operation[CampaignCriterion]:
		m.CampaignCriterionOperation = o
	case *Operation[AdGroup]:
		m.AdGroupOperation = o
	case *Operation[AdGroupCriterion]:
		m.AdGroupCriterionOperation = o
	case *Operation[AdGroupAd]:
		m.AdGroupAdOperation = o
	case *Operation[Asset]:
		m.AssetOperation = o
	case *Operation[AssetGroup]:
		m.AssetGroupOperation = o
	case *Operation[AssetGroupAsset]:
		m.AssetGroupAssetOperation = o
	}
	return m
}

func setMask(m *MutateOperation, mask string) {
	for _, p := range m.kinds() {
		*p.mask = mask
	}
}

// opView is what Mutate checks of any operation, whatever its type.
type opView struct {
	kind                      string
	create, update, hasRemove bool
	mask                      *string
}

func view[T Resource](kind string, o *Operation[T]) opView {
	return opView{kind: kind, create: o.Create != nil, update: o.Update != nil, hasRemove: o.Remove != "", mask: &o.UpdateMask}
}

func (m *MutateOperation) kinds() []opView {
	var v []opView
	if m.CampaignBudgetOperation != nil {
		v = append(v, view("campaignBudgetOperation", m.CampaignBudgetOperation))
	}
	if m.CampaignOperation != nil {
		v = append(v, view("campaignOperation", m.CampaignOperation))
	}
	if m.CampaignCriterionOperation != nil {
		v = append(v, view("campaignCriterionOperation", m.CampaignCriterionOperation))
	}
	if m.AdGroupOperation != nil {
		v = append(v, view("adGroupOperation", m.AdGroupOperation))
	}
	if m.AdGroupCriterionOperation != nil {
		v = append(v, view("adGroupCriterionOperation", m.AdGroupCriterionOperation))
	}
	if m.AdGroupAdOperation != nil {
		v = append(v, view("adGroupAdOperation", m.AdGroupAdOperation))
	}
	if m.AssetOperation != nil {
		v = append(v, view("assetOperation", m.AssetOperation))
	}
	if m.AssetGroupOperation != nil {
		v = append(v, view("assetGroupOperation", m.AssetGroupOperation))
	}
	if m.AssetGroupAssetOperation != nil {
		v = append(v, view("assetGroupAssetOperation", m.AssetGroupAssetOperation))
	}
	return v
}

// check says what is wrong with the operation's shape, "" when nothing.
func (m *MutateOperation) check() string {
	if m.err != nil {
		return m.err.Error()
	}
	kinds := m.kinds()
	if len(kinds) != 1 {
		return fmt.Sprintf("want exactly one operation type, got %d", len(kinds))
	}
	k := kinds[0]
	n := 0
	for _, set := range []bool{k.create, k.update, k.hasRemove} {
		if set {
			n++
		}
	}
	switch {
	case n != 1:
		return k.kind + ": want exactly one of create, update, remove"
	case k.update && *k.mask == "":
		return k.kind + ": an update needs the fields it sets (update mask)"
	case !k.update && *k.mask != "":
		return k.kind + ": an update mask belongs to updates only"
	}
	return ""
}

// fieldMask turns proto paths into the JSON form of a FieldMask: paths in
// lowerCamelCase joined by commas.
func fieldMask(fields []string) (string, error) {
	if len(fields) == 0 {
		return "", fmt.Errorf("update: name the fields to set")
	}
	out := make([]string, len(fields))
	for i, f := range fields {
		if f == "" || strings.ContainsAny(f, ", ") {
			return "", fmt.Errorf("update: field %q: want a proto path such as network_settings.target_search_network", f)
		}
		segs := strings.Split(f, ".")
		for j, s := range segs {
			segs[j] = lowerCamel(s)
		}
		out[i] = strings.Join(segs, ".")
	}
	return strings.Join(out, ","), nil
}

func lowerCamel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ResourceName is a parsed resource name such as
// customers/1234567890/adGroupAds/111~222.
type ResourceName struct {
	CustomerID string
	Collection string   // e.g. "adGroupAds"
	IDs        []string // the parts of the id joined by "~"
}

// ParseResourceName splits customers/{customer}/{collection}/{id[~id…]}.
func ParseResourceName(s string) (ResourceName, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 4 || parts[0] != "customers" || !customerIDPattern.MatchString(parts[1]) || parts[2] == "" || parts[3] == "" {
		return ResourceName{}, fmt.Errorf("resource name %q: want customers/{ten digits}/{collection}/{id}", s)
	}
	return ResourceName{CustomerID: parts[1], Collection: parts[2], IDs: strings.Split(parts[3], "~")}, nil
}

// Name builds a resource name, e.g. Name("1234567890", "campaigns", -2).
func Name(customerID, collection string, ids ...int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return "customers/" + customerID + "/" + collection + "/" + strings.Join(s, "~")
}

// TempIDs hands out temporary ids (-1, -2, …) for resources created in one
// mutate request and referred to by later operations of the same request.
// Each number is used once, whatever the resource type; they mean nothing in
// another request.
type TempIDs struct{ last int64 }

// Next returns the next unused negative id.
func (t *TempIDs) Next() int64 {
	t.last--
	return t.last
}

// MutateRequest is googleAds:mutate's body.
type MutateRequest struct {
	Operations []MutateOperation
	// PartialFailure applies the operations that succeed and reports the
	// others in MutateResponse.PartialFailure; false (the default) applies
	// all or nothing.
	PartialFailure bool
	// ValidateOnly checks everything and changes nothing.
	ValidateOnly        bool
	ResponseContentType ResponseContentType
}

func (r MutateRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		MutateOperations    []MutateOperation   `json:"mutateOperations"`
		PartialFailure      bool                `json:"partialFailure,omitempty"`
		ValidateOnly        bool                `json:"validateOnly,omitempty"`
		ResponseContentType ResponseContentType `json:"responseContentType,omitempty"`
	}{r.Operations, r.PartialFailure, r.ValidateOnly, r.ResponseContentType})
}

// check refuses a request Google would refuse for its shape, before sending.
func (r MutateRequest) check() error {
	if len(r.Operations) == 0 {
		return errs.Field("operations", "a mutate needs at least one operation", nil)
	}
	if len(r.Operations) > MaxOperations {
		return errs.E(errs.Invalid, "a mutate carries at most %d operations and this one has %d: split it into several requests (temporary ids do not carry over from one request to the next)", MaxOperations, len(r.Operations)).
			With("operations", len(r.Operations)).With("limit", MaxOperations)
	}
	var fields []errs.FieldError
	for i := range r.Operations {
		if msg := r.Operations[i].check(); msg != "" {
			fields = append(fields, errs.FieldError{Location: fmt.Sprintf("operations[%d]", i), Message: msg})
		}
	}
	if len(fields) > 0 {
		e := errs.E(errs.Invalid, "%s: %s", fields[0].Location, fields[0].Message)
		if len(fields) > 1 {
			e.Message += fmt.Sprintf(" (and %d more)", len(fields)-1)
		}
		e.Fields = fields
		return e
	}
	switch r.ResponseContentType {
	case "", ResourceNameOnly, MutableResource:
	default:
		return errs.Field("response_content_type", "want RESOURCE_NAME_ONLY or MUTABLE_RESOURCE", string(r.ResponseContentType))
	}
	return nil
}

// MutateResponse is googleAds:mutate's answer.
type MutateResponse struct {
	// Results has one entry per operation, in order. With partial failure an
	// operation that failed has an empty result (Kind ""); a validate-only
	// request has no results.
	Results []MutateResult
	// PartialFailure lists the operations that failed in a partial-failure
	// request; nil when all succeeded.
	PartialFailure *PartialFailure
	RequestID      string
}

// Failed reports whether operation i failed in a partial-failure request.
func (r *MutateResponse) Failed(i int) bool {
	if r.PartialFailure == nil {
		return false
	}
	_, ok := r.PartialFailure.ByOperation()[i]
	return ok
}

// MutateResult is the answer for one operation.
type MutateResult struct {
	// Kind is the resource type, e.g. "campaign", "adGroupAd"; empty for an
	// operation that failed.
	Kind         string
	ResourceName string
	// With ResponseContentType MutableResource, the resource as stored (the
	// one matching Kind).
	CampaignBudget    *CampaignBudget
	Campaign          *Campaign
	CampaignCriterion *CampaignCriterion
	AdGroup           *AdGroup
	AdGroupCriterion  *AdGroupCriterion
	AdGroupAd         *AdGroupAd
	Asset             *Asset
	AssetGroup        *AssetGroup
	AssetGroupAsset   *AssetGroupAsset
}

// UnmarshalJSON reads a MutateOperationResponse: {"campaignResult": {...}}.
func (r *MutateResult) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*r = MutateResult{}
	for k, v := range m {
		kind, ok := strings.CutSuffix(k, "Result")
		if !ok {
			continue
		}
		var inner struct {
			ResourceName      string             `json:"resourceName"`
			CampaignBudget    *CampaignBudget    `json:"campaignBudget"`
			Campaign          *Campaign          `json:"campaign"`
			CampaignCriterion *CampaignCriterion `json:"campaignCriterion"`
			AdGroup           *AdGroup           `json:"adGroup"`
			AdGroupCriterion  *AdGroupCriterion  `json:"adGroupCriterion"`
			AdGroupAd         *AdGroupAd         `json:"adGroupAd"`
			Asset             *Asset             `json:"asset"`
			AssetGroup        *AssetGroup        `json:"assetGroup"`
			AssetGroupAsset   *AssetGroupAsset   `json:"assetGroupAsset"`
		}
		if err := json.Unmarshal(v, &inner); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		*r = MutateResult{Kind: kind, ResourceName: inner.ResourceName,
			CampaignBudget: inner.CampaignBudget, Campaign: inner.Campaign, CampaignCriterion: inner.CampaignCriterion,
			AdGroup: inner.AdGroup, AdGroupCriterion: inner.AdGroupCriterion, AdGroupAd: inner.AdGroupAd,
			Asset: inner.Asset, AssetGroup: inner.AssetGroup, AssetGroupAsset: inner.AssetGroupAsset}
	}
	return nil
}

// Mutate sends googleAds:mutate for customerID (ten digits; dashes are
// dropped): all operations in one atomic request unless PartialFailure is
// set. A request that breaks Google's shape rules (no operations, more than
// MaxOperations, an operation without exactly one action) is refused before
// sending with an *errs.Error naming the operation.
//
// A transient failure answered by Google (UNAVAILABLE, INTERNAL,
// DEADLINE_EXCEEDED, short-term quota) changed nothing and is retried. A
// request sent without an answer is an *UnknownOutcomeError and is not sent
// again (unless ValidateOnly, which changes nothing).
func (c *Client) Mutate(ctx context.Context, customerID string, req MutateRequest) (*MutateResponse, error) {
	cid, err := NormalizeCustomerID(customerID)
	if err != nil {
		return nil, errs.Field("customer_id", err.Error(), customerID)
	}
	if err := req.check(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("googleads: encode mutate: %w", err)
	}
	res, err := c.call(ctx, callSpec{
		name: "googleAds:mutate", method: "POST", path: "/customers/" + cid + "/googleAds:mutate", body: body,
		customerID: cid, operations: len(req.Operations), idempotent: req.ValidateOnly,
	})
	if err != nil {
		return nil, err
	}
	var raw struct {
		MutateOperationResponses []MutateResult `json:"mutateOperationResponses"`
		PartialFailureError      *struct {
			Code    int               `json:"code"`
			Message string            `json:"message"`
			Details []json.RawMessage `json:"details"`
		} `json:"partialFailureError"`
	}
	if err := json.Unmarshal(res.body, &raw); err != nil {
		return nil, fmt.Errorf("googleads: googleAds:mutate answer (request-id %s): %w", res.requestID, err)
	}
	out := &MutateResponse{Results: raw.MutateOperationResponses, RequestID: res.requestID}
	if p := raw.PartialFailureError; p != nil && (p.Code != 0 || len(p.Details) > 0) {
		rid := ""
		errList, _, _ := decodeDetails(p.Details, &rid)
		out.PartialFailure = &PartialFailure{Code: p.Code, Message: p.Message, Errors: errList}
	}
	if !req.ValidateOnly && len(out.Results) != len(req.Operations) {
		return out, fmt.Errorf("googleads: googleAds:mutate answered %d results for %d operations (request-id %s)", len(out.Results), len(req.Operations), res.requestID)
	}
	return out, nil
}
