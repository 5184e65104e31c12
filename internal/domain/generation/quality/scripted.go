package quality

import (
	"encoding/json"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
)

// Scripted is a scripted model behind a real OpenAI-protocol server on a
// loopback port (aitest): it answers every request with texts made from the
// brief in a fixed order, some of them too long, so the run goes through
// the validation loop's repairs as with a model. It measures the model path
// (prompt, transport, loop, validation), not a language model's writing.
func Scripted() Writer {
	return Writer{
		Name: "scripted model",
		Generator: func(c Case) (*generation.Generator, func(), error) {
			srv := aitest.NewServer(scriptedModel(c.Brief))
			p := ai.NewOpenAI(ai.Config{BaseURL: srv.URL, APIKey: "sk-quality", Model: "scripted"})
			return generation.NewGenerator(p, generation.GeneratorOptions{}), srv.Close, nil
		},
		Phrases: scriptedPhrases,
	}
}

var scriptedCTA = map[string][]string{
	"de": {"Jetzt informieren", "Mehr erfahren"},
	"en": {"Learn more", "Get in touch"},
	"ja": {"詳しくはこちら", "お問い合わせ"},
}

func scriptedPhrases(lang string) []string { return scriptedCTA[base(lang)] }

// scriptedModel answers each field with its next candidates, as many as
// asked; when they run out it answers with fewer.
func scriptedModel(b generation.Brief) aitest.Responder {
	lang := base(b.Language)
	end := "."
	if lang == "ja" {
		end = "。"
	}
	var keywords, points []string
	for _, k := range b.Keywords {
		if lang == "ja" {
			k = strings.ReplaceAll(k, " ", "")
		}
		keywords = append(keywords, upper(k))
	}
	for _, p := range b.SellingPoints {
		points = append(points, strings.TrimRight(p, ".。 "))
	}
	brand := b.BusinessName
	cands := map[string][]string{}
	add := func(field string, s ...string) {
		for _, x := range s {
			if x != "" && !strings.HasPrefix(x, " ") {
				cands[field] = append(cands[field], x)
			}
		}
	}
	for i, k := range keywords {
		add("headlines", k)
		if i < len(points) {
			// Too long for a headline more often than not: the loop asks
			// for a repair.
			add("headlines", points[i]+" – "+brand)
		}
	}
	add("headlines", brand, upper(b.Product))
	add("headlines", points...)
	for _, k := range keywords {
		if brand != "" {
			add("headlines", k+" – "+brand)
		}
	}
	add("headlines", scriptedCTA[lang]...)
	for i, p := range points {
		add("long_headlines", upper(b.Product)+" – "+p+end)
		add("descriptions", p+end)
		if len(points) > 1 {
			add("descriptions", p+end+" "+points[(i+1)%len(points)]+end)
		}
		if brand != "" {
			add("long_headlines", brand+": "+p+end)
			add("descriptions", brand+": "+p+end)
		}
	}
	for _, k := range b.Keywords {
		for _, w := range strings.Fields(k) {
			if utf8.RuneCountInString(w) <= 15 {
				add("paths", upper(w))
			}
		}
	}
	var mu sync.Mutex
	next := map[string]int{}
	return aitest.ResponderFunc(func(r aitest.Request) aitest.Reply {
		mu.Lock()
		defer mu.Unlock()
		answer := map[string][]string{}
		for _, f := range r.Fields() {
			items := []string{}
			for len(items) < max(f.Count, 1) && next[f.Name] < len(cands[f.Name]) {
				items = append(items, cands[f.Name][next[f.Name]])
				next[f.Name]++
			}
			answer[f.Name] = items
		}
		raw, _ := json.Marshal(answer)
		return aitest.Reply{Content: string(raw)}
	})
}

func upper(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
