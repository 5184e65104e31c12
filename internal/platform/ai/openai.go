package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// OpenAI is a Provider for any server that speaks the OpenAI chat-completions
// protocol: OpenAI, Azure OpenAI (v1 API), a LiteLLM proxy, Ollama, vLLM.
type OpenAI struct {
	client      openai.Client
	model       string
	mode        Mode
	callTimeout time.Duration
	apiKey      string // only to keep it out of error messages
}

// NewOpenAI builds the provider. The SDK's own retries are switched off:
// the loop owns the retry policy so that it is the same for every provider,
// bounded by the run's deadline, and visible in events and reports.
func NewOpenAI(c Config, opts ...option.RequestOption) *OpenAI {
	base := []option.RequestOption{option.WithMaxRetries(0)}
	if c.BaseURL != "" {
		base = append(base, option.WithBaseURL(c.BaseURL))
	}
	// Local servers (Ollama, vLLM) need no key; the SDK still wants one.
	key := c.APIKey
	if key == "" {
		key = "none"
	}
	base = append(base, option.WithAPIKey(key))
	if u, err := url.Parse(c.BaseURL); err == nil && (strings.HasSuffix(u.Hostname(), ".openai.azure.com") || strings.HasSuffix(u.Hostname(), ".cognitiveservices.azure.com")) {
		// Azure authenticates API keys by this header, not by Bearer.
		base = append(base, option.WithHeader("api-key", key))
	}
	mode := c.Mode
	if mode == "" {
		mode = ModeJSONSchema
	}
	timeout := c.CallTimeout
	if timeout <= 0 {
		timeout = DefaultCallTimeout
	}
	return &OpenAI{
		client:      openai.NewClient(append(base, opts...)...),
		model:       c.Model,
		mode:        mode,
		callTimeout: timeout,
		apiKey:      c.APIKey,
	}
}

func (o *OpenAI) Name() string  { return "openai" }
func (o *OpenAI) Model() string { return o.model }

// Complete sends one chat completion and returns the structured answer.
func (o *OpenAI) Complete(ctx context.Context, call Call) (Reply, error) {
	schemaJSON, err := json.Marshal(call.Schema)
	if err != nil {
		return Reply{}, fmt.Errorf("encode schema: %w", err)
	}
	params := openai.ChatCompletionNewParams{Model: o.model}
	if call.MaxTokens > 0 {
		params.MaxCompletionTokens = openai.Int(int64(call.MaxTokens))
	}
	msgs := call.Messages
	switch o.mode {
	case ModeJSONSchema:
		params.ResponseFormat.OfJSONSchema = &shared.ResponseFormatJSONSchemaParam{
			JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
				Name:   call.SchemaName,
				Strict: openai.Bool(true),
				Schema: json.RawMessage(schemaJSON),
			},
		}
	case ModeTools:
		var fn shared.FunctionParameters
		if err := json.Unmarshal(schemaJSON, &fn); err != nil {
			return Reply{}, fmt.Errorf("encode tool parameters: %w", err)
		}
		// Keep the property order the model should write in.
		var props struct {
			Properties json.RawMessage `json:"properties"`
		}
		_ = json.Unmarshal(schemaJSON, &props)
		fn["properties"] = props.Properties
		params.Tools = []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name:        call.SchemaName,
			Description: openai.String("Submit the answer."),
			Strict:      openai.Bool(true),
			Parameters:  fn,
		})}
		params.ToolChoice = openai.ToolChoiceOptionFunctionToolChoice(openai.ChatCompletionNamedToolChoiceFunctionParam{Name: call.SchemaName})
	case ModeJSON, ModePrompt:
		msgs = withSchemaPrompt(msgs, schemaJSON)
		if o.mode == ModeJSON {
			params.ResponseFormat.OfJSONObject = &shared.ResponseFormatJSONObjectParam{}
		}
	default:
		return Reply{}, fmt.Errorf("unknown mode %q", o.mode)
	}
	for _, m := range msgs {
		if m.Role == RoleSystem {
			params.Messages = append(params.Messages, openai.SystemMessage(m.Content))
		} else {
			params.Messages = append(params.Messages, openai.UserMessage(m.Content))
		}
	}

	var httpResp *http.Response
	callCtx, cancel := context.WithTimeout(ctx, o.callTimeout)
	defer cancel()
	resp, err := o.client.Chat.Completions.New(callCtx, params, option.WithResponseInto(&httpResp))
	if err != nil {
		if ctx.Err() == nil && callCtx.Err() != nil {
			// Our own per-call limit, not the run's: the model hangs or is
			// overloaded, which another try may not be.
			return Reply{}, &TransportError{Retryable: true, Err: fmt.Errorf("no answer within %s (IMAPHUB_LLM_CALL_TIMEOUT)", o.callTimeout)}
		}
		return Reply{}, o.classify(err, httpResp)
	}
	if len(resp.Choices) == 0 {
		return Reply{}, &TransportError{StatusCode: http.StatusOK, Retryable: true, Err: errors.New("answer has no choices")}
	}
	choice := resp.Choices[0]
	reply := Reply{
		Content:      choice.Message.Content,
		FinishReason: choice.FinishReason,
		Refusal:      choice.Message.Refusal,
		Usage: Usage{
			PromptTokens:     int(resp.Usage.PromptTokens),
			CompletionTokens: int(resp.Usage.CompletionTokens),
		},
		CallID: resp.ID,
	}
	if len(choice.Message.ToolCalls) > 0 {
		reply.Content = choice.Message.ToolCalls[0].Function.Arguments
	}
	if reply.FinishReason == "tool_calls" {
		reply.FinishReason = "stop"
	}
	if httpResp != nil {
		if id := httpResp.Header.Get("x-litellm-call-id"); id != "" {
			reply.CallID = id
		}
		if cost, err := strconv.ParseFloat(httpResp.Header.Get("x-litellm-response-cost"), 64); err == nil {
			reply.Usage.CostUSD, reply.Usage.CostReported = cost, true
		}
	}
	return reply, nil
}

