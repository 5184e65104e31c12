package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/imaphub/imaphub/internal/domain/publishing"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

const exportHelp = `Usage: imaphub export --campaign ID --format editor -o FILE

Writes the campaign as a Google Ads Editor file (UTF-16LE with a byte-order
mark, tab-separated, the standard English column headers): a row for the
campaign, each location, ad group, keyword, responsive search ad and
Performance Max asset group. Cells starting with = + - @ are prefixed with '
so a spreadsheet shows them as text. -o - writes to standard output.

Exit status: 0 written; 1 the campaign cannot be read or the file written;
2 bad usage.`

const importHelp = `Usage: imaphub import --format editor [--name NAME] [--currency EUR] FILE

Reads a Google Ads Editor file (UTF-16 with a byte-order mark or UTF-8, tab-
or comma-separated) into a new draft campaign; an existing campaign is never
changed. Every text is checked as any edit is. A file with any error is
refused as a whole and nothing is stored; the report lists every problem by
row and column ("row 7: Headline 3: …"), warnings included. FILE - reads
standard input.

Exit status: 0 imported; 1 refused (the report says why) or an error; 2 bad
usage.`

// runExport is `imaphub export`.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	campaign := fs.Int64("campaign", 0, "the campaign's id (required)")
	format := fs.String("format", "", "the file format: editor (required)")
	out := fs.String("o", "", "the file to write, - for standard output (required)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), exportHelp+"\n\nFlags:")
		fs.PrintDefaults()
	}
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "imaphub export: "+format+"\n", a...)
		return code
	}
	switch {
	case *campaign <= 0:
		return fail(2, "--campaign: give the campaign's id")
	case *format != "editor":
		return fail(2, "--format %q: the one format is editor (Google Ads Editor)", *format)
	case *out == "":
		return fail(2, "-o: give the file to write, or - for standard output")
	}
	a, err := openApp(ctx)
	if err != nil {
		return fail(1, "%v", err)
	}
	defer a.DB.Close()
	body, name, err := a.Editor.ExportEditor(ctx, *campaign)
	if err != nil {
		return fail(1, "%s", problemText(err))
	}
	if *out == "-" {
		if _, err := stdout.Write(body); err != nil {
			return fail(1, "%v", err)
		}
		return 0
	}
	if err := writeFileAtomic(*out, body); err != nil {
		return fail(1, "%v", err)
	}
	fmt.Fprintf(stderr, "Campaign %d written to %s (%d bytes; Google Ads Editor would name it %s).\n", *campaign, *out, len(body), name)
	return 0
}

// writeFileAtomic writes through a temporary file in the same directory, so
// a failed export leaves no half file under the name asked for.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".imaphub-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// runImport is `imaphub import`.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	format := fs.String("format", "", "the file format: editor (required)")
	name := fs.String("name", "", "the new campaign's name (default: the file's)")
	currency := fs.String("currency", "", "the account's currency, e.g. EUR (the default)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), importHelp+"\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "imaphub import: "+format+"\n", a...)
		return code
	}
	if *format != "editor" {
		return fail(2, "--format %q: the one format is editor (Google Ads Editor)", *format)
	}
	if fs.NArg() != 1 {
		return fail(2, "give one file to import (or - for standard input)")
	}
	var data []byte
	var err error
	if path := fs.Arg(0); path == "-" {
		data, err = io.ReadAll(io.LimitReader(os.Stdin, publishing.MaxEditorFileBytes+1))
	} else {
		data, err = readLimited(path, publishing.MaxEditorFileBytes+1)
	}
	if err != nil {
		return fail(1, "%v", err)
	}
	a, err := openApp(ctx)
	if err != nil {
		return fail(1, "%v", err)
	}
	defer a.DB.Close()
	rep, err := a.Editor.ImportEditor(ctx, data, publishing.ImportOptions{Name: *name, Currency: *currency})
	if e := errs.As(err); e != nil {
		if r, ok := e.Extra["report"].(publishing.ImportReport); ok {
			rep, err = r, nil
		}
	}
	if err != nil {
		return fail(1, "%s", problemText(err))
	}
	for _, line := range rep.Lines() {
		fmt.Fprintln(stdout, line)
	}
	if !rep.Imported {
		fmt.Fprintf(stdout, "Refused: %d errors, %d warnings in %d rows; nothing was imported.\n", rep.Errors, rep.Warnings, len(rep.Rows))
		return 1
	}
	fmt.Fprintf(stdout, "Imported as draft campaign %d (%d rows, %d warnings).\n", rep.CampaignID, len(rep.Rows), rep.Warnings)
	return 0
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
