// Package aitest is a scripted stand-in for an OpenAI-compatible model
// server. It speaks the chat-completions protocol over real HTTP, records
// every request, and answers from a Responder: a fixed script, a generic
// filler, or any function. Token usage is counted honestly from sizes
// (prompt = request body bytes / 4, completion = answer bytes / 4), so a
// client that sends more history pays for it. Unit tests use NewServer; the
// command in cmd/scripted-llm serves the same handler for browser tests.
package aitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Message is one chat message of a recorded request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is one chat-completions request as the server received it.
type Request struct {
	Header              http.Header
	Body                []byte
	Model               string
	Messages            []Message
	ResponseFormat      json.RawMessage // as sent, null when absent
	Tools               json.RawMessage // as sent, null when absent
	MaxCompletionTokens int
}

// Field is one array property the request asks for.
type Field struct {
	Name  string
	Count int // from "Exactly N items." in its description; 0 when not stated
	Limit int // from "at most N characters" in its description; 0 when not stated
}

// Schema returns the JSON schema the client asked the answer to follow:
// from response_format json_schema, from the tool parameters, or from the
// prompt text in the prompt-based modes. It is nil when there is none.
func (r Request) Schema() json.RawMessage {
	var rf struct {
		JSONSchema struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	}
	if json.Unmarshal(r.ResponseFormat, &rf) == nil && len(rf.JSONSchema.Schema) > 0 {
		return rf.JSONSchema.Schema
	}
	var tools []struct {
		Function struct {
			Parameters json.RawMessage `json:"parameters"`
		} `json:"function"`
	}
	if json.Unmarshal(r.Tools, &tools) == nil && len(tools) > 0 {
		return tools[0].Function.Parameters
	}
	for _, m := range r.Messages {
		if _, after, ok := strings.Cut(m.Content, "JSON schema:\n"); ok {
			dec := json.NewDecoder(strings.NewReader(after))
			var raw json.RawMessage
			if dec.Decode(&raw) == nil {
				return raw
			}
		}
	}
	return nil
}

var (
	countRe = regexp.MustCompile(`Exactly (\d+) item`)
	limitRe = regexp.MustCompile(`at most (\d+) char`)
)

// Fields lists the array properties of the requested schema in order, with
// the counts and limits stated in their descriptions.
func (r Request) Fields() []Field {
	schema := r.Schema()
	if schema == nil {
		return nil
	}
	var top struct {
		Properties json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(schema, &top) != nil || len(top.Properties) == 0 {
		return nil
	}
	// Decode token by token: the property order is the order asked for.
	dec := json.NewDecoder(bytes.NewReader(top.Properties))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	var out []Field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		var prop struct {
			Type        any    `json:"type"`
			Description string `json:"description"`
		}
		if err := dec.Decode(&prop); err != nil {
			return out
		}
		if prop.Type != "array" {
			continue
		}
		f := Field{Name: fmt.Sprint(tok)}
		if m := countRe.FindStringSubmatch(prop.Description); m != nil {
			f.Count, _ = strconv.Atoi(m[1])
		}
		if m := limitRe.FindStringSubmatch(prop.Description); m != nil {
			f.Limit, _ = strconv.Atoi(m[1])
		}
		out = append(out, f)
	}
	return out
}

// Reply is one scripted answer. Besides good answers it plays the hostile
// counterparts a client must survive: rate limits with long waits, error
// bodies of any shape, and a model that answers late or never.
type Reply struct {
	Status       int    // HTTP status; 0 means 200
	RetryAfter   string // Retry-After header value (seconds or an HTTP date), for error statuses
	RetryAfterMs string // retry-after-ms header value (LiteLLM, Azure), for error statuses
	// Content is the answer text (tool-call arguments when the request used
	// tools), or for an error status the message of an OpenAI-style error
	// body {"error":{"message","type"}}.
	Content      string
	ErrorType    string // the error body's type, e.g. invalid_request_error; default the status text
	ErrorBody    string // for an error status: this body verbatim instead (a proxy's text, {"error":"…"})
	FinishReason string // default "stop" ("tool_calls" when answering a tool request)
	Refusal      string
	Cost         string // x-litellm-response-cost header value, when set
	DelayMS      int    // answer only after this many milliseconds (or when the client gives up)
	Hang         bool   // never answer: hold the request until the client gives up
}

// Responder decides the answer to a request.
type Responder interface {
	Respond(Request) Reply
}

// ResponderFunc adapts a function to Responder.
type ResponderFunc func(Request) Reply

func (f ResponderFunc) Respond(r Request) Reply { return f(r) }

// Script answers with the replies in order. A request beyond the script is
// answered 500 "script exhausted", which a test sees as a failure.
func Script(replies ...Reply) Responder {
	var mu sync.Mutex
	next := 0
	return ResponderFunc(func(Request) Reply {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(replies) {
			return Reply{Status: http.StatusInternalServerError, Content: "script exhausted"}
		}
		next++
		return replies[next-1]
	})
}

