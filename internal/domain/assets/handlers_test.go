package assets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/server"
)

// api is a real HTTP server with the asset operations on a real database.
type api struct {
	*fixture
	url string
}

func setupAPI(t *testing.T, d *db.DB) (*api, *server.Server) {
	f := setup(t, d)
	srv := server.New(server.Config{})
	RegisterRoutes(srv.API, f.s)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &api{fixture: f, url: hs.URL}, srv
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// problem returns the first error location and the extension members.
func (r reply) problem(t testing.TB) (location string, doc map[string]any) {
	t.Helper()
	r.json(t, &doc)
	if errs, _ := doc["errors"].([]any); len(errs) > 0 {
		location, _ = errs[0].(map[string]any)["location"].(string)
	}
	return location, doc
}

func (a *api) do(method, path, contentType string, body []byte, header ...string) reply {
	a.t.Helper()
	req, err := http.NewRequest(method, a.url+path, bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (a *api) send(method, path, body string, header ...string) reply {
	a.t.Helper()
	return a.do(method, path, "application/json", []byte(body), header...)
}

func (a *api) upload(name string, data []byte, partType string) reply {
	a.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="upload.bin"`)
	h.Set("Content-Type", partType)
	part, _ := w.CreatePart(h)
	part.Write(data)
	if name != "" {
		w.WriteField("name", name)
	}
	w.Close()
	return a.do(http.MethodPost, "/api/assets/images", w.FormDataContentType(), b.Bytes())
}

func TestTextAssetOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		a, _ := setupAPI(t, d)
		r := a.send("POST", "/api/assets", `{"text":"Laufschuhe  im Test","language":"de","provenance":{"source":"llm","model":"gpt","prompt_version":"v3","attempts":2,"verdict":"valid"}}`)
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var created Asset
		r.json(t, &created)
		if r.header.Get("Location") != fmt.Sprintf("/api/assets/%d", created.ID) || r.header.Get("ETag") != `"1"` {
			t.Fatalf("headers %v", r.header)
		}
		r = a.send("POST", "/api/assets", `{"text":" Laufschuhe im\tTest "}`)
		var again Asset
		r.json(t, &again)
		if r.status != http.StatusOK || again.ID != created.ID || again.Provenance.Model != "gpt" {
			t.Fatalf("second create: %d %s", r.status, r.body)
		}

		// Strict casing: a second key differing only in case must not smuggle a value in.
		r = a.send("POST", "/api/assets", `{"text":"ok","TEXT":"something else"}`)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("case-duplicate key: %d %s", r.status, r.body)
		}
		r = a.send("POST", "/api/assets", `{"text":"x","provenance":{"source":"oracle"}}`)
		if loc, _ := r.problem(t); r.status != http.StatusUnprocessableEntity || loc != "body.provenance.source" {
			t.Fatalf("bad source: %d %s", r.status, r.body)
		}

		path := fmt.Sprintf("/api/assets/%d", created.ID)
		// Content is the identity: PATCH cannot change it.
		if r = a.send("PATCH", path, `{"text":"changed"}`); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("patch text: %d %s", r.status, r.body)
		}
		r = a.send("PATCH", path, `{"name":"Hero","append_edits":[{"by":"ann","note":"renamed"}]}`, "If-Match", `"1"`)
		var patched Asset
		r.json(t, &patched)
		if r.status != http.StatusOK || patched.Name != "Hero" || patched.Version != 2 || r.header.Get("ETag") != `"2"` || len(patched.Provenance.Edits) != 1 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		r = a.send("PATCH", path, `{"name":"Stale"}`, "If-Match", `"1"`)
		if loc, doc := r.problem(t); r.status != http.StatusPreconditionFailed || loc != "header.If-Match" || doc["current_etag"] != `"2"` {
			t.Fatalf("stale patch: %d %s", r.status, r.body)
		}
		if r = a.send("GET", path, ""); r.status != http.StatusOK || r.header.Get("ETag") != `"2"` {
			t.Fatalf("get: %d %v", r.status, r.header)
		}
		r = a.do("GET", path+"/content", "", nil)
		if r.status != http.StatusOK || string(r.body) != "Laufschuhe im Test" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("text content: %d %q %v", r.status, r.body, r.header)
		}
		if r = a.send("GET", "/api/assets/999999", ""); r.status != http.StatusNotFound {
			t.Fatalf("unknown: %d", r.status)
		}
	})
}

func TestImageUploadOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		a, _ := setupAPI(t, d)
		data := pngBytes(t, 64, 32, 5)
		r := a.upload("Banner", data, "image/png")
		if r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		var img Asset
		r.json(t, &img)
		if img.Name != "Banner" || *img.Width != 64 || *img.Height != 32 || *img.MimeType != "image/png" {
			t.Fatalf("image %s", r.body)
		}
		// The declared part type does not matter: the bytes decide.
		r = a.upload("", data, "application/octet-stream")
		var again Asset
		r.json(t, &again)
		if r.status != http.StatusOK || again.ID != img.ID {
			t.Fatalf("re-upload: %d %s", r.status, r.body)
		}
		r = a.upload("", []byte("%PDF-1.7 not an image"), "image/png")
		if loc, _ := r.problem(t); r.status != http.StatusUnprocessableEntity || loc != "body.file" {
			t.Fatalf("non-image: %d %s", r.status, r.body)
		}
		if r = a.upload("", make([]byte, uploadLimit+1), "image/png"); r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized: %d %s", r.status, r.body)
		}

		content := fmt.Sprintf("/api/assets/%d/content", img.ID)
		r = a.do("GET", content, "", nil)
		if r.status != http.StatusOK || !bytes.Equal(r.body, data) || r.header.Get("Content-Type") != "image/png" ||
			r.header.Get("ETag") != `"`+img.ContentHash+`"` || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
			t.Fatalf("content: %d %v (%d bytes)", r.status, r.header, len(r.body))
		}
		r = a.do("GET", content, "", nil, "If-None-Match", `"`+img.ContentHash+`"`)
		if r.status != http.StatusNotModified || len(r.body) != 0 {
			t.Fatalf("conditional get: %d (%d bytes)", r.status, len(r.body))
		}
	})
}

func TestListOverHTTPWalksWithCursor(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		a, _ := setupAPI(t, d)
		want := map[int64]bool{}
		for i := range 7 {
			want[a.text(fmt.Sprintf("Text %d", i)).ID] = true
		}
		for _, sort := range []string{"created", "-created", "text", "-text"} {
			seen := map[int64]bool{}
			cursor := ""
			for range 10 {
				r := a.send("GET", "/api/assets?limit=3&sort="+sort+"&cursor="+cursor, "")
				var page struct {
					Items      []Asset
					NextCursor string `json:"next_cursor"`
				}
				r.json(t, &page)
				if r.status != http.StatusOK {
					t.Fatalf("%s: %d %s", sort, r.status, r.body)
				}
				for _, it := range page.Items {
					if seen[it.ID] {
						t.Fatalf("%s: %d twice", sort, it.ID)
					}
					seen[it.ID] = true
				}
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			if len(seen) != len(want) {
				t.Fatalf("%s: saw %d of %d", sort, len(seen), len(want))
			}
		}
		// A cursor of one sort is refused for another.
		r := a.send("GET", "/api/assets?limit=3&sort=text", "")
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		r.json(t, &page)
		r = a.send("GET", "/api/assets?sort=created&cursor="+page.NextCursor, "")
		if loc, _ := r.problem(t); r.status != http.StatusUnprocessableEntity || loc != "query.cursor" {
			t.Fatalf("cursor of another sort: %d %s", r.status, r.body)
		}
		if r = a.send("GET", "/api/assets?sort=name", ""); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown sort: %d", r.status)
		}
	})
}

func TestOperationsDeclareRoles(t *testing.T) {
	srv := server.New(server.Config{})
	RegisterRoutes(srv.API, NewService(nil, t.TempDir()))
	want := map[string]auth.Role{
		"create-text-asset": auth.Editor, "upload-image-asset": auth.Editor, "update-asset": auth.Editor, "delete-asset": auth.Editor,
		"list-assets": auth.Viewer, "get-asset": auth.Viewer, "get-asset-content": auth.Viewer, "get-asset-usage": auth.Viewer,
		"list-campaign-assets": auth.Viewer, "list-asset-usage-campaigns": auth.Viewer, "list-asset-usage-ad-groups": auth.Viewer,
		"list-asset-usage-ads": auth.Viewer, "list-asset-usage-asset-groups": auth.Viewer, "list-asset-usage-keywords": auth.Viewer,
	}
	ops := srv.API.Roles.Operations()
	if len(ops) != len(want) {
		t.Fatalf("registered %v, want %d operations", ops, len(want))
	}
	for id, role := range want {
		if got, ok := srv.API.Roles.Role(id); !ok || got != role {
			t.Errorf("%s: role %v (declared %v), want %v", id, got, ok, role)
		}
	}
}