// withSchemaPrompt adds the schema to the system message for modes where the
// server does not receive it as a parameter.
func withSchemaPrompt(msgs []Message, schemaJSON []byte) []Message {
	note := "Answer with one JSON object (the data, not the schema) that matches this JSON schema:\n" + string(schemaJSON)
	out := make([]Message, 0, len(msgs)+1)
	if len(msgs) > 0 && msgs[0].Role == RoleSystem {
		out = append(out, Message{Role: RoleSystem, Content: msgs[0].Content + "\n\n" + note})
		return append(out, msgs[1:]...)
	}
	out = append(out, Message{Role: RoleSystem, Content: note})
	return append(out, msgs...)
}

// classify turns SDK errors into TransportError so the loop can decide on
// retries without knowing the SDK. The provider's explanation is read from
// the error body, whatever its shape: the SDK keeps only OpenAI's, and its
// error text drops even that.
func (o *OpenAI) classify(err error, resp *http.Response) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if resp != nil && resp.StatusCode >= 400 {
		te := &TransportError{StatusCode: resp.StatusCode, Retryable: RetryableStatus(resp.StatusCode), Err: err,
			RetryAfter: ParseRetryAfter(resp.Header, time.Now())}
		if resp.Body != nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			te.Message = o.redact(errorMessage(body))
		}
		return te
	}
	var apiErr *openai.Error
	if errors.As(err, &apiErr) {
		te := &TransportError{StatusCode: apiErr.StatusCode, Retryable: RetryableStatus(apiErr.StatusCode), Err: err, Message: o.redact(apiErr.Message)}
		if apiErr.Response != nil {
			te.RetryAfter = ParseRetryAfter(apiErr.Response.Header, time.Now())
		}
		return te
	}
	// Connection refused or reset, EOF mid-answer: the proxy may be
	// restarting, so another try is reasonable.
	return &TransportError{Retryable: true, Err: err}
}

// maxErrorMessage bounds the provider text kept in reports and logs.
const maxErrorMessage = 1000

// errorMessage finds the explanation in an error body: OpenAI's
// {"error":{"message","type","code"}}, {"error":"…"} (Ollama, some proxies),
// {"message":"…"} or {"detail":"…"}, or else the body as text.
func errorMessage(body []byte) string {
	var doc struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  any             `json:"detail"`
	}
	msg := ""
	if json.Unmarshal(body, &doc) == nil {
		var e struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    any    `json:"code"`
		}
		var text string
		switch {
		case json.Unmarshal(doc.Error, &e) == nil && e.Message != "":
			msg = e.Message
			if e.Type != "" {
				msg += " (" + e.Type + ")"
			} else if c, ok := e.Code.(string); ok && c != "" {
				msg += " (" + c + ")"
			}
		case json.Unmarshal(doc.Error, &text) == nil && text != "":
			msg = text
		case doc.Message != "":
			msg = doc.Message
		case doc.Detail != nil:
			if d, ok := doc.Detail.(string); ok {
				msg = d
			} else if raw, err := json.Marshal(doc.Detail); err == nil {
				msg = string(raw)
			}
		}
	}
	if msg == "" {
		msg = string(body)
	}
	msg = strings.Join(strings.Fields(strings.ToValidUTF8(msg, "\uFFFD")), " ")
	if r := []rune(msg); len(r) > maxErrorMessage {
		msg = string(r[:maxErrorMessage]) + "…"
	}
	return msg
}

// redact keeps the API key out of a provider's message (some echo it). A
// key of a few characters is a placeholder of a local server, and replacing
// it would mangle ordinary words.
func (o *OpenAI) redact(msg string) string {
	if len(o.apiKey) >= 6 {
		msg = strings.ReplaceAll(msg, o.apiKey, "[redacted]")
	}
	return msg
}