// Fill answers every request with all requested array fields filled, each
// with its stated count of items (one when unstated) made by item. n counts the items of that field across the server's
// lifetime, so repeated requests get new items.
func Fill(item func(field string, n int) string) Responder {
	var mu sync.Mutex
	seen := map[string]int{}
	return ResponderFunc(func(r Request) Reply {
		mu.Lock()
		defer mu.Unlock()
		answer := map[string]any{}
		for _, f := range r.Fields() {
			items := make([]string, max(f.Count, 1))
			for i := range items {
				items[i] = item(f.Name, seen[f.Name])
				seen[f.Name]++
			}
			answer[f.Name] = items
		}
		raw, _ := json.Marshal(answer)
		return Reply{Content: string(raw)}
	})
}

// JSON marshals v for use as Reply.Content; it panics on values that cannot
// be encoded, which in a script is a bug in the test.
func JSON(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

// Handler serves the chat-completions protocol from a Responder.
type Handler struct {
	responder Responder
	mu        sync.Mutex
	requests  []Request
	id        int
}

// NewHandler returns a handler for POST …/chat/completions and GET …/models.
func NewHandler(r Responder) *Handler { return &Handler{responder: r} }

// Requests returns a copy of the requests received so far.
func (h *Handler) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Request(nil), h.requests...)
}

func tokens(n int) int { return (n + 3) / 4 }

func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch {
	case req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/models"):
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"object":"list","data":[{"id":"scripted","object":"model","created":0,"owned_by":"aitest"}]}`)
		return
	case req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/chat/completions"):
		writeError(w, http.StatusNotFound, "not_found", "not found: "+req.Method+" "+req.URL.Path)
		return
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
		return
	}
	var in struct {
		Model               string          `json:"model"`
		Messages            []Message       `json:"messages"`
		ResponseFormat      json.RawMessage `json:"response_format"`
		Tools               json.RawMessage `json:"tools"`
		MaxCompletionTokens int             `json:"max_completion_tokens"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid request body: "+err.Error())
		return
	}
	r := Request{
		Header: req.Header.Clone(), Body: body, Model: in.Model, Messages: in.Messages,
		ResponseFormat: in.ResponseFormat, Tools: in.Tools, MaxCompletionTokens: in.MaxCompletionTokens,
	}
	h.mu.Lock()
	h.requests = append(h.requests, r)
	h.id++
	id := h.id
	h.mu.Unlock()

	reply := h.responder.Respond(r)
	switch {
	case reply.Hang:
		<-req.Context().Done()
		return
	case reply.DelayMS > 0:
		t := time.NewTimer(time.Duration(reply.DelayMS) * time.Millisecond)
		defer t.Stop()
		select {
		case <-req.Context().Done():
			return
		case <-t.C:
		}
	}
	if reply.Status != 0 && reply.Status != http.StatusOK {
		if reply.RetryAfter != "" {
			w.Header().Set("Retry-After", reply.RetryAfter)
		}
		if reply.RetryAfterMs != "" {
			w.Header().Set("retry-after-ms", reply.RetryAfterMs)
		}
		if reply.ErrorBody != "" {
			w.WriteHeader(reply.Status)
			_, _ = io.WriteString(w, reply.ErrorBody)
			return
		}
		typ := reply.ErrorType
		if typ == "" {
			typ = http.StatusText(reply.Status)
		}
		writeError(w, reply.Status, typ, reply.Content)
		return
	}
	usesTools := len(in.Tools) > 0 && string(in.Tools) != "null"
	finish := reply.FinishReason
	if finish == "" {
		finish = "stop"
		if usesTools {
			finish = "tool_calls"
		}
	}
	msg := map[string]any{"role": "assistant", "content": reply.Content, "refusal": nil}
	if reply.Refusal != "" {
		msg["content"], msg["refusal"] = nil, reply.Refusal
	}
	if usesTools && reply.Refusal == "" {
		var tools []struct {
			Function struct {
				Name string `json:"name"`
			} `json:"function"`
		}
		_ = json.Unmarshal(in.Tools, &tools)
		name := ""
		if len(tools) > 0 {
			name = tools[0].Function.Name
		}
		msg["content"] = nil
		msg["tool_calls"] = []any{map[string]any{
			"id": fmt.Sprintf("call_%d", id), "type": "function",
			"function": map[string]any{"name": name, "arguments": reply.Content},
		}}
	}
	prompt, completion := tokens(len(body)), tokens(len(reply.Content)+len(reply.Refusal))
	out := map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", id), "object": "chat.completion",
		"created": time.Now().Unix(), "model": in.Model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish, "logprobs": nil}},
		"usage":   map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
	}
	if reply.Cost != "" {
		w.Header().Set("x-litellm-response-cost", reply.Cost)
	}
	w.Header().Set("x-litellm-call-id", fmt.Sprintf("scripted-%d", id))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "param": nil, "code": nil,
	}})
}

// Server is a Handler on a local httptest server.
type Server struct {
	*Handler
	HTTP *httptest.Server
	// URL is the base URL to configure a client with (ends in /v1).
	URL string
}

// NewServer starts a scripted server on a random local port.
func NewServer(r Responder) *Server {
	h := NewHandler(r)
	s := httptest.NewServer(h)
	return &Server{Handler: h, HTTP: s, URL: s.URL + "/v1"}
}

// Close stops the server.
func (s *Server) Close() { s.HTTP.Close() }
