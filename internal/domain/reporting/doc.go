// Package reporting is the analytics engine: what Google Ads reports about
// campaigns, ad groups, ads, keywords, asset groups and assets, stored as
// daily facts, and every total, series, ranking and comparison computed from
// them in SQL.
//
// It owns report_facts (one row per day and campaign, ad group, ad, keyword
// or asset group) and the asset facts (one per day and asset in a
// responsive search ad or a Performance Max asset group, with Google's
// performance label): those of our assets stored once, as their places'
// running sums (report_asset_place_days), the others in report_asset_facts.
// Facts are keyed by Google's ids, so importing a range
// twice changes nothing, and carry our ids where the entity is ours: read
// from publishing's google_ads_resources (the resource names it stored as
// it created each entity) and, for texts, from the asset library by content
// hash. Reporting reads the campaign and asset tables to name what it
// reports on and to join facts with where-used; it writes only its own
// tables.
//
// The downloader (report jobs over googleAds:searchStream) hands rows to an
// Importer (import.go); demo data and the benchmark data set are loaded the
// same way or generated in SQL.
package reporting
