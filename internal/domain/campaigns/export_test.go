package campaigns

// LoadTree reads a tree without the cache, for benchmarks of the cold path.
var LoadTree = (*Service).loadTree
