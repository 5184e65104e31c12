// Package publishing brings approved campaigns to Google Ads and keeps them
// in step with later edits.
//
// It owns the account each campaign is published to (publish_targets), the
// resource name Google gave each entity (google_ads_resources), the state of
// the campaign as Google holds it after the last change (published_snapshots)
// and the change history (publish_runs). It reads campaigns through the
// interfaces in campaigns.go and never writes their tables: lifecycle moves
// go through campaigns' TransitionTx inside publishing's own transactions.
//
// One mechanism serves the first publish and every later change set: the
// desired state is built from the campaign tree (state.go), compared with
// the published snapshot (diff.go: empty before the first publish), and the
// difference is sent as googleAds:mutate requests in steps — the campaign,
// then each ad group or asset group — each step atomic (ops.go). After each
// step the resource names and the snapshot are stored in one transaction, so
// a publish killed at any point and run again sends only what is missing.
// What a request sent without an answer may have created is looked up at
// Google by its natural key before anything is sent again (lookup.go).
//
// Google's errors are mapped back to our entity and field, in English or
// German (problems.go). The publish job (job.go) and the job that pauses,
// resumes or removes a live campaign (status.go) run on platform/jobs.
package publishing
