package strength

import (
	"slices"

	"github.com/imaphub/imaphub/internal/domain/policy"
)

// Rating is Google's Ad Strength scale.
type Rating string

const (
	Incomplete Rating = "INCOMPLETE"
	Poor       Rating = "POOR"
	Average    Rating = "AVERAGE"
	Good       Rating = "GOOD"
	Excellent  Rating = "EXCELLENT"
)

// Ratings lists the scale from worst to best.
var Ratings = []Rating{Incomplete, Poor, Average, Good, Excellent}

// rank orders ratings.
func (r Rating) rank() int {
	for i, x := range Ratings {
		if x == r {
			return i
		}
	}
	return 0
}

// AtLeast reports whether r is o or better.
func (r Rating) AtLeast(o Rating) bool { return r.rank() >= o.rank() }

// Score bands: the lowest score of each rating. A set whose score reaches a
// band but that a gate holds lower (too few distinct headlines, a
// near-duplicate, a single pin…) gets the top score of the rating it is held
// at, so score and rating never disagree. An incomplete set scores at most
// incompleteTop.
const (
	averageFrom   = 50
	goodFrom      = 70
	excellentFrom = 85
	incompleteTop = 24
)

func ratingOf(score int) Rating {
	switch {
	case score >= excellentFrom:
		return Excellent
	case score >= goodFrom:
		return Good
	case score >= averageFrom:
		return Average
	}
	return Poor
}

func topOf(r Rating) int {
	switch r {
	case Incomplete:
		return incompleteTop
	case Poor:
		return averageFrom - 1
	case Average:
		return goodFrom - 1
	case Good:
		return excellentFrom - 1
	}
	return 100
}

// AdStrength is the estimate for one set.
type AdStrength struct {
	Rating  Rating             `json:"rating" enum:"INCOMPLETE,POOR,AVERAGE,GOOD,EXCELLENT" doc:"Estimated Ad Strength"`
	Score   int                `json:"score" minimum:"0" maximum:"100" doc:"0–100; orders sets within a rating"`
	Actions []AdStrengthAction `json:"actions" nullable:"false" doc:"What would raise the rating, most important first"`
}

// Context is what the estimate needs besides the set itself.
type Context struct {
	// Keywords are the ad group's (positive) keywords, most important first;
	// only the first MaxKeywords are asked for.
	Keywords []string
	// Language is the BCP 47 language of the copy; message-angle variety
	// is judged for German and English only.
	Language string
	// Videos is how many videos an asset group links (Performance Max).
	Videos int
}

// Recommended counts. Google asks for "as many as you can, up to 15"
// headlines; we hold Excellent back below 11 distinct headlines (Google's
// Performance Max recommendation, applied to both formats) and 4 distinct
// descriptions, Good below 8 and 3, Average below 5 headlines. Performance
// Max: 2 long headlines, 3 landscape and 3 square images, a portrait image
// and a landscape logo for Excellent.
const (
	RecommendedHeadlines       = 11
	RecommendedDescriptions    = 4
	RecommendedLongHeadlines   = 2
	RecommendedLandscapeImages = 3
	RecommendedSquareImages    = 3
	// MaxKeywords is how many of the ad group's keywords count as its
	// popular keywords.
	MaxKeywords = 5
	// KeywordHeadlines is how many headlines should carry a keyword.
	KeywordHeadlines = 3
)

// field is one text list of a set, analysed.
type field struct {
	f        policy.Field
	slot     string // path prefix: "headlines"
	texts    []analysed
	raw      []string
	idx      []int // index of each text in the set's list (blank texts are skipped)
	pins     []string
	distinct int
	pairs    [][2]int // near-duplicate pairs (earlier, later), by index
}

func newField(f policy.Field, slot string, raw []string, pins []string) field {
	fl := field{f: f, slot: slot, pins: pins}
	for i, t := range raw {
		a := analyse(t, policy.Width)
		if a.blank {
			continue
		}
		fl.texts = append(fl.texts, a)
		fl.raw = append(fl.raw, t)
		fl.idx = append(fl.idx, i)
	}
	fl.findDuplicates()
	return fl
}

// findDuplicates counts the distinct texts (a text near-duplicating an
// earlier one adds nothing) and lists each later text with the first earlier
// one it repeats.
func (fl *field) findDuplicates() {
	for j := range fl.texts {
		dup := false
		for i := range j {
			if nearDuplicate(fl.texts[i], fl.texts[j]) {
				fl.pairs = append(fl.pairs, [2]int{i, j})
				dup = true
				break
			}
		}
		if !dup {
			fl.distinct++
		}
	}
}

