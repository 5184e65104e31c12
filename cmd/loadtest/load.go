package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ad is an ad under edit: every edit rewrites its first headline.
type ad struct {
	id       int64
	campaign int64
	mu       sync.Mutex
	latest   ack // the acknowledged edit with the highest version
	acks     int
}

// ack is an edit the server answered 2xx: the value written and the
// version (ETag) it made.
type ack struct {
	text    string
	version int64
}

// world is what the users share: the ads to edit, the campaigns to
// generate, and what the browsing reads.
type world struct {
	ads       []*ad
	campaigns []int64 // the campaigns under edit
	browse    []int64 // the campaigns users open: those under edit and the demo account's
	genFor    []int64 // per user: the campaign it generates
}

func run(ctx context.Context, cfg config, log io.Writer) (*result, error) {
	res := &result{cfg: cfg, stats: newStats(), cpus: runtime.NumCPU(), loadBefore: loadAverage()}
	fmt.Fprintf(log, "loadtest: preparing %s with %d users…\n", cfg.engine, cfg.users)
	c, err := startCluster(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	defer c.stop()
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        4 * cfg.users,
		MaxIdleConnsPerHost: 2 * cfg.users,
		IdleConnTimeout:     90 * time.Second,
	}
	defer transport.CloseIdleConnections()
	httpClient := &http.Client{Transport: transport, Timeout: 2 * time.Minute}
	clients := make([]*client, cfg.users)
	for i := range clients {
		clients[i] = &client{http: httpClient, base: c.bases[i%len(c.bases)], token: c.tokens[i], stats: res.stats}
	}
	// The data the users work on is created through the API before the
	// clock starts; its requests count in no figure.
	setup := &client{http: httpClient, base: c.bases[0], token: c.tokens[0], stats: newStats()}
	w, err := build(ctx, setup, cfg)
	if err != nil {
		if errs := setup.stats.topErrors(5); len(errs) > 0 {
			err = fmt.Errorf("%w: %s", err, strings.Join(errs, "; "))
		}
		return nil, fmt.Errorf("setup: %w", err)
	}
	res.edits, res.genCampaigns = len(w.ads), len(w.genFor)
	fmt.Fprintf(log, "loadtest: %d users on %d serve instance(s) for %s\n", cfg.users, len(c.bases), cfg.duration)

	runCtx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	var runsMu sync.Mutex
	for i, cl := range clients {
		u := &user{id: i, c: cl, w: w, cfg: cfg, rng: rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano())))}
		wg.Go(func() {
			n := u.loop(runCtx)
			runsMu.Lock()
			res.generationRuns += n
			runsMu.Unlock()
		})
	}
	go progress(runCtx, log, res.stats, start)
	wg.Wait()
	res.elapsed = time.Since(start)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	res.loadAfter = loadAverage()

	// Every acknowledged edit is read back, through another instance
	// than the one most users wrote through when there are several.
	check := &client{http: httpClient, base: c.bases[len(c.bases)-1], token: c.tokens[0], stats: newStats()}
	for _, a := range w.ads {
		a.mu.Lock()
		latest, n := a.latest, a.acks
		a.mu.Unlock()
		res.acknowledged += n
		if n == 0 {
			continue
		}
		res.checked++
		var got adBody
		r, err := check.get(context.Background(), fmt.Sprintf("/api/ads/%d", a.id), &got)
		if err != nil {
			res.missing = append(res.missing, fmt.Sprintf("ad %d: reading it back: %v", a.id, err))
			continue
		}
		version, _ := etagVersion(r.header.Get("ETag"))
		if len(got.Headlines) == 0 || got.Headlines[0].Text != latest.text || version != latest.version {
			first := ""
			if len(got.Headlines) > 0 {
				first = got.Headlines[0].Text
			}
			res.missing = append(res.missing, fmt.Sprintf("ad %d: acknowledged %q at version %d, found %q at version %d", a.id, latest.text, latest.version, first, version))
		}
	}
	return res, nil
}

