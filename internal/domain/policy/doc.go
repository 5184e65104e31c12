// Package policy owns Google Ads' hard limits and editorial rules for ad
// assets: field types and their width limits, display width as Google counts
// it, the editorial rules E1–E16 of the reference, set-level checks for
// responsive search ads, Performance Max asset groups, responsive display ads
// and Demand Gen ads, image checks, and the `imaphub validate --jsonl`
// contract.
//
// Everything here is a pure function of its input: no I/O, no clock, no
// global state beyond immutable tables. The same text always produces the
// same verdict, so the LLM repair loop, the API and the CLI agree.
//
// Rule codes are stable identifiers (see docs/policy.md); messages are for
// people and may be reworded.
package policy

//go:generate go run gen_emoji.go
