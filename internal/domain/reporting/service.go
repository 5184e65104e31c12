package reporting

import (
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Service imports report rows and answers every question about them.
type Service struct {
	db  *db.DB
	now func() time.Time
}

// NewService returns the reporting service on d.
func NewService(d *db.DB) *Service {
	return &Service{db: d, now: func() time.Time { return time.Now().UTC() }}
}

func errFact(location, message string, value any) error {
	return errs.Field(location, message, value)
}
