package assets

import (
	"fmt"
	"slices"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// editableStates are the campaign states in which a person may change which
// assets the campaign's ads and asset groups use (DESIGN §5): later states
// are approved or live, and a change there would bypass review.
var editableStates = []string{"draft", "review"}

// wizardStates add generating for the campaigns slice, whose wizard writes
// the ads it generated while the campaign is in that state.
var wizardStates = []string{"draft", "generating", "review"}

// guardEditable refuses a link write to a campaign outside states with a 409
// that carries the current state.
func guardEditable(o owner, states []string) error {
	if slices.Contains(states, o.CampaignState) {
		return nil
	}
	return errs.Conflictf("campaign %d is %s; its assets can only be changed while it is %s",
		o.CampaignID, o.CampaignState, joinOr(states)).
		With("state", o.CampaignState).With("campaign_id", o.CampaignID)
}

func joinOr(states []string) string {
	switch len(states) {
	case 0:
		return ""
	case 1:
		return states[0]
	}
	out := ""
	for i, s := range states[:len(states)-1] {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return fmt.Sprintf("%s or %s", out, states[len(states)-1])
}
