package googleadstest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

const maxOperations = 10000

// op is one decoded mutate operation.
type op struct {
	index   int
	field   string // e.g. "ad_group_ad_operation"
	def     *resourceDef
	action  string // create, update, remove
	body    map[string]any
	remove  string
	mask    string
	hasMask bool
	at      path // mutate_operations[i].x_operation.create|update|remove
}

// mutation is one run of a request's operations over a copy of the store.
type mutation struct {
	c      *callCtx
	st     *store
	temps  map[string]string // temporary resource name → real one
	failed map[string]bool   // temporary names whose create failed
	nums   map[int64]int     // temporary number → operation that used it
	// touched names the real resources already mutated by an operation.
	touched map[string]int
	// assetKeys maps an asset's content to the operation creating it.
	assetKeys map[string]int
	// newAssetGroups are the asset groups created here, by name → operation.
	newAssetGroups map[string]*op
	results        []string // resource name per operation; "" when it failed
	errs           []adsError
	failedOps      map[int]bool
}

func (c *callCtx) mutate() *apiError {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return &apiError{status: "INVALID_ARGUMENT", message: "Invalid JSON payload received. " + err.Error(),
			details: []map[string]any{badRequest("", "Invalid JSON payload received. "+err.Error())}}
	}
	req, derr := decodeMessage(c.version, messages["MutateGoogleAdsRequest"], raw, nil)
	if derr != nil {
		return &apiError{status: "INVALID_ARGUMENT", message: derr.message, details: []map[string]any{badRequest(derr.field, derr.message)}}
	}
	list, _ := req["mutate_operations"].([]any)
	if len(list) == 0 {
		return c.fail("INVALID_ARGUMENT", newErr(path{{"mutate_operations", -1}}, "fieldError", "REQUIRED_NONEMPTY_LIST", "The required repeated field was empty."))
	}
	if len(list) > maxOperations {
		return c.fail("INVALID_ARGUMENT", newErr(nil, "requestError", "TOO_MANY_MUTATE_OPERATIONS", "Received too many entries in request.").withTrigger(int64(len(list))))
	}
	partial, _ := req["partial_failure"].(bool)
	validateOnly, _ := req["validate_only"].(bool)
	mutable := req["response_content_type"] == "MUTABLE_RESOURCE"

	ops := make([]*op, len(list))
	var shapeErrs []adsError
	shapeFailed := map[int]bool{}
	for i, item := range list {
		o, err := decodeOp(i, item.(map[string]any))
		ops[i] = o
		if err != nil {
			shapeErrs = append(shapeErrs, *err)
			shapeFailed[i] = true
		}
	}

	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	// Run; in partial-failure mode, operations that fail a check made at the
	// end of the request (asset group minimums) are dropped and the run is
	// repeated without them, so that nothing refers to them.
	skip := map[int][]adsError{}
	var m *mutation
	for {
		m = c.run(ops, shapeFailed, skip)
		late := m.finalChecks()
		if len(late) == 0 || !partial {
			m.errs = append(m.errs, late...)
			break
		}
		for _, e := range late {
			i := e.at[0].index
			skip[i] = append(skip[i], e)
		}
	}
	errs := append(shapeErrs, m.errs...)
	slices.SortStableFunc(errs, func(a, b adsError) int { return opIndex(a) - opIndex(b) })
	if len(errs) > 0 && !partial {
		return c.fail("INVALID_ARGUMENT", errs...)
	}
	if !validateOnly {
		c.f.store = m.st
	}
	out := map[string]any{}
	if !validateOnly {
		results := make([]json.RawMessage, len(ops))
		for i, o := range ops {
			results[i] = json.RawMessage("{}")
			if name := m.results[i]; name != "" && !m.failedOps[i] {
				results[i] = m.resultJSON(o, name, mutable)
			}
		}
		out["mutateOperationResponses"] = results
	}
	if len(errs) > 0 {
		msg := errs[0].message
		if len(errs) > 1 {
			msg = "Multiple errors in 'details'. First error: " + msg
		}
		out["partialFailureError"] = map[string]any{"code": 3, "message": msg, "details": []any{failure(c.version, errs, c.requestID)}}
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

func opIndex(e adsError) int {
	if len(e.at) > 0 && e.at[0].name == "mutate_operations" {
		return e.at[0].index
	}
	return -1
}

// decodeOp reads one MutateOperation (already checked against the schema).
func decodeOp(i int, item map[string]any) (*op, *adsError) {
	at := path{{"mutate_operations", i}}
	o := &op{index: i}
	for k, v := range item {
		o.field = k
		name := strings.TrimSuffix(k, "_operation")
		msg := ""
		for _, p := range strings.Split(name, "_") {
			msg += strings.ToUpper(p[:1]) + p[1:]
		}
		o.def = resourceByMsg(msg)
		inner := v.(map[string]any)
		o.at = at.child(k)
		for _, action := range []string{"create", "update", "remove"} {
			if x, ok := inner[action]; ok {
				o.action = action
				if action == "remove" {
					o.remove = x.(string)
				} else {
					o.body = x.(map[string]any)
				}
			}
		}
		o.mask, o.hasMask = inner["update_mask"].(string)
	}
	if o.field == "" {
		e := newErr(at, "requestError", "OPERATION_REQUIRED", "Mutate operation should have either create, update, or remove specified.")
		return o, &e
	}
	if o.action == "" {
		e := newErr(o.at, "requestError", "OPERATION_REQUIRED", "Mutate operation should have either create, update, or remove specified.")
		return o, &e
	}
	maskAt := o.at.child("update_mask")
	o.at = o.at.child(o.action)
	switch {
	case o.action == "update" && (!o.hasMask || o.mask == ""):
		e := newErr(maskAt, "fieldMaskError", "FIELD_MASK_MISSING", "The field mask must be provided for update operations.")
		return o, &e
	case o.action != "update" && o.hasMask && o.mask != "":
		e := newErr(maskAt, "fieldMaskError", "FIELD_MASK_NOT_ALLOWED", "The field mask must be empty for create and remove operations.")
		return o, &e
	}
	return o, nil
}

func (c *callCtx) run(ops []*op, shapeFailed map[int]bool, skip map[int][]adsError) *mutation {
	m := &mutation{
		c: c, st: c.f.store.copy(), temps: map[string]string{}, failed: map[string]bool{}, nums: map[int64]int{},
		touched: map[string]int{}, assetKeys: map[string]int{}, newAssetGroups: map[string]*op{},
		results: make([]string, len(ops)), failedOps: map[int]bool{},
	}
	for i, o := range ops {
		if shapeFailed[i] {
			m.failedOps[i] = true
			continue
		}
		if e, ok := skip[i]; ok {
			m.errs = append(m.errs, e...)
			m.fail(o)
			continue
		}
		var errs []adsError
		switch o.action {
		case "create":
			errs = m.create(o)
		case "update":
			errs = m.update(o)
		case "remove":
			errs = m.removeOp(o)
		}
		if len(errs) > 0 {
			m.errs = append(m.errs, errs...)
			m.fail(o)
		}
	}
	return m
}

func (m *mutation) fail(o *op) {
	m.failedOps[o.index] = true
	m.results[o.index] = ""
	if o.action == "create" {
		if rn := str(o.body, "resource_name"); rn != "" {
			m.failed[rn] = true
		}
	}
}

func (m *mutation) resultJSON(o *op, name string, mutable bool) json.RawMessage {
	inner := map[string]any{"resourceName": name}
	if mutable && o.action != "remove" {
		if e := m.st.byName[name]; e != nil {
			inner[camel(o.def.gaql)] = encodeMessage(messages[o.def.msg], e.v)
		}
	}
	b, _ := json.Marshal(map[string]any{camel(o.def.gaql) + "Result": inner})
	return b
}
