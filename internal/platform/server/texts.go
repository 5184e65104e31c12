package server

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// maxJSONDepth bounds how deeply a request body may nest. No operation
// takes more than a few levels; a deeper body is an attack on the parser.
const maxJSONDepth = 64

// textProblem is a string in a request that no field may hold: a control
// character other than tab and line breaks, or a UTF-16 surrogate escape
// that stands for no character (encoding/json would silently turn it into
// U+FFFD, storing text the client never sent).
type textProblem struct {
	location, reason string
	// at is the offending character's position in the decoded string, in
	// code points (-1 for a problem that is not inside a string).
	at int
}

// badCharacter is the rule code of the problem, shared with the policy
// engine's code for characters no field takes.
const badCharacter = "INVALID_CHARACTER"

// findBadText walks a JSON document and reports the first key or string
// value that holds such a character, with its location (body.name,
// body.headlines[2].text). A document that is not JSON is left to the
// decoder, which says what is wrong with it.
func findBadText(doc []byte) *textProblem {
	s := jsonScan{b: doc}
	s.value("body", 0)
	return s.bad
}

type jsonScan struct {
	b   []byte
	i   int
	bad *textProblem
	// stop ends the walk: a problem was found or the document is malformed.
	stop bool
}

func (s *jsonScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScan) fail(location, reason string, at int) {
	if s.bad == nil {
		s.bad = &textProblem{location, reason, at}
	}
	s.stop = true
}

func (s *jsonScan) value(loc string, depth int) {
	s.ws()
	if s.stop || s.i >= len(s.b) {
		s.stop = true
		return
	}
	if depth > maxJSONDepth {
		s.fail(loc, fmt.Sprintf("nested more than %d levels deep", maxJSONDepth), -1)
		return
	}
	switch s.b[s.i] {
	case '{':
		s.i++
		for first := true; !s.stop; first = false {
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == '}' {
				s.i++
				return
			}
			if !first {
				if s.i >= len(s.b) || s.b[s.i] != ',' {
					s.stop = true
					return
				}
				s.i++
				s.ws()
			}
			if s.i >= len(s.b) || s.b[s.i] != '"' {
				s.stop = true
				return
			}
			key, ok := s.str(loc)
			if !ok {
				return
			}
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				s.stop = true
				return
			}
			s.i++
			s.value(loc+"."+key, depth+1)
		}
	case '[':
		s.i++
		for n := 0; !s.stop; n++ {
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == ']' {
				s.i++
				return
			}
			if n > 0 {
				if s.i >= len(s.b) || s.b[s.i] != ',' {
					s.stop = true
					return
				}
				s.i++
			}
			s.value(loc+"["+strconv.Itoa(n)+"]", depth+1)
		}
	case '"':
		s.str(loc)
	default:
		// A number or literal: skip to the next delimiter.
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			s.i++
		}
	}
}

// str reads a string starting at the opening quote and returns its raw
// contents (for a key: enough to name the location). loc names the value
// for problems; for a key, the problem names the object holding it.
func (s *jsonScan) str(loc string) (string, bool) {
	s.i++ // opening quote
	start := s.i
	for n := 0; s.i < len(s.b); n++ {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw := string(s.b[start:s.i])
			s.i++
			return raw, true
		case c == '\\':
			if s.i+1 >= len(s.b) {
				s.stop = true
				return "", false
			}
			switch s.b[s.i+1] {
			case 'b':
				s.fail(loc, "contains the control character U+0008", n)
				return "", false
			case 'f':
				s.fail(loc, "contains the control character U+000C", n)
				return "", false
			case 'u':
				u, ok := s.hex4(s.i + 2)
				if !ok {
					s.stop = true
					return "", false
				}
				switch {
				case u >= 0xD800 && u <= 0xDBFF:
					low, ok := -1, s.i+11 < len(s.b) && s.b[s.i+6] == '\\' && s.b[s.i+7] == 'u'
					if ok {
						low, ok = s.hex4(s.i + 8)
					}
					if !ok || low < 0xDC00 || low > 0xDFFF {
						s.fail(loc, fmt.Sprintf(`contains a lone UTF-16 surrogate (\u%04x) that stands for no character`, u), n)
						return "", false
					}
					s.i += 12
					continue
				case u >= 0xDC00 && u <= 0xDFFF:
					s.fail(loc, fmt.Sprintf(`contains a lone UTF-16 surrogate (\u%04x) that stands for no character`, u), n)
					return "", false
				case forbiddenControl(rune(u)):
					s.fail(loc, fmt.Sprintf("contains the control character %U", rune(u)), n)
					return "", false
				}
				s.i += 6
				continue
			}
			s.i += 2
		case c < 0x20:
			// Raw control bytes are not JSON; the decoder says so.
			s.stop = true
			return "", false
		case c < utf8.RuneSelf:
			if c == 0x7f {
				s.fail(loc, "contains the control character U+007F", n)
				return "", false
			}
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if forbiddenControl(r) {
				s.fail(loc, fmt.Sprintf("contains the control character %U", r), n)
				return "", false
			}
			s.i += n
		}
	}
	s.stop = true
	return "", false
}

func (s *jsonScan) hex4(at int) (int, bool) {
	if at+4 > len(s.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.b[at:at+4]), 16, 16)
	return int(v), err == nil
}

// forbiddenControl reports the control characters no text field holds: C0
// controls other than tab, line feed and carriage return, DEL, and C1.
func forbiddenControl(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	}
	return false
}

// findBadQuery reports the first query parameter whose value is not valid
// UTF-8 or holds a forbidden control character.
func findBadQuery(query map[string][]string) *textProblem {
	for name, values := range query {
		for _, v := range values {
			if !utf8.ValidString(v) {
				return &textProblem{"query." + name, "is not valid UTF-8", -1}
			}
			n := 0
			for _, r := range v {
				if forbiddenControl(r) {
					return &textProblem{"query." + name, fmt.Sprintf("contains the control character %U", r), n}
				}
				n++
			}
		}
	}
	return nil
}