// longShare is the share of texts that use at least two thirds of the
// field's width, and the indexes of those that do not.
func (fl *field) longShare() (float64, []int) {
	if len(fl.texts) == 0 {
		return 0, nil
	}
	limit := policy.Limit(fl.f) * 2 / 3
	long := 0
	var short []int
	for i, t := range fl.texts {
		if t.width >= limit {
			long++
		} else {
			short = append(short, fl.idx[i])
		}
	}
	return float64(long) / float64(len(fl.texts)), short
}

// rater accumulates points, gates and actions.
type rater struct {
	points, weight float64
	cap            Rating
	actions        []AdStrengthAction
}

func newRater() *rater { return &rater{cap: Excellent} }

// add scores one criterion: frac of its weight.
func (r *rater) add(weight, frac float64) {
	r.weight += weight
	r.points += weight * min(1, max(0, frac))
}

// hold keeps the rating at most c.
func (r *rater) hold(c Rating) {
	if c.rank() < r.cap.rank() {
		r.cap = c
	}
}

func (r *rater) act(a AdStrengthAction) { r.actions = append(r.actions, a) }

func (r *rater) result() AdStrength {
	score := 0
	if r.weight > 0 {
		score = int(r.points/r.weight*100 + 0.5)
	}
	rating := ratingOf(score)
	if r.cap.rank() < rating.rank() {
		rating = r.cap
	}
	score = min(score, topOf(rating))
	if r.actions == nil {
		r.actions = []AdStrengthAction{}
	}
	return AdStrength{Rating: rating, Score: score, Actions: r.actions}
}

// RateRSA estimates the Ad Strength of a responsive search ad.
func RateRSA(ad policy.RSA, ctx Context) AdStrength {
	hTexts, hPins := pinned(ad.Headlines)
	dTexts, dPins := pinned(ad.Descriptions)
	h := newField(policy.Headline, "headlines", hTexts, hPins)
	d := newField(policy.Description, "descriptions", dTexts, dPins)
	r := newRater()

	// Quantity: below Google's minimum the ad cannot serve.
	minH, minD := policy.RSAFormat.Min(policy.Headline), policy.RSAFormat.Min(policy.Description)
	maxH, maxD := policy.RSAFormat.Max(policy.Headline), policy.RSAFormat.Max(policy.Description)
	if len(h.texts) < minH || len(d.texts) < minD {
		r.hold(Incomplete)
	}
	r.add(25, float64(h.distinct)/RecommendedHeadlines)
	r.add(15, float64(d.distinct)/RecommendedDescriptions)
	holdByCount(r, h.distinct, 5, 8, RecommendedHeadlines)
	holdByCount(r, d.distinct, minD, 3, RecommendedDescriptions)
	if n := min(RecommendedHeadlines, maxH) - h.distinct; n > 0 && len(h.texts) < maxH {
		r.act(addTexts(CodeAddHeadlines, min(n, maxH-len(h.texts)), h.f))
	}
	if n := RecommendedDescriptions - d.distinct; n > 0 && len(d.texts) < maxD {
		r.act(addTexts(CodeAddDescriptions, min(n, maxD-len(d.texts)), d.f))
	}

	// Uniqueness.
	rateUniqueness(r, 15, h, d)

	// Keywords in headlines.
	rateKeywords(r, 15, h, ctx.Keywords)

	// Pins.
	ratePins(r, 10, h, d)

	// Length use.
	rateLength(r, 7, h)
	rateLength(r, 3, d)

	// Variety of message.
	rateAngles(r, 10, ctx.Language, h, d)
	return r.result()
}

func pinned(texts []policy.PinnedText) (raw, pins []string) {
	for _, t := range texts {
		raw = append(raw, t.Text)
		pins = append(pins, t.Pin)
	}
	return raw, pins
}

// holdByCount applies the depth gates of one field: below poorBelow distinct
// texts the set is Poor at best, below averageBelow Average, below
// goodBelow Good.
func holdByCount(r *rater, distinct, poorBelow, averageBelow, goodBelow int) {
	switch {
	case distinct < poorBelow:
		r.hold(Poor)
	case distinct < averageBelow:
		r.hold(Average)
	case distinct < goodBelow:
		r.hold(Good)
	}
}

