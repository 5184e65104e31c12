package assets

// UsageJSON is the where-used query without the cache, for benchmarks of the
// cold path.
var UsageJSON = usageJSON
