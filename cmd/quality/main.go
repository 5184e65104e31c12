// Command quality runs the copy quality benchmark: every brief in a
// directory through the offline writer and a scripted model, written up in
// docs/quality.md. It exits 1 when a kept text is invalid or cuts a phrase,
// 2 on unusable input. `make quality` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/imaphub/imaphub/internal/domain/generation/quality"
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quality", flag.ContinueOnError)
	fs.SetOutput(stderr)
	briefs := fs.String("briefs", "internal/domain/generation/testdata/briefs", "directory of brief JSON files")
	out := fs.String("out", "docs/quality.md", "report file to write")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cases, err := quality.LoadCases(*briefs)
	if err != nil {
		fmt.Fprintln(stderr, "quality:", err)
		return 2
	}
	var all []quality.SetResult
	for _, w := range []quality.Writer{quality.Offline(), quality.Scripted()} {
		rs, err := quality.Run(ctx, w, cases)
		if err != nil {
			fmt.Fprintln(stderr, "quality:", err)
			return 2
		}
		all = append(all, rs...)
	}
	if err := os.WriteFile(*out, []byte(quality.Markdown(all, *briefs)), 0o644); err != nil {
		fmt.Fprintln(stderr, "quality:", err)
		return 2
	}
	t := quality.Sum(all)
	fmt.Fprintf(stdout, "quality: %d sets of %d briefs, %d texts: %d invalid, %d cut mid-phrase, %d with invented words, %d sets below the minimum; written to %s\n",
		t.Sets, len(cases), t.Texts, t.Invalid, t.Cuts, t.Invented, t.Sets-t.Usable, *out)
	if t.Invalid > 0 || t.Cuts > 0 {
		return 1
	}
	return 0
}
