package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/imaphub/imaphub/internal/domain/policy"
)

// stdin is where `validate --jsonl -` reads; a variable so tests can feed it.
var stdin io.Reader = os.Stdin

// runValidate is `imaphub validate --jsonl [FILE|-]`: the JSONL contract of
// DESIGN §6, implemented by policy.RunJSONL. Exit status 0 when every text is
// valid, 1 when any is not, 2 on unusable input or arguments.
func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonl := fs.Bool("jsonl", false, `required: read one request per line, {"field": "HEADLINE", "text": "…", "language": "de"}, and write one result per line`)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: imaphub validate --jsonl [FILE|-]\n\nChecks ad texts against Google Ads limits and editorial rules; reads FILE, or standard input for - or no argument.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return policy.ExitValid
		}
		return policy.ExitBadInput
	}
	if !*jsonl {
		fmt.Fprintln(stderr, "imaphub validate: --jsonl is required (the only input format)")
		return policy.ExitBadInput
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "imaphub validate: unexpected argument %q; give one FILE or -\n", fs.Arg(1))
		return policy.ExitBadInput
	}
	in := stdin
	if name := fs.Arg(0); name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "imaphub validate: %v\n", err)
			return policy.ExitBadInput
		}
		defer f.Close()
		in = f
	}
	// RunJSONL blocks on its input; main turns SIGINT into a cancelled
	// context instead of killing the process, so a run waiting on a terminal
	// must stop when the context does.
	done := make(chan int, 1)
	go func() { done <- policy.RunJSONL(in, stdout, stderr) }()
	select {
	case code := <-done:
		return code
	case <-ctx.Done():
		fmt.Fprintln(stderr, "imaphub validate: interrupted")
		return policy.ExitBadInput
	}
}