// rateUniqueness: a near-duplicate holds the set at Good and is named, so
// that it can be rewritten.
func rateUniqueness(r *rater, weight float64, fields ...field) {
	total, distinct := 0, 0
	for _, fl := range fields {
		total += len(fl.texts)
		distinct += fl.distinct
		for _, p := range fl.pairs {
			r.act(similar(fl, p))
			r.hold(Good)
		}
	}
	if total > 0 {
		r.add(weight, float64(distinct)/float64(total))
	}
}

// rateKeywords: the ad group's popular keywords should appear in headlines
// — in KeywordHeadlines of them, and each of the first MaxKeywords in one.
func rateKeywords(r *rater, weight float64, h field, keywords []string) {
	ks := analyseKeywords(keywords, MaxKeywords)
	if len(ks) == 0 || len(h.texts) == 0 {
		return // nothing to ask for; the criterion does not count
	}
	withKeyword := 0
	var covered [MaxKeywords]bool
	for _, t := range h.texts {
		has := false
		for i, k := range ks {
			if containsKeyword(t, k) {
				covered[i] = true
				has = true
			}
		}
		if has {
			withKeyword++
		}
	}
	nCovered := 0
	missing := -1
	for i := range ks {
		if covered[i] {
			nCovered++
		} else if missing < 0 {
			missing = i
		}
	}
	r.add(weight*0.6, float64(withKeyword)/KeywordHeadlines)
	r.add(weight*0.4, float64(nCovered)/float64(len(ks)))
	switch {
	case withKeyword == 0:
		r.hold(Average)
	case withKeyword < 2:
		r.hold(Good)
	}
	if withKeyword < KeywordHeadlines || missing >= 0 {
		k := ks[0].text
		if missing >= 0 {
			k = ks[missing].text
		}
		r.act(includeKeyword(k))
	}
}

// ratePins: each pinned position removes combinations; a position pinned to
// a single text removes the most (that text always shows there).
func ratePins(r *rater, weight float64, fields ...field) {
	positions, singles := 0, 0
	var pinnedPaths []string
	for _, fl := range fields {
		count := map[string]int{}
		for i, p := range fl.pins {
			if p != "" && slices.Contains(fl.idx, i) {
				count[p]++
				pinnedPaths = append(pinnedPaths, path(fl.slot, i))
			}
		}
		positions += len(count)
		for _, n := range count {
			if n == 1 {
				singles++
			}
		}
	}
	r.add(weight, 1-0.2*float64(positions)-0.2*float64(singles))
	switch {
	case singles >= 2:
		r.hold(Average)
	case singles == 1:
		r.hold(Good)
	}
	if positions > 0 {
		r.act(fewerPins(pinnedPaths))
	}
}

// rateLength: Google rewards texts that use the available length; at least
// half of a field's texts should use two thirds of its width.
func rateLength(r *rater, weight float64, fl field) {
	if len(fl.texts) == 0 {
		return
	}
	share, short := fl.longShare()
	r.add(weight, share/0.5)
	if share < 0.5 {
		if fl.f == policy.Headline && share < 1.0/3 {
			r.hold(Good)
		}
		r.act(longer(fl, short))
	}
}

// rateAngles: the texts together should make at least four kinds of
// message; fewer than three hold the set at Good, fewer than two at Average.
func rateAngles(r *rater, weight float64, lang string, fields ...field) {
	if !anglesApply(lang) {
		return
	}
	var seen [angleCount]bool
	for _, fl := range fields {
		for i, t := range fl.texts {
			anglesOf(t, fl.raw[i], &seen)
		}
	}
	n := 0
	var missing []Angle
	for a, ok := range seen {
		if ok {
			n++
		} else {
			missing = append(missing, Angle(a))
		}
	}
	r.add(weight, float64(n)/4)
	switch {
	case n < 2:
		r.hold(Average)
	case n < 3:
		r.hold(Good)
	}
	if n < 4 {
		r.act(varyMessages(missing))
	}
}

