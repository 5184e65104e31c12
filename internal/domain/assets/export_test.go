package assets

// UsageFirst is the first where-used read without the cache, for benchmarks
// of the query itself.
var UsageFirst = usageFirst
