package googleads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// tokenCall names the token endpoint in errors.
const tokenCall = "OAuth token"

// refreshMargin is how long before its expiry an access token is replaced,
// so that a token never expires on the way to Google. Short-lived tokens are
// replaced at half their life.
const refreshMargin = 5 * time.Minute

// tokenSource holds one access token for all callers of a Client and
// refreshes it with the refresh token: before it expires, after Google
// refused it, and one refresh at a time however many callers need it.
type tokenSource struct {
	httpClient   *http.Client
	tokenURL     string
	clientID     string
	clientSecret string
	refreshToken string
	timeout      time.Duration
	now          func() time.Time

	mu        sync.Mutex
	token     string
	renewAt   time.Time // after this, refresh before use
	inflight  *refresh  // the refresh under way, nil when none
	refreshes int       // how many refreshes were started (for tests)
}

// refresh is one call to the token endpoint that several callers may wait
// for.
type refresh struct {
	done    chan struct{}
	token   string
	renewAt time.Time
	err     error
}

// get returns a valid access token, refreshing it when needed. A caller whose
// context ends stops waiting; the refresh itself goes on for the others.
func (ts *tokenSource) get(ctx context.Context) (string, error) {
	ts.mu.Lock()
	if ts.token != "" && ts.now().Before(ts.renewAt) {
		t := ts.token
		ts.mu.Unlock()
		return t, nil
	}
	r := ts.inflight
	if r == nil {
		r = &refresh{done: make(chan struct{})}
		ts.inflight = r
		ts.refreshes++
		// Detached from the caller: others may be waiting for this refresh.
		go ts.run(context.WithoutCancel(ctx), r)
	}
	ts.mu.Unlock()
	select {
	case <-r.done:
		return r.token, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (ts *tokenSource) run(ctx context.Context, r *refresh) {
	ctx, cancel := context.WithTimeout(ctx, ts.timeout)
	defer cancel()
	r.token, r.renewAt, r.err = ts.fetch(ctx)
	ts.mu.Lock()
	if r.err == nil {
		ts.token, ts.renewAt = r.token, r.renewAt
	}
	ts.inflight = nil
	ts.mu.Unlock()
	close(r.done)
}

// invalidate drops token after Google refused it, unless another caller has
// already replaced it.
func (ts *tokenSource) invalidate(token string) {
	ts.mu.Lock()
	if ts.token == token {
		ts.token = ""
	}
	ts.mu.Unlock()
}

func (ts *tokenSource) fetch(ctx context.Context) (string, time.Time, error) {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {ts.clientID},
		"client_secret": {ts.clientSecret},
		"refresh_token": {ts.refreshToken},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("googleads: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	issued := ts.now()
	resp, err := ts.httpClient.Do(req)
	if err != nil {
		return "", time.Time{}, &NetworkError{Call: tokenCall, Host: hostOf(ts.tokenURL), Err: stripURL(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", time.Time{}, &NetworkError{Call: tokenCall, Host: hostOf(ts.tokenURL), Err: stripURL(err)}
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error            string `json:"error"`
			ErrorDescription string `json:"error_description"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return "", time.Time{}, &AuthError{HTTPStatus: resp.StatusCode, Code: e.Error, Description: truncate(e.ErrorDescription, 200)}
		}
		if resp.StatusCode >= 500 {
			return "", time.Time{}, &APIError{Call: tokenCall, HTTPStatus: resp.StatusCode, Message: plainMessage(body)}
		}
		return "", time.Time{}, &AuthError{HTTPStatus: resp.StatusCode, Code: "http_" + fmt.Sprint(resp.StatusCode), Description: plainMessage(body)}
	}
	var t struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return "", time.Time{}, errors.New("googleads: the OAuth token endpoint answered without an access token")
	}
	if t.TokenType != "" && !strings.EqualFold(t.TokenType, "Bearer") {
		return "", time.Time{}, fmt.Errorf("googleads: the OAuth token endpoint issued a %q token, want Bearer", t.TokenType)
	}
	life := time.Duration(t.ExpiresIn) * time.Second
	if life <= 0 {
		life = time.Hour // RFC 6749 makes expires_in optional; Google's last an hour
	}
	return t.AccessToken, issued.Add(life - min(refreshMargin, life/2)), nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

// stripURL keeps the cause of a transport error without its URL: the token
// endpoint's is harmless, but errors are printed as they come.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
