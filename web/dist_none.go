//go:build !webui

// Package web holds the web app's sources (Svelte, TypeScript). Without the
// build tag webui nothing is embedded, so Go builds and tests need no Node.
package web

import "embed"

// Dist is empty in a build without the web app.
var Dist embed.FS
