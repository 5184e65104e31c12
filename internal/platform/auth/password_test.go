package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	fast := Argon2Params{Time: 1, MemoryK: 1024, Threads: 1}
	h, err := HashPassword("korrekt pferd batterie", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") || strings.Contains(h, "pferd") {
		t.Fatalf("hash = %q", h)
	}
	if ok, err := VerifyPassword("korrekt pferd batterie", h); !ok || err != nil {
		t.Fatalf("right password refused: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword("korrekt pferd batteriE", h); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("korrekt pferd batterie", fast)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AA"} {
		if _, err := VerifyPassword("x", bad); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

// BenchmarkHashPassword reports the cost of one argon2id hash with the
// production parameters (the target is 50–100 ms on this machine).
func BenchmarkHashPassword(b *testing.B) {
	var total time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		if _, err := HashPassword("a reasonably long password", DefaultArgon2); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		n++
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(n), "ms/hash")
}
