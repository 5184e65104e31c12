package campaigns

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// What approval requires: every ad and asset group of the campaign complete
// (the minimum counts of its format) and every ad valid as a whole with the
// brief as it is now.

// checkComplete refuses approval of a campaign Google Ads would reject for
// missing pieces.
func checkComplete(ctx context.Context, tx db.Conn, c Campaign) error {
	var problems []errs.FieldError
	if c.Type == TypeSearch {
		rows, err := tx.Query(ctx, `SELECT a.id,
			(SELECT count(*) FROM asset_links l WHERE l.ad_id = a.id AND l.field_type = 'HEADLINE'),
			(SELECT count(*) FROM asset_links l WHERE l.ad_id = a.id AND l.field_type = 'DESCRIPTION')
			FROM ads a JOIN ad_groups g ON g.id = a.ad_group_id WHERE g.campaign_id = ? ORDER BY a.id`, c.ID)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var id, h, d int64
			if err := rows.Scan(&id, &h, &d); err != nil {
				rows.Close()
				return err
			}
			n++
			if f := policy.RSAFormat; h < int64(f.Min(policy.Headline)) || d < int64(f.Min(policy.Description)) {
				problems = append(problems, errs.FieldError{Location: fmt.Sprintf("ads[%d]", id),
					Message: fmt.Sprintf("ad %d has %d headlines and %d descriptions; it needs at least %d and %d", id, h, d, f.Min(policy.Headline), f.Min(policy.Description))})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n == 0 {
			problems = append(problems, errs.FieldError{Location: "ads", Message: "the campaign has no responsive search ad"})
		}
		// Each ad as a whole, with the brief's rules as they are now: pins
		// set one link at a time, or a brief changed after the texts were
		// written, can make a set invalid that every single write accepted.
		broken, err := brokenAds(ctx, tx, c)
		if err != nil {
			return err
		}
		problems = append(problems, broken...)
	} else {
		rows, err := tx.Query(ctx, `SELECT g.id,
			(SELECT count(*) FROM asset_links l WHERE l.asset_group_id = g.id AND l.field_type = 'HEADLINE'),
			(SELECT count(*) FROM asset_links l WHERE l.asset_group_id = g.id AND l.field_type = 'LONG_HEADLINE'),
			(SELECT count(*) FROM asset_links l WHERE l.asset_group_id = g.id AND l.field_type = 'DESCRIPTION'),
			(SELECT count(*) FROM asset_links l WHERE l.asset_group_id = g.id AND l.field_type = 'BUSINESS_NAME')
			FROM asset_groups g WHERE g.campaign_id = ? ORDER BY g.id`, c.ID)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var id, h, lh, d, bn int64
			if err := rows.Scan(&id, &h, &lh, &d, &bn); err != nil {
				rows.Close()
				return err
			}
			n++
			f := policy.PerformanceMaxFormat
			minH, minLH, minD, minBN := f.Min(policy.Headline), f.Min(policy.LongHeadline), f.Min(policy.Description), f.Min(policy.BusinessName)
			if h < int64(minH) || lh < int64(minLH) || d < int64(minD) || bn < int64(minBN) {
				problems = append(problems, errs.FieldError{Location: fmt.Sprintf("asset_groups[%d]", id),
					Message: fmt.Sprintf("asset group %d has %d headlines, %d long headlines, %d descriptions and %d business names; it needs at least %d, %d, %d and %d", id, h, lh, d, bn, minH, minLH, minD, minBN)})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n == 0 {
			problems = append(problems, errs.FieldError{Location: "asset_groups", Message: "the campaign has no asset group"})
		}
	}
	if len(problems) > 0 {
		e := errs.Conflictf("the campaign is not complete: %s", problems[0].Message)
		e.Fields = problems
		return e.With("state", c.State).With("allowed_events", AllowedEvents(c.State))
	}
	return nil
}

// checkSomethingToReview refuses sending a campaign to review that has
// nothing in it to review: no ad (search) or no asset group (Performance
// Max). Generation fills an empty campaign instead.
func checkSomethingToReview(ctx context.Context, tx db.Conn, c Campaign) error {
	q, what := `SELECT count(*) FROM ads a JOIN ad_groups g ON g.id = a.ad_group_id WHERE g.campaign_id = ?`, "an ad group with an ad"
	if c.Type != TypeSearch {
		q, what = `SELECT count(*) FROM asset_groups WHERE campaign_id = ?`, "an asset group"
	}
	var n int64
	if err := tx.QueryRow(ctx, q, c.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return errs.Conflictf("the campaign has nothing to review yet: add %s, or generate its copy from the brief", what).
		With("state", c.State).With("allowed_events", AllowedEvents(c.State))
}

// brokenAds runs the responsive-search-ad checks over every ad of a campaign
// and reports each ad that fails them.
func brokenAds(ctx context.Context, tx db.Conn, c Campaign) ([]errs.FieldError, error) {
	rules, err := textRulesTx(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+adCols+` FROM ads a JOIN ad_groups g ON g.id = a.ad_group_id WHERE g.campaign_id = ? ORDER BY a.id`, c.ID)
	if err != nil {
		return nil, err
	}
	ads, err := collect(rows, scanAd)
	if err != nil {
		return nil, err
	}
	if err := attachAdTexts(ctx, tx, ads); err != nil {
		return nil, err
	}
	var out []errs.FieldError
	for _, a := range ads {
		res := rules.checker.CheckRSA(rsaOf(a, storedTexts(a.Headlines), storedTexts(a.Descriptions)))
		if res.Valid {
			continue
		}
		for _, v := range rsaErrors(res) {
			if v.Code == policy.CodeTooFew {
				continue // reported above with the counts
			}
			out = append(out, errs.FieldError{Location: fmt.Sprintf("ads[%d]", a.ID), Code: v.Code,
				Message: fmt.Sprintf("ad %d: %s", a.ID, v.Message("en"))})
			break
		}
	}
	return out, nil
}

// rsaErrors lists the error-severity findings of a checked ad, items first.
func rsaErrors(res policy.SetResult) []policy.Violation {
	var out []policy.Violation
	for _, it := range res.Items {
		out = append(out, it.Errors()...)
	}
	for _, v := range res.Violations {
		if v.Severity == policy.Error {
			out = append(out, v)
		}
	}
	return out
}
