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

// resolve finds the resource a name in the request refers to: a real one,
// or one created earlier in this request under a temporary name.
func (m *mutation) resolve(name string, want *resourceDef, at path) (*entity, *adsError) {
	p, ok := parseName(name)
	if !ok || p.collection != want.collection || len(p.ids) != max(want.idParts, 1) {
		e := newErr(at, "requestError", "RESOURCE_NAME_MALFORMED", "Resource name provided is malformed.").withTrigger(name)
		return nil, &e
	}
	real := name
	if p.temporary() {
		switch t, ok := m.temps[name]; {
		case ok:
			real = t
		case m.failed[name]:
			e := newErr(at, "newResourceCreationError", "TEMP_ID_RESOURCE_HAD_ERRORS", "Parent resource with specified temp ID failed validation, so no validation will be done for this child resource.").withTrigger(name)
			return nil, &e
		default:
			e := newErr(at, "mutateError", "RESOURCE_NOT_FOUND", "Requested resource was not found. A temporary resource name must be created by an earlier operation of the same request.").withTrigger(name)
			return nil, &e
		}
	}
	ent := m.st.byName[real]
	if ent == nil || p.customer != m.c.customerID {
		e := newErr(at, "mutateError", "RESOURCE_NOT_FOUND", "Requested resource was not found.").withTrigger(name)
		return nil, &e
	}
	return ent, nil
}

// create handles a create operation.
func (m *mutation) create(o *op) []adsError {
	v := clone(o.body).(map[string]any)
	def := o.def
	msg := messages[def.msg]
	if errs := checkEnums(msg, v, o.at); len(errs) > 0 {
		return errs
	}
	if _, set := v["id"]; set {
		return []adsError{newErr(o.at.child("id"), "newResourceCreationError", "CANNOT_SET_ID_FOR_CREATE", "Do not set the id field while creating new resources.")}
	}
	stripOutput(msg, v)
	temp := ""
	if rn := str(v, "resource_name"); rn != "" {
		at := o.at.child("resource_name")
		p, ok := parseName(rn)
		if !ok || p.collection != def.collection || len(p.ids) != def.idParts || p.customer != m.c.customerID {
			return []adsError{newErr(at, "requestError", "RESOURCE_NAME_MALFORMED", "Resource name provided is malformed.").withTrigger(rn)}
		}
		tmp := p.ids[len(p.ids)-1]
		if tmp >= 0 {
			return []adsError{newErr(at, "newResourceCreationError", "CANNOT_SET_ID_FOR_CREATE", "Do not set the id field while creating new resources: use a negative temporary id.").withTrigger(rn)}
		}
		if prev, used := m.nums[tmp]; used {
			return []adsError{newErr(at, "newResourceCreationError", "DUPLICATE_TEMP_IDS",
				"Creating more than one resource with the same temp ID is not allowed (first used by mutate_operations["+itoa(int64(prev))+"]).").withTrigger(rn)}
		}
		m.nums[tmp] = o.index
		temp = rn
	}
	ent := &entity{def: def, customer: m.c.customerID, v: v}
	errs := m.validate(o, ent, nil)
	if len(errs) > 0 {
		return errs
	}
	if ent.name == "" { // not de-duplicated onto an existing asset
		m.assign(ent)
		m.st.put(ent)
		if def.msg == "AssetGroup" {
			m.newAssetGroups[ent.name] = o
		}
	}
	if temp != "" {
		m.temps[temp] = ent.name
	}
	m.touched[ent.name] = o.index
	m.results[o.index] = ent.name
	return nil
}

// update handles an update operation: the fields of the mask are copied
// from the request (absent ones cleared), then the result is validated.
func (m *mutation) update(o *op) []adsError {
	msg := messages[o.def.msg]
	rn := str(o.body, "resource_name")
	if rn == "" {
		return []adsError{newErr(o.at.child("resource_name"), "requestError", "RESOURCE_NAME_MISSING", "Resource name is required for this request.")}
	}
	old, err := m.resolve(rn, o.def, o.at.child("resource_name"))
	if err != nil {
		return []adsError{*err}
	}
	if prev, dup := m.touched[old.name]; dup {
		return []adsError{newErr(o.at.child("resource_name"), "mutateError", "ID_EXISTS_IN_MULTIPLE_MUTATES",
			"Cannot mutate the same resource twice in one request (first in mutate_operations["+itoa(int64(prev))+"]).").withTrigger(rn)}
	}
	if old.removed() {
		return []adsError{newErr(o.at.child("resource_name"), "operationAccessDeniedError", "OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE", "This operation is not allowed because the resource is removed.").withTrigger(rn)}
	}
	if errs := checkEnums(msg, o.body, o.at); len(errs) > 0 {
		return errs
	}
	merged := clone(old.v).(map[string]any)
	maskAt := o.at[:len(o.at)-1].child("update_mask")
	for _, p := range strings.Split(o.mask, ",") {
		segs := strings.Split(strings.TrimSpace(p), ".")
		for i, s := range segs {
			segs[i] = snake(s)
		}
		dotted := strings.Join(segs, ".")
		f, ok := fieldAt(msg, dotted)
		if !ok {
			return []adsError{newErr(maskAt, "fieldMaskError", "FIELD_NOT_FOUND", "The field mask contained an invalid field.").withTrigger(p)}
		}
		if dotted == "resource_name" {
			continue
		}
		fieldPath := o.at
		for _, s := range segs {
			fieldPath = fieldPath.child(s)
		}
		if isImmutable(msg, segs) || (o.def.msg == "AssetGroupAsset" && dotted == "field_type") {
			return []adsError{newErr(fieldPath, "requestError", "IMMUTABLE_FIELD", "Field '"+dotted+"' cannot be modified by 'UPDATE' operation.")}
		}
		if isOutputOnly(msg, segs) {
			return []adsError{newErr(fieldPath, "mutateError", "RESOURCE_READ_ONLY", "Attempt to write to read-only fields.").withTrigger(dotted)}
		}
		val, present := lookup(o.body, dotted)
		if f.kind == kMessage && !f.repeated && present && len(val.(map[string]any)) > 0 {
			return []adsError{newErr(maskAt, "fieldMaskError", "FIELD_HAS_SUBFIELDS", "The field mask updated a field with subfields. Fields with subfields may be cleared, but not updated. To fix this, the field mask should select all the subfields of the invalid field.").withTrigger(p)}
		}
		setPath(msg, merged, segs, val, present)
	}
	if merged["status"] == "REMOVED" && old.status() != "REMOVED" {
		return []adsError{newErr(o.at.child("status"), "fieldError", "INVALID_VALUE", "The field's value is invalid: a remove operation removes a resource.").withTrigger("REMOVED")}
	}
	ent := &entity{def: old.def, customer: old.customer, name: old.name, v: merged, seq: old.seq, contentKey: old.contentKey}
	if errs := m.validate(o, ent, old); len(errs) > 0 {
		return errs
	}
	m.st.put(ent)
	m.touched[ent.name] = o.index
	m.results[o.index] = ent.name
	return nil
}