// progress prints a line every 30 s while the users work, with the reads'
// 99th percentile of those 30 s.
func progress(ctx context.Context, log io.Writer, s *stats, start time.Time) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	seen := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.mu.Lock()
			window := slices.Clone(s.latencies[classRead][seen:])
			seen = len(s.latencies[classRead])
			s.mu.Unlock()
			slices.Sort(window)
			p99 := time.Duration(0)
			if len(window) > 0 {
				p99 = window[max(0, (len(window)*99+99)/100-1)]
			}
			fmt.Fprintf(log, "loadtest: %s: %d requests, %d errors, read p99 of the last 30 s %s, load %s\n",
				time.Since(start).Round(time.Second), s.requests(), s.nErrorsNow(), ms(p99), loadAverage())
		}
	}
}

func (s *stats) nErrorsNow() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nErrors
}

// loadAverage is the first three fields of /proc/loadavg, or "n/a".
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

type idBody struct {
	ID int64 `json:"id"`
}

type adBody struct {
	ID        int64 `json:"id"`
	Headlines []struct {
		Text string `json:"text"`
	} `json:"headlines"`
	Descriptions []struct {
		Text string `json:"text"`
	} `json:"descriptions"`
}

var brief = map[string]any{
	"product":        "Solaranlagen für Einfamilienhäuser",
	"audience":       "Hausbesitzer in Deutschland",
	"selling_points": []string{"Kostenlose Beratung", "Montage in zwei Tagen"},
	"keywords":       []string{"solaranlage", "photovoltaik"},
	"landing_page":   "https://example.com/solar",
	"language":       "de",
}

func campaignBody(name string) map[string]any {
	return map[string]any{"name": name, "type": "SEARCH", "budget_micros": 10_000_000, "currency": "EUR",
		"languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://example.com/solar", "brief": brief}
}

// build creates what the users work on: one campaign per team with an ad
// group and an ad, and one campaign per user to generate copy for.
func build(ctx context.Context, c *client, cfg config) (*world, error) {
	w := &world{}
	teams := (cfg.users + cfg.teamSize - 1) / cfg.teamSize
	stamp := strconv.FormatInt(time.Now().Unix(), 36)
	for t := range teams {
		res, err := c.do(ctx, classWrite, http.MethodPost, "/api/campaigns", campaignBody(fmt.Sprintf("Last %s Team %d", stamp, t+1)), nil)
		if err != nil {
			return nil, err
		}
		var camp idBody
		if err := json.Unmarshal(res.body, &camp); err != nil {
			return nil, err
		}
		if res, err = c.do(ctx, classWrite, http.MethodPost, "/api/ad-groups", map[string]any{"campaign_id": camp.ID, "name": "Solar"}, nil); err != nil {
			return nil, err
		}
		var group idBody
		if err := json.Unmarshal(res.body, &group); err != nil {
			return nil, err
		}
		res, err = c.do(ctx, classWrite, http.MethodPost, "/api/ads", map[string]any{
			"ad_group_id": group.ID, "final_urls": []string{"https://example.com/solar"},
			"headlines":    texts("Solaranlage kaufen", "Photovoltaik vom Profi", "Kostenlose Beratung"),
			"descriptions": texts("Ihre Solaranlage in zwei Tagen montiert.", "Jetzt beraten lassen und Strom sparen."),
		}, nil)
		if err != nil {
			return nil, err
		}
		var a idBody
		if err := json.Unmarshal(res.body, &a); err != nil {
			return nil, err
		}
		w.campaigns = append(w.campaigns, camp.ID)
		w.ads = append(w.ads, &ad{id: a.ID, campaign: camp.ID})
	}
	var list struct {
		Items []idBody `json:"items"`
	}
	if _, err := c.get(ctx, "/api/campaigns?limit=100", &list); err != nil {
		return nil, err
	}
	for _, it := range list.Items {
		w.browse = append(w.browse, it.ID)
	}
	if cfg.generateShare > 0 {
		for u := range cfg.users {
			res, err := c.do(ctx, classWrite, http.MethodPost, "/api/campaigns", campaignBody(fmt.Sprintf("Last %s Entwurf %d", stamp, u+1)), nil)
			if err != nil {
				return nil, err
			}
			var camp idBody
			if err := json.Unmarshal(res.body, &camp); err != nil {
				return nil, err
			}
			w.genFor = append(w.genFor, camp.ID)
		}
	}
	return w, nil
}

