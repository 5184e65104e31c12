package campaigns

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// The account's brand spellings extend the policy's built-in list
// (policy.BuiltinBrandSpellings) for every campaign: a spelling such as
// "ReifenDirekt" is allowed as written in all texts, as the brief's brand
// terms are in one campaign's.

// MaxBrandSpellings bounds the account's list.
const MaxBrandSpellings = 500

// BrandSpellings returns the account's own spellings, sorted.
func (s *Service) BrandSpellings(ctx context.Context) ([]string, error) {
	return brandSpellings(ctx, s.db.Read())
}

func brandSpellings(ctx context.Context, q db.Conn) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT term FROM brand_spellings ORDER BY term`)
	if err != nil {
		return nil, fmt.Errorf("read brand spellings: %w", err)
	}
	out := []string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, t)
	}
	rows.Close()
	return out, rows.Err()
}

// SetBrandSpellings replaces the account's list. Each spelling is checked
// as the policy checks an allowlist entry.
func (s *Service) SetBrandSpellings(ctx context.Context, terms []string) ([]string, error) {
	clean := make([]string, 0, len(terms))
	seen := map[string]bool{}
	for i, t := range terms {
		t = strings.TrimSpace(t)
		at := fmt.Sprintf("body.terms[%d]", i)
		switch {
		case t == "":
			return nil, errs.Field(at, "is empty", terms[i])
		case !utf8.ValidString(t) || utf8.RuneCountInString(t) > 80:
			return nil, errs.Field(at, "must be at most 80 characters", t)
		}
		if seen[t] {
			continue
		}
		seen[t] = true
		clean = append(clean, t)
	}
	if len(clean) > MaxBrandSpellings {
		return nil, errs.Field("body.terms", fmt.Sprintf("at most %d spellings", MaxBrandSpellings), len(clean))
	}
	if _, err := policy.NewChecker(policy.Options{Allow: clean}); err != nil {
		return nil, errs.Field("body.terms", err.Error(), nil)
	}
	slices.Sort(clean)
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		if _, err := tx.Exec(ctx, `DELETE FROM brand_spellings`); err != nil {
			return err
		}
		now := s.now()
		for _, t := range clean {
			if _, err := tx.Exec(ctx, `INSERT INTO brand_spellings (term, created_at) VALUES (?, ?)`, t, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return clean, nil
}
