package server

import (
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// docsPage renders the API reference from the OpenAPI document on the server,
// so it works on a machine with no internet access (huma's default page loads
// its renderer from a CDN).
func (s *Server) docsPage(w http.ResponseWriter, r *http.Request) {
	type param struct {
		Name, In, Type, Doc string
		Required            bool
	}
	type op struct {
		Method, Path, ID, Summary, Description, Role string
		Params                                       []param
		Body                                         string
	}
	groups := map[string][]op{}
	oapi := s.API.OpenAPI()
	for path, item := range oapi.Paths {
		for method, o := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put, "PATCH": item.Patch, "DELETE": item.Delete} {
			if o == nil {
				continue
			}
			role, _ := o.Extensions[httpapi.RoleExtension].(string)
			x := op{Method: method, Path: path, ID: o.OperationID, Summary: o.Summary, Description: o.Description, Role: role}
			for _, p := range o.Parameters {
				t := ""
				if p.Schema != nil {
					t = p.Schema.Type
					if len(p.Schema.Enum) > 0 {
						var e []string
						for _, v := range p.Schema.Enum {
							e = append(e, strings.TrimSpace(strings.Trim(strings.ReplaceAll(toString(v), "\n", " "), `"`)))
						}
						t += " (" + strings.Join(e, ", ") + ")"
					}
				}
				x.Params = append(x.Params, param{Name: p.Name, In: p.In, Type: t, Doc: p.Description, Required: p.Required})
			}
			if o.RequestBody != nil {
				for ct, mt := range o.RequestBody.Content {
					x.Body = ct
					if mt.Schema != nil && mt.Schema.Ref != "" {
						x.Body += ": " + strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
					}
				}
			}
			tag := "other"
			if len(o.Tags) > 0 {
				tag = o.Tags[0]
			}
			groups[tag] = append(groups[tag], x)
		}
	}
	type group struct {
		Tag string
		Ops []op
	}
	var data struct {
		Title, Version string
		Groups         []group
	}
	data.Title, data.Version = oapi.Info.Title, oapi.Info.Version
	for tag, ops := range groups {
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return ops[i].Method < ops[j].Method
		})
		data.Groups = append(data.Groups, group{tag, ops})
	}
	sort.Slice(data.Groups, func(i, j int) bool { return data.Groups[i].Tag < data.Groups[j].Tag })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	if err := docsTemplate.Execute(w, data); err != nil {
		s.cfg.Logger.Error("render docs", "err", err)
	}
}

func toString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

var docsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} {{.Version}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 2rem;color:#1a1a1a}
h2{margin-top:2rem;border-bottom:1px solid #ccc;text-transform:capitalize}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}
summary{cursor:pointer}
.m{display:inline-block;min-width:4.5rem;font-weight:700;font-family:monospace}
.GET{color:#0b5394}.POST{color:#1e7b34}.PATCH{color:#8a5a00}.PUT{color:#8a5a00}.DELETE{color:#a61c00}
code{background:#f3f3f3;padding:0 .25rem;border-radius:3px}
.role{float:right;font-size:.85em;color:#555}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}
</style></head><body>
<h1>{{.Title}} <small>{{.Version}}</small></h1>
<p>The machine-readable contract is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1; also <a href="/openapi.yaml">YAML</a>).
Errors are RFC 9457 problem documents (<code>application/problem+json</code>) whose <code>errors[]</code> name each field.
Each operation shows the minimum role it requires.</p>
{{range .Groups}}<h2>{{.Tag}}</h2>
{{range .Ops}}<details><summary><span class="m {{.Method}}">{{.Method}}</span> <code>{{.Path}}</code> — {{.Summary}} <span class="role">role: {{.Role}}</span></summary>
<p>Operation <code>{{.ID}}</code>. {{.Description}}</p>
{{if .Params}}<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code></td><td>{{.In}}</td><td>{{.Type}}</td><td>{{if .Required}}yes{{end}}</td><td>{{.Doc}}</td></tr>{{end}}</table>{{end}}
{{if .Body}}<p>Request body: <code>{{.Body}}</code> (schema in /openapi.json)</p>{{end}}
</details>{{end}}{{end}}
</body></html>
`))