func texts(ss ...string) []map[string]string {
	out := make([]map[string]string, len(ss))
	for i, s := range ss {
		out[i] = map[string]string{"text": s}
	}
	return out
}

// user is one simulated user.
type user struct {
	id    int
	c     *client
	w     *world
	cfg   config
	rng   *rand.Rand
	seq   int
	asset int64 // an asset seen in the last list, for where-used
}

// loop works until ctx ends and returns how many generations it started.
func (u *user) loop(ctx context.Context) int {
	gens := 0
	// Users start spread over one think time.
	if !u.sleep(ctx, time.Duration(u.rng.Int64N(int64(u.cfg.think)+1))) {
		return gens
	}
	for ctx.Err() == nil {
		p := u.rng.Float64()
		switch {
		case p < u.cfg.generateShare && len(u.w.genFor) > 0:
			gens++
			u.generate(ctx)
		case p < u.cfg.generateShare+u.cfg.editShare:
			u.edit(ctx)
		default:
			u.browse(ctx)
		}
		if !u.sleep(ctx, u.thinkTime()) {
			break
		}
	}
	return gens
}

func (u *user) thinkTime() time.Duration {
	t := u.cfg.think
	return t/2 + time.Duration(u.rng.Int64N(int64(t)+1))
}

func (u *user) sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

var searchWords = []string{"solar", "beratung", "angebot", "photovoltaik", "strom", "montage", "service", "preis"}

// browse does one read a user does while looking around.
func (u *user) browse(ctx context.Context) {
	campaign := u.w.browse[u.rng.IntN(len(u.w.browse))]
	today := time.Now().UTC()
	period := "from=" + today.AddDate(0, 0, -30).Format(time.DateOnly) + "&to=" + today.AddDate(0, 0, -1).Format(time.DateOnly)
	switch u.rng.IntN(8) {
	case 0:
		u.c.get(ctx, "/api/campaigns?limit=50", nil)
	case 1:
		u.c.get(ctx, "/api/campaigns?q=team&limit=20", nil)
	case 2:
		u.c.get(ctx, fmt.Sprintf("/api/campaigns/%d/tree", campaign), nil)
	case 3:
		u.c.get(ctx, fmt.Sprintf("/api/campaigns/%d", campaign), nil)
	case 4:
		u.listAssets(ctx, "/api/assets?limit=50")
	case 5:
		u.listAssets(ctx, "/api/assets?type=TEXT&limit=50&q="+url.QueryEscape(searchWords[u.rng.IntN(len(searchWords))]))
	case 6:
		if u.asset == 0 {
			u.listAssets(ctx, "/api/assets?limit=20")
		}
		if u.asset != 0 {
			u.c.get(ctx, fmt.Sprintf("/api/assets/%d/usage", u.asset), nil)
		}
	case 7:
		if u.rng.IntN(2) == 0 {
			u.c.get(ctx, "/api/reports/campaigns?"+period, nil)
		} else {
			u.c.get(ctx, fmt.Sprintf("/api/campaigns/%d/report?%s", campaign, period), nil)
		}
	}
}

func (u *user) listAssets(ctx context.Context, path string) {
	var page struct {
		Items []idBody `json:"items"`
	}
	if _, err := u.c.get(ctx, path, &page); err == nil && len(page.Items) > 0 {
		u.asset = page.Items[u.rng.IntN(len(page.Items))].ID
	}
}

