package ai

import "time"

// What a caller asks the loop for: the slots, how to judge their items, the
// limits of a run.

// Problem is one reason an item or an answer was rejected. The loop shows
// it to the model in the next repair, so Message should say what to change.
type Problem struct {
	Path    string // "headlines[3]" (index in the model's answer), "headlines" for the slot, "$" for the whole answer
	Code    string // stable rule code, e.g. "too_long", "duplicate", "invalid_json"
	Message string
	Width   int    // measured width for length rules, else 0
	Limit   int    // the limit it was measured against, else 0
	Value   string // the rejected text; filled in by the loop
	// Advice says how to fix every problem of this code ("shorten German
	// compounds by …"). A repair states each distinct advice once for all
	// the items it concerns, and then names those items by code and
	// measure only, so Message serves the report. Advice is the caller's
	// own wording: it is shown outside the data tags and must not quote
	// the model's or the user's text (Message may).
	Advice string
}

// Slot is one item list of the answer: a JSON array of strings named Name, of
// which Count valid items are wanted.
type Slot struct {
	Name  string
	Count int
	// Rule states the per-item constraints in words ("each at most 30
	// characters"). It goes into the schema description and the prompt,
	// because strict decoding cannot enforce lengths.
	Rule string
	// Description says what the items are ("Ad headlines"); it opens the
	// slot's description in the schema. Optional.
	Description string
}

// Spec describes the slots and how to judge their items.
type Spec struct {
	Slots []Slot
	// ValidateItem judges one item on its own; index is its position in
	// the model's answer. nil accepts every item.
	ValidateItem func(slot string, index int, value string) []Problem
	// ValidateSet judges a candidate against the items already accepted
	// (duplicates, near-duplicates, set-wide quotas). Candidates are offered
	// one at a time, so a conflict is charged to the later item. accepted
	// must not be modified. nil accepts every item.
	ValidateSet func(accepted map[string][]string, slot, value string) []Problem
	// Related reports whether a rewrite of the rejected item could come
	// near the kept one of the same slot. A repair lists only the kept
	// items related to one of the slot's rejected items, which a rewrite
	// must not repeat; the others cost tokens without guarding anything,
	// and ValidateSet still judges every answer against all of them. A slot
	// that came back short, whose new items are written from scratch, lists
	// every kept item. nil lists every kept item.
	Related func(slot, kept, rejected string) bool
	// Spare is the fraction of extra candidates requested per slot (0.5 asks
	// for 23 when 15 are missing). Valid items beyond Count are dropped. A
	// small surplus absorbs typical rejections without another call, which
	// costs far fewer tokens than a repair round trip.
	Spare float64
}

// Budget bounds one run. Zero values mean the defaults stated per field.
type Budget struct {
	// MaxRepairs is the number of re-asks after answers with problems.
	// Default 3; negative allows none. Calls that only continue after a
	// truncation or a split do not count.
	MaxRepairs int
	// Deadline ends the run, in addition to any deadline on the context.
	Deadline time.Time
	// MaxTokens caps prompt plus completion tokens over all calls; no new
	// call starts once it is reached. 0 means no cap.
	MaxTokens int
	// MaxCompletionTokens is sent as the per-call output limit; 0 leaves the
	// provider default. Doubled (up to 4 times) when a single item is cut off.
	MaxCompletionTokens int
	// RepeatLimit stops the run when the same error (path and code) shows up
	// in this many consecutive answers: the model is stuck and more repairs
	// only cost money. Default 3.
	RepeatLimit int
}

func (b Budget) withDefaults() Budget {
	if b.MaxRepairs == 0 {
		b.MaxRepairs = 3
	}
	if b.MaxRepairs < 0 {
		b.MaxRepairs = 0
	}
	if b.RepeatLimit <= 0 {
		b.RepeatLimit = 3
	}
	return b
}

// Request is one generation: the prompt, the slots and the limits.
type Request struct {
	// Name names the schema or tool sent to the provider; default "result".
	Name string
	// System and User are the original request. Every call, repairs
	// included, starts with them unchanged.
	System string
	User   string
	// RepairSystem and RepairUser, when set, replace System and User in
	// repair calls. A repair rewrites a few items, so it needs the rules a
	// new item must follow and the facts to write from, not instructions
	// written for a whole set: a short restatement here keeps a repair
	// call far below the first call's size. Empty means System or User is
	// sent unchanged. Continuations always send System and User.
	RepairSystem string
	RepairUser   string
	// Input is the same request as data, for providers that write without a
	// language model: every call carries it unchanged (Call.Input), so such
	// a provider reads fields instead of parsing the prompt. The loop does
	// not look inside it.
	Input any
	Spec  Spec
	// PromptVersion is copied into the report so results can be traced to
	// the prompt that produced them.
	PromptVersion string
	Budget        Budget
	Retry         RetryPolicy
	// OnEvent receives progress synchronously; keep it fast.
	OnEvent func(Event)
}

// Result holds the valid items by slot (all of them on success, the
// accepted part on failure) and the report.
type Result struct {
	Items  map[string][]string
	Report Report
}

// Typed is a result decoded into a struct whose fields are the slots.
type Typed[T any] struct {
	Value  T
	Report Report
}
