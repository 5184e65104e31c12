package ai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// errNoJSON means the output holds no JSON object at all.
var errNoJSON = errors.New("no JSON object in the output")

// extractObject finds the first JSON object in model output and decodes its
// top-level members. Models wrap JSON in code fences, put prose around it,
// leave trailing commas, or stop mid-way when they run out of tokens; each of
// these still yields the complete items that are present. truncated reports
// that the object had to be closed by us: items after the cut are lost, the
// ones before it are whole (a string cut mid-way is dropped, never kept).
//
// The body of a fence is read first; when it holds no whole object, the text
// as it is: a fence may be a string's text inside the object
// (`{"headlines": ["Code: ```go"]}`), not markup around it.
func extractObject(raw string) (members map[string]json.RawMessage, truncated bool, err error) {
	fenced := stripFence(raw)
	members, truncated, err = objectIn(fenced)
	if (err != nil || truncated) && fenced != raw {
		if m, cut, err2 := objectIn(raw); err2 == nil && (!cut || err != nil) {
			return m, cut, nil
		}
	}
	return members, truncated, err
}

// objectIn decodes the first JSON object in text, closing it when cut.
func objectIn(text string) (members map[string]json.RawMessage, truncated bool, err error) {
	start := strings.IndexByte(text, '{')
	if start < 0 {
		return nil, false, errNoJSON
	}
	obj, truncated := scanObject(text[start:])
	if err := json.Unmarshal([]byte(obj), &members); err != nil {
		return nil, truncated, fmt.Errorf("decode JSON object: %w", err)
	}
	return members, truncated, nil
}

// stripFence returns the body of the first ``` fence when there is one.
func stripFence(s string) string {
	_, after, ok := strings.Cut(s, "```")
	if !ok {
		return s
	}
	// Drop the info string (```json) up to the end of the line.
	if nl := strings.IndexByte(after, '\n'); nl >= 0 && !strings.Contains(after[:nl], "{") {
		after = after[nl+1:]
	}
	body, _, _ := strings.Cut(after, "```")
	return body
}

// scanObject walks a JSON text that starts with '{' and returns the balanced
// object, without trailing commas. If the text ends before the object closes,
// it cuts back to the last point where a value was complete and appends the
// missing closing brackets.
func scanObject(s string) (string, bool) {
	type cut struct {
		at    int    // length of out at the cut
		stack []byte // open brackets at the cut
	}
	var (
		out       []byte
		stack     []byte
		expectKey []bool // per open object: is the next string a key?
		lastCut   *cut
		inString  bool
		escaped   bool
	)
	markCut := func() {
		lastCut = &cut{at: len(out), stack: append([]byte(nil), stack...)}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				top := len(stack) - 1
				if stack[top] == '[' || !expectKey[top] {
					markCut()
				}
			}
			continue
		}
		switch c {
		case '"':
			inString = true
			out = append(out, c)
		case '{', '[':
			stack = append(stack, c)
			expectKey = append(expectKey, c == '{')
			out = append(out, c)
		case '}', ']':
			out = trimTrailingComma(out)
			stack = stack[:len(stack)-1]
			expectKey = expectKey[:len(expectKey)-1]
			out = append(out, c)
			if len(stack) == 0 {
				return string(out), false
			}
			markCut()
		case ':':
			expectKey[len(expectKey)-1] = false
			out = append(out, c)
		case ',':
			// Everything before a comma is a complete member.
			markCut()
			if stack[len(stack)-1] == '{' {
				expectKey[len(expectKey)-1] = true
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	if lastCut == nil {
		return "{}", true
	}
	out = trimTrailingComma(out[:lastCut.at])
	for i := len(lastCut.stack) - 1; i >= 0; i-- {
		if lastCut.stack[i] == '{' {
			out = append(out, '}')
		} else {
			out = append(out, ']')
		}
	}
	return string(out), true
}

// trimTrailingComma removes a comma (and the blanks after it) at the end of
// out, so that `["a",]` and a cut after a comma both stay valid JSON.
func trimTrailingComma(out []byte) []byte {
	i := len(out)
	for i > 0 && strings.IndexByte(" \t\r\n", out[i-1]) >= 0 {
		i--
	}
	if i > 0 && out[i-1] == ',' {
		return out[:i-1]
	}
	return out
}

// decodeStrings reads one slot: a JSON array of strings. A non-string element
// (null included) is reported at its index and skipped so that the others
// still count; a bare string instead of an array is taken as a one-item list,
// which weaker models produce when one item is asked for; null is no items.
func decodeStrings(raw json.RawMessage) (items []string, bad []int, err error) {
	if s, ok := jsonString(raw); ok {
		return []string{s}, nil, nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, nil, fmt.Errorf("want an array of strings: %w", err)
	}
	for i, e := range elems {
		s, ok := jsonString(e)
		if !ok {
			bad = append(bad, i)
			items = append(items, "")
			continue
		}
		items = append(items, s)
	}
	return items, bad, nil
}

// jsonString decodes a JSON string. json.Unmarshal takes null into a string
// without an error, leaving it empty: null is not a text.
func jsonString(raw json.RawMessage) (string, bool) {
	var s string
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '"' || json.Unmarshal(t, &s) != nil {
		return "", false
	}
	return s, true
}