// edit rewrites the first headline of its team's ad with If-Match, as the
// editor does: read the ad, change it, save; on 412 read it again and
// apply the change to the fresh version.
func (u *user) edit(ctx context.Context) {
	a := u.w.ads[(u.id/u.cfg.teamSize)%len(u.w.ads)]
	u.seq++
	text := fmt.Sprintf("Solar %d-%d", u.id+1, u.seq)
	for attempt := 0; attempt < 20 && ctx.Err() == nil; attempt++ {
		var cur adBody
		r, err := u.c.get(ctx, fmt.Sprintf("/api/ads/%d", a.id), &cur)
		if err != nil {
			return
		}
		etag := r.header.Get("ETag")
		headlines := make([]map[string]string, len(cur.Headlines))
		for i, h := range cur.Headlines {
			headlines[i] = map[string]string{"text": h.Text}
		}
		if len(headlines) == 0 {
			headlines = texts("Solaranlage kaufen", "Photovoltaik vom Profi", "Kostenlose Beratung")
		}
		headlines[0] = map[string]string{"text": text}
		descriptions := make([]map[string]string, len(cur.Descriptions))
		for i, d := range cur.Descriptions {
			descriptions[i] = map[string]string{"text": d.Text}
		}
		// A write must not be cut by the end of the run: its answer
		// decides whether it is acknowledged.
		wres, err := u.c.do(context.WithoutCancel(ctx), classWrite, http.MethodPut, fmt.Sprintf("/api/ads/%d/texts", a.id),
			map[string]any{"headlines": headlines, "descriptions": descriptions}, map[string]string{"If-Match": etag}, http.StatusPreconditionFailed)
		if err != nil {
			return
		}
		if wres.status == http.StatusPreconditionFailed {
			u.c.stats.add(func(s *stats) { s.conflicts++ })
			continue
		}
		version, err := etagVersion(wres.header.Get("ETag"))
		if err != nil {
			u.c.stats.fail(classWrite, "PUT /api/ads/{id}/texts: "+err.Error())
			return
		}
		a.mu.Lock()
		a.acks++
		if version > a.latest.version {
			a.latest = ack{text: text, version: version}
		}
		a.mu.Unlock()
		return
	}
	if ctx.Err() == nil {
		u.c.stats.fail(classWrite, "PUT /api/ads/{id}/texts: still 412 after 20 attempts")
	}
}

// generate starts the generation of the user's own campaign and follows
// its event stream to the end.
func (u *user) generate(ctx context.Context) {
	campaign := u.w.genFor[u.id%len(u.w.genFor)]
	var camp struct {
		State string `json:"state"`
	}
	// The campaign leaves generating at the job's last event, and the job
	// itself ends a moment later: until then a new start is answered 409
	// naming the job. The user waits and tries again, as the web app does.
	var r *response
	start := time.Now()
	for attempt := 0; ; attempt++ {
		for range 50 {
			gr, err := u.c.get(ctx, fmt.Sprintf("/api/campaigns/%d", campaign), &camp)
			if err != nil {
				return
			}
			r = gr
			if camp.State != "generating" {
				break
			}
			if !u.sleep(ctx, 200*time.Millisecond) {
				return
			}
		}
		start = time.Now()
		pr, err := u.c.do(context.WithoutCancel(ctx), classGenerate, http.MethodPost, fmt.Sprintf("/api/campaigns/%d/generate", campaign),
			map[string]any{}, map[string]string{"If-Match": r.header.Get("ETag")}, http.StatusConflict)
		if err != nil {
			return
		}
		if pr.status != http.StatusConflict {
			r = pr
			break
		}
		if attempt == 50 || !strings.Contains(string(pr.body), "job_id") {
			u.c.stats.fail(classGenerate, fmt.Sprintf("POST /api/campaigns/{id}/generate: 409 %s", snippet(pr.body)))
			return
		}
		u.c.stats.add(func(s *stats) { s.genWaits++ })
		if !u.sleep(ctx, 200*time.Millisecond) {
			return
		}
	}
	var started struct {
		Events string `json:"events"`
	}
	if err := json.Unmarshal(r.body, &started); err != nil || started.Events == "" {
		u.c.stats.fail(classGenerate, "POST /api/campaigns/{id}/generate: no events URL in the answer")
		return
	}
	// The stream is followed to its end even when the run's time is up.
	event, _, err := u.c.follow(context.WithoutCancel(ctx), started.Events)
	if err != nil {
		return
	}
	u.c.stats.add(func(s *stats) { s.streams++ })
	if event != "completed" {
		u.c.stats.fail(classRun, fmt.Sprintf("generation ended with %s", event))
		return
	}
	u.c.stats.observe(classRun, time.Since(start))
	u.c.stats.add(func(s *stats) { s.gens++ })
}
