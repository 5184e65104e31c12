package main

import (
	"bytes"
	"context"
	"testing"
)

// `imaphub version` prints the version set at build time (make release and
// the image pass -X main.version=…; scripts/image-check.sh checks that path
// on the built image).
func TestVersionCommandPrintsTheBuildVersion(t *testing.T) {
	defer func(v string) { version = v }(version)
	version = "v1.2.3-test"
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := stdout.String(); got != "imaphub v1.2.3-test\n" {
		t.Errorf("version prints %q", got)
	}
}
