// Package googleads is a client for the Google Ads API over REST. It knows
// Google Ads resources and protocols, not our campaigns: a publisher turns
// its entities into the mutate operations defined here and reads the results
// and errors back.
//
// What it owns:
//
//   - configuration from IMAPHUB_GOOGLEADS_* (each also as NAME_FILE), with
//     an explicit "not connected" state when the credentials are missing;
//   - the OAuth 2.0 refresh-token flow, with one cached access token shared by
//     all callers, refreshed before it expires, one refresh at a time;
//   - the headers every call needs (Authorization, developer-token,
//     login-customer-id) and the request-id of every answer, which is
//     returned with results and errors and logged;
//   - customers:listAccessibleCustomers, googleAds:search (all pages),
//     googleAds:searchStream and googleAds:mutate with typed operations for
//     the resources a Search or Performance Max campaign is made of;
//   - the account queries: an account's own description (Customer) and the
//     accounts under a manager (AccountTree), so that callers need no GAQL
//     of their own to find their way;
//   - errors: GoogleAdsFailure decoded into [GoogleAdsError] values with
//     their error code, trigger and field path (which operation, which
//     field), for answers that failed and for partial failures;
//   - retries: transient answers (UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED,
//     short-term quota with its retryDelay) are tried again with jittered
//     backoff while the caller's deadline allows; the daily quota is a
//     [QuotaExhaustedError] at once; a mutate that was sent but not answered
//     is an [UnknownOutcomeError] and is never sent again by this package.
//
// googleadstest is a local server that speaks the same protocol strictly,
// for tests.
package googleads
