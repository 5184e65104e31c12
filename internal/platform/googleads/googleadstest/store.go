package googleadstest

import (
	"slices"
	"strconv"
	"strings"
)

// entity is one stored resource.
type entity struct {
	def      *resourceDef
	customer string
	name     string
	v        map[string]any // as decodeMessage makes it, with Google's output fields
	seq      int64          // creation order
	// contentKey identifies an asset's content, for de-duplication.
	contentKey string
}

func (e *entity) status() string { return str(e.v, "status") }

func (e *entity) removed() bool { return e.status() == "REMOVED" }

// store holds what was created. A mutate works on a copy and swaps it in
// when the request succeeds, so a failed atomic request leaves no trace.
type store struct {
	nextID int64
	seq    int64
	byName map[string]*entity
	order  []string // names in creation order
}

func newStore() *store { return &store{nextID: 20000000001, byName: map[string]*entity{}} }

func (s *store) copy() *store {
	out := &store{nextID: s.nextID, seq: s.seq, byName: make(map[string]*entity, len(s.byName)), order: slices.Clone(s.order)}
	for k, e := range s.byName {
		cp := *e
		cp.v = clone(e.v).(map[string]any)
		out.byName[k] = &cp
	}
	return out
}

func (s *store) newID() int64 {
	id := s.nextID
	s.nextID += 7 // ids are not consecutive at Google either
	return id
}

func (s *store) put(e *entity) {
	if old := s.byName[e.name]; old != nil {
		e.seq = old.seq
	} else {
		s.seq++
		e.seq = s.seq
		s.order = append(s.order, e.name)
	}
	s.byName[e.name] = e
}

// list returns the customer's resources of one type in creation order.
func (s *store) list(customer string, def *resourceDef) []*entity {
	var out []*entity
	for _, name := range s.order {
		if e := s.byName[name]; e.customer == customer && e.def == def {
			out = append(out, e)
		}
	}
	return out
}

// parsedName is customers/{customer}/{collection}/{id~id…}.
type parsedName struct {
	customer   string
	collection string
	ids        []int64
}

func parseName(s string) (parsedName, bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 4 || parts[0] != "customers" || !digits10.MatchString(parts[1]) || parts[3] == "" {
		return parsedName{}, false
	}
	p := parsedName{customer: parts[1], collection: parts[2]}
	for _, id := range strings.Split(parts[3], "~") {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return parsedName{}, false
		}
		p.ids = append(p.ids, n)
	}
	return p, true
}

func (p parsedName) temporary() bool {
	return slices.ContainsFunc(p.ids, func(id int64) bool { return id < 0 })
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func nameOf(customer, collection string, ids ...string) string {
	return "customers/" + customer + "/" + collection + "/" + strings.Join(ids, "~")
}

// lastID is the id after the last "/" or "~" of a resource name.
func lastID(name string) string {
	i := strings.LastIndexAny(name, "/~")
	return name[i+1:]
}
