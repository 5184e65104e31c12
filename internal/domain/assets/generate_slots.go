package assets

// The loop fills a Go struct whose fields are exactly the slots asked for, and
// the model writes the keys in field order. A full set asks for every slot of
// its format; filling gaps or regenerating one item asks for a subset, so each
// subset a generation can ask for has its type here, keyed by the slot names
// in format order.

type (
	hSlots struct {
		Headlines []string `json:"headlines"`
	}
	lSlots struct {
		LongHeadlines []string `json:"long_headlines"`
	}
	dSlots struct {
		Descriptions []string `json:"descriptions"`
	}
	pSlots struct {
		Paths []string `json:"paths"`
	}
	hdSlots struct {
		Headlines    []string `json:"headlines"`
		Descriptions []string `json:"descriptions"`
	}
	hpSlots struct {
		Headlines []string `json:"headlines"`
		Paths     []string `json:"paths"`
	}
	dpSlots struct {
		Descriptions []string `json:"descriptions"`
		Paths        []string `json:"paths"`
	}
	hdpSlots struct {
		Headlines    []string `json:"headlines"`
		Descriptions []string `json:"descriptions"`
		Paths        []string `json:"paths"`
	}
	hlSlots struct {
		Headlines     []string `json:"headlines"`
		LongHeadlines []string `json:"long_headlines"`
	}
	ldSlots struct {
		LongHeadlines []string `json:"long_headlines"`
		Descriptions  []string `json:"descriptions"`
	}
	hldSlots struct {
		Headlines     []string `json:"headlines"`
		LongHeadlines []string `json:"long_headlines"`
		Descriptions  []string `json:"descriptions"`
	}
)

var runners = map[string]runner{
	"headlines":                             runAs[hSlots],
	"long_headlines":                        runAs[lSlots],
	"descriptions":                          runAs[dSlots],
	"paths":                                 runAs[pSlots],
	"headlines,descriptions":                runAs[hdSlots],
	"headlines,paths":                       runAs[hpSlots],
	"descriptions,paths":                    runAs[dpSlots],
	"headlines,descriptions,paths":          runAs[hdpSlots],
	"headlines,long_headlines":              runAs[hlSlots],
	"long_headlines,descriptions":           runAs[ldSlots],
	"headlines,long_headlines,descriptions": runAs[hldSlots],
}
