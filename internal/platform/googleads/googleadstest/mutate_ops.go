package googleadstest

import "strings"

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
