// Package generation writes ad copy from a campaign's brief: the brief and the
// formats a text set is written for (their slots, counts and widths from the
// policy package), the prompts, the validation loop's validators, the offline
// writer used when no language model is configured, the wizard's use cases
// (Service: a new responsive search ad, the missing items of one, one item
// again; an asset group's texts likewise) and the background generation job
// (Jobs, kind "generate").
//
// It owns no table of its own. It reads campaigns and stores what it wrote
// through the interfaces it declares in campaigns.go, which the campaigns
// slice implements and internal/app wires in, so every generated text passes
// the checks a person's write gets; the job's own records go through
// platform/jobs.
package generation
