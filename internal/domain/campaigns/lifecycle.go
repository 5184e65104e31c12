package campaigns

import (
	"context"
	"sort"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// State is where a campaign is in its lifecycle (DESIGN.md §5).
type State string

const (
	Draft      State = "draft"
	Generating State = "generating"
	Review     State = "review"
	Approved   State = "approved"
	Publishing State = "publishing"
	Published  State = "published"
	Failed     State = "failed"
	Paused     State = "paused"
	Archived   State = "archived"
)

// States lists every state, in lifecycle order.
var States = []State{Draft, Generating, Review, Approved, Publishing, Published, Failed, Paused, Archived}

// Event moves a campaign from one state to another.
type Event string

const (
	EventSubmit           Event = "submit"            // a hand-built draft goes to review without generation
	EventGenerate         Event = "generate"          // copy generation starts
	EventGenerated        Event = "generated"         // generation finished: review the result
	EventGenerationFailed Event = "generation_failed" // generation gave up
	EventCancelGeneration Event = "cancel_generation" // generation cancelled: back to draft
	EventApprove          Event = "approve"
	EventReopen           Event = "reopen" // approved or failed: back to review for edits
	EventReturnToDraft    Event = "return_to_draft"
	EventPublish          Event = "publish"          // publishing to Google Ads starts (the publish job)
	EventPublished        Event = "published"        // the campaign is at Google Ads, serving
	EventPublishedPaused  Event = "published_paused" // the campaign is at Google Ads, paused
	EventPublishFailed    Event = "publish_failed"
	EventCancelPublish    Event = "cancel_publish" // a publish cancelled before its first change at Google
	EventEdit             Event = "edit"           // a published campaign is edited: its changes form a change set
	EventStatusFailed     Event = "status_failed"  // Google Ads refused a pause, resume or removal
	EventPause            Event = "pause"
	EventResume           Event = "resume"
	EventArchive          Event = "archive"
)

// EventRule says who may send an event through the API. System events are
// sent by the generation and publishing jobs only.
type EventRule struct {
	Role   auth.Role
	System bool
	// Summary documents the API operation of a user event.
	Summary string
}

// Events holds the rule of every event.
var Events = map[Event]EventRule{
	EventSubmit:           {Role: auth.Editor, Summary: "Send a hand-built draft to review"},
	EventGenerate:         {Role: auth.Editor, System: true},
	EventGenerated:        {System: true},
	EventGenerationFailed: {System: true},
	EventCancelGeneration: {System: true},
	EventApprove:          {Role: auth.Publisher, Summary: "Approve a reviewed campaign (every ad and asset group must be complete)"},
	EventReopen:           {Role: auth.Editor, Summary: "Reopen an approved or failed campaign for review"},
	EventReturnToDraft:    {Role: auth.Editor, Summary: "Return a campaign in review or failed to draft"},
	EventPublish:          {Role: auth.Publisher, System: true},
	EventPublished:        {System: true},
	EventPublishedPaused:  {System: true},
	EventPublishFailed:    {System: true},
	EventCancelPublish:    {System: true},
	EventEdit:             {Role: auth.Editor, Summary: "Edit a published or paused campaign: its changes form a change set that is reviewed, approved and published like a new campaign"},
	EventStatusFailed:     {System: true},
	EventPause:            {Role: auth.Publisher, Summary: "Pause a published campaign"},
	EventResume:           {Role: auth.Publisher, Summary: "Resume a paused campaign"},
	EventArchive:          {Role: auth.Editor, Summary: "Archive a campaign (final)"},
}

// transitions is the lifecycle: from state, on event, to state. Anything not
// listed is illegal.
var transitions = map[State]map[Event]State{
	Draft:      {EventSubmit: Review, EventGenerate: Generating, EventArchive: Archived},
	Generating: {EventGenerated: Review, EventGenerationFailed: Failed, EventCancelGeneration: Draft},
	Review:     {EventApprove: Approved, EventGenerate: Generating, EventReturnToDraft: Draft, EventArchive: Archived},
	Approved:   {EventPublish: Publishing, EventReopen: Review, EventArchive: Archived},
	Publishing: {EventPublished: Published, EventPublishedPaused: Paused, EventPublishFailed: Failed, EventCancelPublish: Approved},
	Published:  {EventPause: Paused, EventEdit: Review, EventArchive: Archived, EventStatusFailed: Failed},
	Paused:     {EventResume: Published, EventEdit: Review, EventArchive: Archived, EventStatusFailed: Failed},
	Failed:     {EventReopen: Review, EventReturnToDraft: Draft, EventArchive: Archived},
	// A campaign removed at Google on archiving goes to failed when Google
	// refuses the removal, so it can be archived again.
	Archived: {EventStatusFailed: Failed},
}

// Next returns the state after event, or a Conflict error that carries the
// current state and the events allowed in it.
func Next(from State, ev Event) (State, error) {
	if to, ok := transitions[from][ev]; ok {
		return to, nil
	}
	return "", errs.Conflictf("event %q is not allowed while the campaign is %s", ev, from).
		With("state", from).
		With("allowed_events", AllowedEvents(from))
}

// AllowedEvents lists the events legal in a state, sorted.
func AllowedEvents(s State) []Event {
	out := make([]Event, 0, len(transitions[s]))
	for ev := range transitions[s] {
		out = append(out, ev)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// TransitionHook runs inside the transaction of a lifecycle event a person
// sent (Transition), after the campaign moved from before to after; an error
// undoes the move. Another slice joins the change this way without campaigns
// knowing it: publishing enqueues the job that pauses, resumes or removes a
// campaign at Google Ads.
type TransitionHook func(ctx context.Context, tx db.Conn, before, after Campaign, ev Event) error

// DeleteGuard runs inside the transaction that deletes a campaign, before
// the delete; an error (a 409, say) refuses it. Publishing refuses deleting a
// campaign that still exists at Google Ads.
type DeleteGuard func(ctx context.Context, tx db.Conn, c Campaign) error

// OnTransition adds a hook to every lifecycle event sent through Transition.
// Call it while wiring, before serving.
func (s *Service) OnTransition(h TransitionHook) { s.transitionHooks = append(s.transitionHooks, h) }

// OnDelete adds a guard to DeleteCampaign. Call it while wiring.
func (s *Service) OnDelete(g DeleteGuard) { s.deleteGuards = append(s.deleteGuards, g) }

// Editable reports whether the campaign's content may change in state s.
func Editable(s State) bool { return s == Draft || s == Review }

// notEditable is the error for a write to a campaign that is not editable.
func notEditable(s State) error {
	return errs.Conflictf("the campaign is %s; its content can change only in draft or review", s).
		With("state", s).
		With("allowed_events", AllowedEvents(s))
}

// generationJobKey marks the context of a generation job: it writes a
// campaign's ads and texts while the campaign is generating, which people's
// edits may not.
type generationJobKey struct{}

// AsGenerationJob marks ctx as the generation job's: its writes may change a
// campaign's content while the campaign is generating.
func AsGenerationJob(ctx context.Context) context.Context {
	return context.WithValue(ctx, generationJobKey{}, true)
}

// canEdit reports whether the caller may change a campaign's content in
// state s: people in draft and review, the generation job also while
// generating.
func canEdit(ctx context.Context, s State) bool {
	return Editable(s) || (s == Generating && ctx.Value(generationJobKey{}) != nil)
}
