// Package httpapi is how business slices publish operations on the huma API:
// every operation is registered with the minimum role it requires, business
// errors become RFC 9457 problem documents that name the field, and lists
// share one cursor-pagination shape.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

func init() {
	// Without strict casing huma matches keys case-insensitively and the last
	// duplicate wins: {"text":"ok","TEXT":"<too long>"} would validate "ok"
	// and bind the other value.
	huma.ValidateStrictCasing = true
	huma.NewError = newProblem
}

// RoleExtension is the OpenAPI extension that carries an operation's minimum
// role, so clients and the role-matrix test can read it from /openapi.json.
const RoleExtension = "x-imaphub-min-role"

// metadataRole is the key of the role in huma.Operation.Metadata.
const metadataRole = "imaphub.minRole"

// DefaultMaxBodyBytes caps request bodies unless an operation says otherwise.
const DefaultMaxBodyBytes = 1 << 20

// DefaultBodyReadTimeout is how long a client may take to send a request
// body. It bounds the body only: the deadline is lifted before the handler
// runs, so a handler may take as long as its work needs.
const DefaultBodyReadTimeout = 30 * time.Second

type readDeadlineKey struct{}

// readDeadlines is the per-operation middleware that lets the handler lift
// the body's read deadline once huma has read the body.
func readDeadlines(ctx huma.Context, next func(huma.Context)) {
	next(huma.WithValue(ctx, readDeadlineKey{}, ctx.SetReadDeadline))
}

func clearReadDeadline(ctx context.Context) {
	if set, ok := ctx.Value(readDeadlineKey{}).(func(time.Time) error); ok {
		_ = set(time.Time{})
	}
}

// Registry records the minimum role of every registered operation. The server
// keeps one; the auth middleware consults it for every request.
type Registry struct {
	mu    sync.RWMutex
	roles map[string]auth.Role
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{roles: map[string]auth.Role{}} }

// Role returns the minimum role of an operation, and whether it was declared.
func (r *Registry) Role(operationID string) (auth.Role, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	role, ok := r.roles[operationID]
	return role, ok
}

// Operations lists every declared operation ID, sorted.
func (r *Registry) Operations() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.roles))
	for id := range r.roles {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func (r *Registry) add(operationID string, role auth.Role) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.roles[operationID]; dup {
		panic("httpapi: operation " + operationID + " registered twice")
	}
	r.roles[operationID] = role
}

// API is the huma API together with the role registry.
type API struct {
	huma.API
	Roles  *Registry
	Logger *slog.Logger
}

// Register adds an operation that requires at least role. The handler's
// errors are turned into problem documents: *errs.Error with its status and
// fields, anything else as a logged 500 that reveals nothing.
func Register[I, O any](api *API, role auth.Role, op huma.Operation, handler func(context.Context, *I) (*O, error)) {
	if op.OperationID == "" {
		panic("httpapi: operation without an ID: " + op.Method + " " + op.Path)
	}
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metadataRole] = role
	if op.Extensions == nil {
		op.Extensions = map[string]any{}
	}
	op.Extensions[RoleExtension] = role.String()
	if op.MaxBodyBytes == 0 {
		op.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if op.BodyReadTimeout == 0 {
		op.BodyReadTimeout = DefaultBodyReadTimeout
	}
	op.Middlewares = append(op.Middlewares, readDeadlines)
	declareSecurity(&op, role)
	op.Errors = errorStatuses(reflect.TypeFor[I](), op, role)
	api.Roles.add(op.OperationID, role)
	logger := api.Logger
	huma.Register(api.API, op, func(ctx context.Context, in *I) (*O, error) {
		// huma sets a read deadline for the body and never clears it; once it
		// passes, net/http's background read fails and cancels the request's
		// context, however long the handler legitimately needs.
		clearReadDeadline(ctx)
		out, err := handler(ctx, in)
		if err != nil {
			return nil, ToProblem(ctx, logger, op.OperationID, err)
		}
		return out, nil
	})
}

// OperationRole returns the role an operation declared when registered.
func OperationRole(op *huma.Operation) (auth.Role, bool) {
	if op == nil || op.Metadata == nil {
		return auth.Anonymous, false
	}
	r, ok := op.Metadata[metadataRole].(auth.Role)
	return r, ok
}

