package aitest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
)

func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url+"/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("answer is not JSON: %s", raw)
	}
	return resp.StatusCode, out
}

func TestScriptPlaysInOrderThenFails(t *testing.T) {
	srv := aitest.NewServer(aitest.Script(aitest.Reply{Content: `{"a":["x"]}`}))
	defer srv.Close()
	body := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	status, out := post(t, srv.URL, body)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	usage := out["usage"].(map[string]any)
	// Honest counting: the prompt costs its size, bytes/4 rounded up.
	if usage["prompt_tokens"].(float64) != float64((len(body)+3)/4) || usage["completion_tokens"].(float64) != 3 {
		t.Errorf("usage %v", usage)
	}
	if status, _ := post(t, srv.URL, body); status != http.StatusInternalServerError {
		t.Errorf("beyond the script: status %d, want 500", status)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("recorded %d requests", n)
	}
}

func TestFillAnswersToolRequestsWithAToolCall(t *testing.T) {
	srv := aitest.NewServer(aitest.Fill(func(field string, n int) string { return field + "-" + string(rune('a'+n)) }))
	defer srv.Close()
	body := `{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"submit","parameters":` +
		`{"type":"object","properties":{"tags":{"type":"array","description":"Exactly 2 items.","items":{"type":"string"}}}}}}]}`
	_, out := post(t, srv.URL, body)
	choice := out["choices"].([]any)[0].(map[string]any)
	call := choice["message"].(map[string]any)["tool_calls"].([]any)[0].(map[string]any)["function"].(map[string]any)
	if call["name"] != "submit" || call["arguments"] != `{"tags":["tags-a","tags-b"]}` || choice["finish_reason"] != "tool_calls" {
		t.Errorf("tool call %v, finish %v", call, choice["finish_reason"])
	}
}
