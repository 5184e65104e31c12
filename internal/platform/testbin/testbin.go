// Package testbin builds the product's binaries for tests that run them as
// processes, the way `make build` does (static, -trimpath), so that a test
// run and the build share the compiled packages in Go's build cache.
package testbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Build compiles the main package pkg (a directory or import path, as `go
// build` takes it) into a file in a temporary directory removed when the
// test ends, and returns its path.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	name := filepath.Base(pkg)
	if name == "." || name == ".." || name == string(filepath.Separator) {
		name = "main" // a directory given relative to the test's own
	}
	bin := filepath.Join(t.TempDir(), name)
	if err := BuildTo(bin, pkg); err != nil {
		t.Fatal(err)
	}
	return bin
}

// BuildTo compiles the main package pkg into bin.
func BuildTo(bin, pkg string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return &BuildError{Package: pkg, Err: err, Output: string(out)}
	}
	return nil
}

// BuildError is a failed build with the compiler's output.
type BuildError struct {
	Package string
	Err     error
	Output  string
}

func (e *BuildError) Error() string {
	return "build " + e.Package + ": " + e.Err.Error() + "\n" + e.Output
}