var statusOf = map[errs.Code]int{
	errs.Invalid:              http.StatusUnprocessableEntity,
	errs.BadRequest:           http.StatusBadRequest,
	errs.NotFound:             http.StatusNotFound,
	errs.Conflict:             http.StatusConflict,
	errs.PreconditionFailed:   http.StatusPreconditionFailed,
	errs.PreconditionRequired: http.StatusPreconditionRequired,
	errs.Unauthorized:         http.StatusUnauthorized,
	errs.Forbidden:            http.StatusForbidden,
}

// ToProblem converts a handler error into the problem document to send.
func ToProblem(ctx context.Context, logger *slog.Logger, operationID string, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return se
	}
	if e := errs.As(err); e != nil {
		status, ok := statusOf[e.Code]
		if !ok {
			status = http.StatusBadRequest
		}
		p := &Problem{Status: status, Title: http.StatusText(status), Detail: e.Message, Code: string(e.Code), Extra: e.Extra}
		for _, f := range e.Fields {
			p.Errors = append(p.Errors, &FieldDetail{Location: f.Location, Message: f.Message, Value: echoValue(f.Location, f.Value), Code: f.Code, Start: f.Start, End: f.End})
		}
		return p.capErrors()
	}
	// A client that went away may leave an error other than its own
	// cancellation (a connection cut mid-transaction): the request was
	// cancelled all the same, and the server did not fail.
	if errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled) {
		return &Problem{Status: 499, Title: "Client Closed Request", Detail: "the request was cancelled"}
	}
	if logger == nil {
		logger = slog.Default()
	}
	logger.ErrorContext(ctx, "operation failed", "operation", operationID, "err", err)
	return &Problem{Status: http.StatusInternalServerError, Title: http.StatusText(http.StatusInternalServerError), Detail: "internal error; the server log has the cause"}
}

// Security scheme names of the OpenAPI document (see server.New).
const (
	SecurityBearer  = "bearerToken"
	SecuritySession = "sessionCookie"
)

// declareSecurity says in the document how an operation authenticates: an
// API token or the session cookie, or nothing for anonymous operations
// (sign-in, the sign-in screen's configuration).
func declareSecurity(op *huma.Operation, role auth.Role) {
	if role == auth.Anonymous {
		op.Security = []map[string][]string{{}}
		return
	}
	op.Security = []map[string][]string{{SecurityBearer: {}}, {SecuritySession: {}}}
}

// errorStatuses lists the problem responses an operation can give, from what
// its input declares: 401 and 403 from its role, 404 from an id in the path,
// 400, 413 and 422 from a body, 412 from If-Match and 428 when If-Match is
// required, 409 for writes. Statuses the operation lists itself are kept
// (and replace the guess about 409). huma adds 422 and 500.
func errorStatuses(in reflect.Type, op huma.Operation, role auth.Role) []int {
	out := slices.Clone(op.Errors)
	add := func(codes ...int) {
		for _, c := range codes {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	own := len(out) > 0
	if role != auth.Anonymous {
		add(http.StatusUnauthorized)
		if role > auth.Viewer {
			add(http.StatusForbidden)
		}
	}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for f := range t.Fields() {
			switch {
			case f.Anonymous && f.Type.Kind() == reflect.Struct:
				walk(f.Type)
			case f.Name == "Body" || f.Name == "RawBody":
				add(http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity)
			case f.Tag.Get("path") != "":
				add(http.StatusNotFound)
			case f.Tag.Get("query") != "":
				add(http.StatusUnprocessableEntity)
			case strings.EqualFold(f.Tag.Get("header"), "If-Match"):
				add(http.StatusPreconditionFailed)
				if f.Tag.Get("required") == "true" {
					add(http.StatusPreconditionRequired)
				}
			}
		}
	}
	if in.Kind() == reflect.Struct {
		walk(in)
	}
	if !own && op.Method != http.MethodGet && op.Method != http.MethodHead {
		add(http.StatusConflict)
	}
	slices.Sort(out)
	return out
}