// removeOp handles a remove operation: the resource's status becomes
// REMOVED, as Google keeps removed resources visible to searches.
func (m *mutation) removeOp(o *op) []adsError {
	ent, err := m.resolve(o.remove, o.def, o.at)
	if err != nil {
		return []adsError{*err}
	}
	if prev, dup := m.touched[ent.name]; dup {
		return []adsError{newErr(o.at, "mutateError", "ID_EXISTS_IN_MULTIPLE_MUTATES",
			"Cannot mutate the same resource twice in one request (first in mutate_operations["+itoa(int64(prev))+"]).").withTrigger(o.remove)}
	}
	if ent.removed() {
		return []adsError{newErr(o.at, "operationAccessDeniedError", "OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE", "This operation is not allowed because the resource is removed.").withTrigger(o.remove)}
	}
	if errs := m.checkRemove(o, ent); len(errs) > 0 {
		return errs
	}
	cp := *ent
	cp.v = clone(ent.v).(map[string]any)
	cp.v["status"] = "REMOVED"
	m.st.put(&cp)
	m.touched[ent.name] = o.index
	m.results[o.index] = ent.name
	return nil
}

// checkEnums refuses UNKNOWN ("return value only") and drops UNSPECIFIED
// (the same as unset).
func checkEnums(msg *messageDef, v map[string]any, at path) []adsError {
	var errs []adsError
	for name, val := range v {
		f := msg.fields[name]
		switch {
		case f.kind == kEnum && val == "UNKNOWN":
			errs = append(errs, newErr(at.child(name), "requestError", "INVALID_ENUM_VALUE", "Enum value is not permitted.").withTrigger("UNKNOWN"))
		case f.kind == kEnum && val == "UNSPECIFIED":
			delete(v, name)
		case f.kind == kMessage && !f.repeated:
			errs = append(errs, checkEnums(messages[f.msg], val.(map[string]any), at.child(name))...)
		case f.kind == kMessage:
			for i, e := range val.([]any) {
				errs = append(errs, checkEnums(messages[f.msg], e.(map[string]any), at.child(name).at(i))...)
			}
		}
	}
	return errs
}

// stripOutput drops output-only fields sent in a create: Google ignores them.
func stripOutput(msg *messageDef, v map[string]any) {
	for name, val := range v {
		f := msg.fields[name]
		switch {
		case f.outputOnly:
			delete(v, name)
		case f.kind == kMessage && !f.repeated:
			stripOutput(messages[f.msg], val.(map[string]any))
		case f.kind == kMessage:
			for _, e := range val.([]any) {
				stripOutput(messages[f.msg], e.(map[string]any))
			}
		}
	}
}

func isImmutable(msg *messageDef, segs []string) bool {
	for _, s := range segs {
		f := msg.fields[s]
		if f.immutable {
			return true
		}
		if f.kind != kMessage {
			return false
		}
		msg = messages[f.msg]
	}
	return false
}

func isOutputOnly(msg *messageDef, segs []string) bool {
	for _, s := range segs {
		f := msg.fields[s]
		if f.outputOnly {
			return true
		}
		if f.kind != kMessage {
			return false
		}
		msg = messages[f.msg]
	}
	return false
}

// setPath sets or clears one field of an update, creating the messages on
// the way and clearing the other members of a oneof it sets.
func setPath(msg *messageDef, v map[string]any, segs []string, val any, present bool) {
	for i, s := range segs {
		f := msg.fields[s]
		if present && f.oneof != "" {
			for _, other := range msg.order {
				if other != s && msg.fields[other].oneof == f.oneof {
					delete(v, other)
				}
			}
		}
		if i == len(segs)-1 {
			if present {
				v[s] = clone(val)
			} else {
				delete(v, s)
			}
			return
		}
		next, ok := v[s].(map[string]any)
		if !ok {
			if !present {
				return
			}
			next = map[string]any{}
			v[s] = next
		}
		v, msg = next, messages[f.msg]
	}
}
