// Package architecture holds the tests that keep the code's shape: which
// package may import which, and which package's SQL may write which table.
// The rules are the ones docs/architecture.md draws; the tests fail on any
// import or write that breaks them.
package architecture
