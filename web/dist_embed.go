//go:build webui

// Package web holds the web app's sources (Svelte, TypeScript). Built with
// the tag webui, the Go binary embeds its build (dist/, made by `make web`);
// go:embed cannot reach a directory outside its package, so the embedding
// lives here, next to dist/.
package web

import "embed"

// Dist holds dist/ (index.html and the hashed files under assets/).
//
//go:embed all:dist
var Dist embed.FS