// RateAssetGroup estimates the Ad Strength of a Performance Max asset group
// by breadth (every asset type present) and depth (variety within a type).
func RateAssetGroup(ag policy.AssetGroupText, ctx Context) AdStrength {
	format := policy.PerformanceMaxFormat
	h := newField(policy.Headline, "headlines", ag.Headlines, nil)
	l := newField(policy.LongHeadline, "longHeadlines", ag.LongHeadlines, nil)
	d := newField(policy.Description, "descriptions", ag.Descriptions, nil)
	images := map[policy.Field]int{}
	for _, f := range ag.Images {
		images[f]++
	}
	r := newRater()

	// Breadth: below a type's minimum the group cannot serve.
	for _, fl := range []field{h, l, d} {
		if n := format.Min(fl.f) - len(fl.texts); n > 0 {
			r.hold(Incomplete)
		}
	}
	if ag.BusinessName == "" && !ag.BrandGuidelines {
		r.hold(Incomplete)
		r.act(simple(CodeAddBusinessName))
	}
	if len(h.texts) > 0 && !anyWithin(h, format.ShortHeadline) {
		r.hold(Incomplete)
		r.act(shortText(CodeAddShortHeadline, format.ShortHeadline))
	}
	if len(d.texts) > 0 && !anyWithin(d, format.ShortDescription) {
		r.hold(Incomplete)
		r.act(shortText(CodeAddShortDescription, format.ShortDescription))
	}

	// Depth of texts.
	r.add(15, float64(h.distinct)/RecommendedHeadlines)
	r.add(10, float64(l.distinct)/RecommendedLongHeadlines)
	r.add(10, float64(d.distinct)/RecommendedDescriptions)
	holdByCount(r, h.distinct, 5, 8, RecommendedHeadlines)
	holdByCount(r, d.distinct, 3, RecommendedDescriptions, 0)
	holdByCount(r, l.distinct, format.Min(policy.LongHeadline), RecommendedLongHeadlines, 0)
	for _, x := range []struct {
		fl   field
		code string
		want int
	}{
		{h, CodeAddHeadlines, RecommendedHeadlines},
		{l, CodeAddLongHeadlines, RecommendedLongHeadlines},
		{d, CodeAddDescriptions, RecommendedDescriptions},
	} {
		want := max(x.want, format.Min(x.fl.f))
		if n := want - x.fl.distinct; n > 0 && len(x.fl.texts) < format.Max(x.fl.f) {
			r.act(addTexts(x.code, min(n, format.Max(x.fl.f)-len(x.fl.texts)), x.fl.f))
		}
	}

	// Images and logos.
	landscape, square := images[policy.MarketingImage], images[policy.SquareMarketingImage]
	r.add(10, float64(landscape)/RecommendedLandscapeImages)
	r.add(10, float64(square)/RecommendedSquareImages)
	r.add(5, float64(min(1, images[policy.PortraitMarketingImage])))
	if landscape < format.Min(policy.MarketingImage) || square < format.Min(policy.SquareMarketingImage) {
		r.hold(Incomplete)
	}
	switch {
	case landscape+square < 4:
		r.hold(Average)
	case landscape < RecommendedLandscapeImages || square < RecommendedSquareImages:
		r.hold(Good)
	}
	if n := RecommendedLandscapeImages - landscape; n > 0 {
		r.act(addImages(CodeAddLandscapeImages, n))
	}
	if n := RecommendedSquareImages - square; n > 0 {
		r.act(addImages(CodeAddSquareImages, n))
	}
	if images[policy.PortraitMarketingImage] == 0 {
		r.hold(Good)
		r.act(simple(CodeAddPortraitImage))
	}
	if !ag.BrandGuidelines {
		r.add(5, float64(min(1, images[policy.Logo]))*0.5+float64(min(1, images[policy.LandscapeLogo]))*0.5)
		if images[policy.Logo] < format.Min(policy.Logo) {
			r.hold(Incomplete)
			r.act(simple(CodeAddLogo))
		}
		if images[policy.LandscapeLogo] == 0 {
			r.hold(Good)
			r.act(simple(CodeAddLandscapeLogo))
		}
	}
	r.add(5, float64(min(1, ctx.Videos)))
	if ctx.Videos == 0 {
		r.act(simple(CodeAddVideo))
	}

	// Diversity of text.
	rateUniqueness(r, 15, h, l, d)
	rateLength(r, 5, h)
	rateAngles(r, 10, ctx.Language, h, l, d)
	return r.result()
}

func anyWithin(fl field, limit int) bool {
	for _, t := range fl.texts {
		if t.width <= limit {
			return true
		}
	}
	return false
}
