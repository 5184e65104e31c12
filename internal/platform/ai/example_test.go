package ai_test

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
)

// A caller that wants the items in a struct declares it with one []string
// field per slot, describes the slots and passes its validators; the loop
// does the rest.
func ExampleRunTyped() {
	// A scripted model: first answer has one headline over the limit.
	srv := aitest.NewServer(aitest.Script(
		aitest.Reply{Content: `{"headlines": ["Stride Running Shoes", "The Most Comfortable Running Shoes Ever"], "descriptions": ["Light shoes, free returns."]}`},
		aitest.Reply{Content: `{"headlines": ["Run Lighter Today"]}`},
	))
	defer srv.Close()
	provider := ai.NewOpenAI(ai.Config{BaseURL: srv.URL, Model: "scripted"})

	type Copy struct {
		Headlines    []string `json:"headlines"`
		Descriptions []string `json:"descriptions"`
	}
	res, err := ai.RunTyped[Copy](context.Background(), provider, ai.Request{
		Name:   "ad_copy",
		System: "You write ad copy.",
		User:   "Brand: Stride. Product: running shoes.",
		Spec: ai.Spec{
			Slots: []ai.Slot{
				{Name: "headlines", Count: 2, Rule: "each at most 30 characters"},
				{Name: "descriptions", Count: 1, Rule: "each at most 90 characters"},
			},
			ValidateItem: func(slot string, _ int, v string) []ai.Problem {
				limit := map[string]int{"headlines": 30, "descriptions": 90}[slot]
				if n := utf8.RuneCountInString(v); n > limit {
					return []ai.Problem{{Code: "too_long", Width: n, Limit: limit}}
				}
				return nil
			},
			ValidateSet: ai.RejectDuplicates,
		},
		PromptVersion: "example/v1",
		OnEvent: func(e ai.Event) {
			if e.Kind == ai.EventItemRejected {
				fmt.Printf("rejected %s: %s\n", e.Problems[0].Path, e.Problems[0].Code)
			}
		},
	})
	if err != nil {
		fmt.Println("failed:", err)
		return
	}
	fmt.Println(res.Value.Headlines, res.Value.Descriptions)
	fmt.Println(len(res.Report.Attempts), "calls,", res.Report.Repairs, "repair")
	// Output:
	// rejected headlines[1]: too_long
	// [Stride Running Shoes Run Lighter Today] [Light shoes, free returns.]
	// 2 calls, 1 repair
}

// A caller describes the slots — name, count, the rule in words — and passes
// its validators; the items come back by slot name.
func ExampleRun() {
	srv := aitest.NewServer(aitest.Script(
		aitest.Reply{Content: `{"headlines": ["Stride Running Shoes", "Stride Running Shoes"]}`},
		aitest.Reply{Content: `{"headlines": ["Run Lighter Today"]}`},
	))
	defer srv.Close()
	provider := ai.NewOpenAI(ai.Config{BaseURL: srv.URL, Model: "scripted"})

	res, err := ai.Run(context.Background(), provider, ai.Request{
		Name:   "ad_copy",
		System: "You write ad copy.",
		User:   "Brand: Stride. Product: running shoes.",
		Spec: ai.Spec{
			Slots:       []ai.Slot{{Name: "headlines", Count: 2, Rule: "each at most 30 characters", Description: "Ad headlines"}},
			ValidateSet: ai.RejectDuplicates,
		},
	})
	if err != nil {
		fmt.Println("failed:", err)
		return
	}
	fmt.Println(res.Items["headlines"])
	fmt.Println(len(res.Report.Attempts), "calls,", res.Report.Repairs, "repair")
	// Output:
	// [Stride Running Shoes Run Lighter Today]
	// 2 calls, 1 repair
}
