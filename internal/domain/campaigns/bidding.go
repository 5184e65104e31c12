package campaigns

import (
	"slices"
	"time"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// A campaign's bidding strategy is one of Google Ads' standard strategies,
// with its target where it has one, and its run is a first and last day.
// Performance Max bids for conversions only. The strategy and the run are
// stored and edited with the campaign; publishing sends them when it creates
// the campaign at Google and, once it is live, in its change sets.

// Bidding strategies, as Google Ads names them.
const (
	MaximizeConversions     = "MAXIMIZE_CONVERSIONS"
	MaximizeConversionValue = "MAXIMIZE_CONVERSION_VALUE"
	TargetCPA               = "TARGET_CPA"
	TargetROAS              = "TARGET_ROAS"
	MaximizeClicks          = "MAXIMIZE_CLICKS"
	ManualCPC               = "MANUAL_CPC"
)

// strategies lists the strategies a campaign type takes.
var strategies = map[string][]string{
	TypeSearch: {MaximizeConversions, MaximizeConversionValue, TargetCPA, TargetROAS, MaximizeClicks, ManualCPC},
	TypePMax:   {MaximizeConversions, MaximizeConversionValue, TargetCPA, TargetROAS},
}

// defaultStrategy is what a new campaign of type bids with unless told: what
// publishing has always sent.
func defaultStrategy(typ string) string {
	if typ == TypePMax {
		return MaximizeConversions
	}
	return MaximizeClicks
}

// dateLayout is how start and end dates are written: 2026-03-01.
const dateLayout = "2006-01-02"

// applyBidding sets what b gives on c and checks the result: a strategy of
// c's type, the target its strategy needs (and no other), real dates, and an
// end not before the start. A target left from an earlier strategy goes with
// it.
func applyBidding(c *Campaign, b Bidding) error {
	if b.BiddingStrategy != nil {
		if !slices.Contains(strategies[c.Type], *b.BiddingStrategy) {
			return errs.Field("body.bidding_strategy", "is not a strategy a "+c.Type+" campaign takes; it takes "+joinNames(strategies[c.Type]), *b.BiddingStrategy)
		}
		if *b.BiddingStrategy != c.BiddingStrategy {
			c.BiddingStrategy = *b.BiddingStrategy
			c.TargetCPAMicros, c.TargetROAS = nil, nil
		}
	}
	if b.TargetCPAMicros != nil {
		if c.BiddingStrategy != TargetCPA {
			return errs.Field("body.target_cpa_micros", "belongs to the TARGET_CPA strategy only; the campaign bids with "+c.BiddingStrategy, *b.TargetCPAMicros)
		}
		if *b.TargetCPAMicros <= 0 {
			return errs.Field("body.target_cpa_micros", "must be more than 0", *b.TargetCPAMicros)
		}
		c.TargetCPAMicros = b.TargetCPAMicros
	}
	if b.TargetROAS != nil {
		if c.BiddingStrategy != TargetROAS {
			return errs.Field("body.target_roas", "belongs to the TARGET_ROAS strategy only; the campaign bids with "+c.BiddingStrategy, *b.TargetROAS)
		}
		if !(*b.TargetROAS > 0) {
			return errs.Field("body.target_roas", "must be more than 0", *b.TargetROAS)
		}
		c.TargetROAS = b.TargetROAS
	}
	if c.BiddingStrategy == TargetCPA && c.TargetCPAMicros == nil {
		return errs.Field("body.target_cpa_micros", "is required with the TARGET_CPA strategy: the cost per conversion to aim for", nil)
	}
	if c.BiddingStrategy == TargetROAS && c.TargetROAS == nil {
		return errs.Field("body.target_roas", "is required with the TARGET_ROAS strategy: the return on ad spend to aim for", nil)
	}
	for _, d := range []struct {
		at  string
		in  *string
		out *string
	}{{"body.start_date", b.StartDate, &c.StartDate}, {"body.end_date", b.EndDate, &c.EndDate}} {
		if d.in == nil {
			continue
		}
		if *d.in != "" {
			if t, err := time.Parse(dateLayout, *d.in); err != nil || t.Format(dateLayout) != *d.in {
				return errs.Field(d.at, "must be a date written YYYY-MM-DD, e.g. 2026-03-01", *d.in)
			}
		}
		*d.out = *d.in
	}
	// ISO dates compare as text.
	if c.StartDate != "" && c.EndDate != "" && c.EndDate < c.StartDate {
		at := "body.end_date"
		if b.EndDate == nil {
			at = "body.start_date"
		}
		return errs.Field(at, "the end date "+c.EndDate+" is before the start date "+c.StartDate, map[string]string{"start_date": c.StartDate, "end_date": c.EndDate})
	}
	return nil
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// nullDate stores an absent date as NULL.
func nullDate(d string) any {
	if d == "" {
		return nil
	}
	return d
}
