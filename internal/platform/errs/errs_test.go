package errs

import "testing"

// A field error reads "location: message" once, however it was built.
func TestFieldErrorNamesItsLocationOnce(t *testing.T) {
	for _, e := range []*Error{
		Field("to", "is before from (2026-12-05)", "2026-12-01"),
		{Code: Invalid, Message: "is before from (2026-12-05)", Fields: []FieldError{{Location: "to", Message: "is before from (2026-12-05)"}}},
	} {
		if got := e.Error(); got != "to: is before from (2026-12-05)" {
			t.Errorf("Error() = %q", got)
		}
	}
}
