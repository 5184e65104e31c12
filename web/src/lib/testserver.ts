// A stand-in for the server in component tests: one search campaign with one
// ad (and, when a test adds it, an asset group), kept in memory, with the
// server's version rules (every change moves the campaign's version; If-Match
// is required on lifecycle events, optional on PATCH and on replacing texts;
// 412 with current_etag when stale; a text that stays keeps its link). Tests install it as fetch and
// read the requests it saw. It is no replacement for the browser tests,
// which run the real server.
import type { Campaign, CampaignTree } from './api/client';
import { etagOf, versionOf } from './etag';

export interface Seen {
  method: string;
  path: string;
  ifMatch: string | null;
  body: unknown;
}

type Ad = NonNullable<NonNullable<CampaignTree['ad_groups']>[number]['ads']>[number];
type AssetGroup = NonNullable<CampaignTree['asset_groups']>[number];
type Linked = { text: string; link_id: number; asset_id: number };

const json = (status: number, body: unknown, etag?: string) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json', ...(etag ? { ETag: etag } : {}) } });

/** Whether text holds one of the terms as a word (case-insensitive). */
function bannedIn(text: string, terms: string[]): boolean {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return terms.some((t) => words.includes(t.toLowerCase()));
}

export class TestServer {
  seen: Seen[] = [];
  private link = 100;
  campaign: Campaign = {
    id: 3, name: 'Winterreifen', type: 'SEARCH', state: 'review', budget_micros: 45_000_000, currency: 'EUR', bidding_strategy: 'MAXIMIZE_CLICKS',
    languages: ['de'], locations: ['DE'], final_url: 'https://example.com/', brief: { product: 'Reifen', language: 'de' },
    allowed_events: ['approve', 'archive', 'generate', 'return_to_draft'], version: 5, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
  };
  ad: Ad = {
    id: 4, ad_group_id: 2, campaign_id: 3, final_urls: ['https://example.com/'], path1: '', path2: '', status: 'ENABLED', version: 2,
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
    headlines: ['Reifen eins', 'Reifen zwei', 'Reifen drei'].map((text) => ({ text, link_id: ++this.link, asset_id: this.link })),
    descriptions: ['Beschreibung eins.', 'Beschreibung zwei.'].map((text) => ({ text, link_id: ++this.link, asset_id: this.link })),
  };

  group: AssetGroup | null = null;
  /** The ad group holds no ad: a campaign with nothing to review. */
  noAds = false;

  /** Adds an asset group with a headline, a long headline and the business name to the campaign. */
  addAssetGroup(): AssetGroup {
    const text = (field_type: string, text: string) => ({ field_type, type: 'TEXT' as const, text, link_id: ++this.link, asset_id: this.link });
    this.group = {
      id: 9, campaign_id: 3, name: 'Winter', final_urls: ['https://example.com/'], path1: '', path2: '', status: 'ENABLED', version: 4,
      created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
      assets: [text('BUSINESS_NAME', 'Reifen Müller'), text('HEADLINE', 'Reifen eins'), text('HEADLINE', 'Reifen zwei'), text('LONG_HEADLINE', 'Reifen für den ganzen Winter')],
    };
    return this.group;
  }

  /** texts as the server links them: a text that stays keeps its link. */
  private relink(old: Linked[], texts: { text: string }[]): Linked[] {
    const kept = new Map(old.map((l) => [l.text, l]));
    return texts.map((t) => kept.get(t.text) ?? { text: t.text, link_id: ++this.link, asset_id: this.link });
  }

  /** Someone else changes the campaign (another tab, another person). */
  changeElsewhere(f: (s: this) => void): void {
    f(this);
    this.campaign = { ...this.campaign, version: this.campaign.version + 1 };
  }

  tree(): CampaignTree {
    return {
      campaign: this.campaign,
      ad_groups: [{ id: 2, campaign_id: 3, name: 'Gruppe', status: 'ENABLED', version: 1, created_at: '', updated_at: '', keywords: [], ads: this.noAds ? [] : [this.ad] }],
      asset_groups: this.group ? [this.group] : [],
      counts: {},
    };
  }

  private stale(ifMatch: string | null, current: number): Response | null {
    if (versionOf(ifMatch) === current) return null;
    return json(412, { status: 412, title: 'Precondition Failed', detail: `header.If-Match: ${ifMatch} is stale`, current_etag: etagOf(current) });
  }

  fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(req.url);
    const text = await req.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    const ifMatch = req.headers.get('If-Match');
    this.seen.push({ method: req.method, path: url.pathname, ifMatch, body });
    const c = this.campaign;
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /api/campaigns/3') return json(200, c, etagOf(c.version));
    if (route === 'GET /api/campaigns/3/tree') return json(200, this.tree(), etagOf(c.version));
    if (route === 'PATCH /api/campaigns/3') {
      if (ifMatch) {
        const refused = this.stale(ifMatch, c.version);
        if (refused) return refused;
      }
      this.campaign = { ...c, ...(body as Partial<Campaign>), version: c.version + 1 };
      return json(200, this.campaign, etagOf(this.campaign.version));
    }
    const event = /^POST \/api\/campaigns\/3\/(\w+)$/.exec(route)?.[1];
    if (event === 'generate') return json(202, { job: { id: 7, state: 'queued', subject: { type: 'campaign', id: 3 } } });
    if (event) {
      if (!ifMatch || ifMatch === '*') return json(428, { status: 428, detail: 'header.If-Match: required' });
      const refused = this.stale(ifMatch, c.version);
      if (refused) return refused;
      const to = { approve: 'approved', return_to_draft: 'draft', archive: 'archived' }[event] as Campaign['state'];
      this.campaign = { ...c, state: to, allowed_events: [], version: c.version + 1 };
      return json(200, this.campaign, etagOf(this.campaign.version));
    }
    if (route === 'PUT /api/ads/4/texts') {
      if (ifMatch) {
        const refused = this.stale(ifMatch, this.ad.version);
        if (refused) return refused;
      }
      const p = body as { headlines: { text: string }[]; descriptions: { text: string }[] };
      // The brief's banned terms, as the server checks every write with them.
      const bad = [...p.headlines.map((h, i) => [`body.headlines[${i}].text`, h.text]), ...p.descriptions.map((d, i) => [`body.descriptions[${i}].text`, d.text])].filter(([, text]) =>
        bannedIn(text!, c.brief?.banned_terms ?? []),
      );
      if (bad.length > 0) {
        const errors = bad.map(([location, value]) => ({ location, message: 'contains a banned term', value, code: 'BANNED_TERM' }));
        return json(422, { status: 422, title: 'Unprocessable Entity', detail: `${errors[0]!.location}: contains a banned term`, errors });
      }
      this.ad = { ...this.ad, version: this.ad.version + 1, headlines: this.relink(this.ad.headlines ?? [], p.headlines), descriptions: this.relink(this.ad.descriptions ?? [], p.descriptions) };
      this.campaign = { ...c, version: c.version + 1 };
      return json(200, this.ad, etagOf(this.ad.version));
    }
    if (route === 'PUT /api/asset-groups/9/texts' && this.group) {
      const g = this.group;
      if (ifMatch) {
        const refused = this.stale(ifMatch, g.version);
        if (refused) return refused;
      }
      const p = body as { headlines: { text: string }[]; long_headlines: { text: string }[]; descriptions: { text: string }[]; business_name?: { text: string } };
      const of = (field: string) => (g.assets ?? []).filter((a) => a.field_type === field).map((a) => ({ text: a.text ?? '', link_id: a.link_id, asset_id: a.asset_id }));
      const lists: [string, { text: string }[]][] = [
        ['BUSINESS_NAME', p.business_name ? [p.business_name] : []], ['DESCRIPTION', p.descriptions], ['HEADLINE', p.headlines], ['LONG_HEADLINE', p.long_headlines],
      ];
      const images = (g.assets ?? []).filter((a) => a.type === 'IMAGE');
      const texts = lists.flatMap(([field, list]) => this.relink(of(field), list).map((l) => ({ ...l, field_type: field, type: 'TEXT' as const })));
      this.group = { ...g, version: g.version + 1, assets: [...images, ...texts] };
      this.campaign = { ...c, version: c.version + 1 };
      return json(200, this.group, etagOf(this.group.version));
    }
    if (route === 'POST /api/validate') {
      // The width rule, and the banned terms the request names: a text over
      // 30 characters or with a banned term is a violation.
      const { items, banned = [] } = body as { items: { text: string }[]; banned?: string[] };
      const lang = url.searchParams.get('lang');
      const judge = (text: string) => {
        const violations = [];
        if (text.length > 30) violations.push({ code: 'L', severity: 'error', message: 'too long', start: 30, end: text.length });
        if (bannedIn(text, banned)) violations.push({ code: 'BANNED_TERM', severity: 'error', message: lang === 'de' ? 'enthält einen verbotenen Begriff' : 'contains a banned term', start: 0, end: text.length });
        return { valid: violations.length === 0, width: text.length, limit: 30, violations };
      };
      return json(200, { items: items.map((i) => judge(i.text)) });
    }
    return json(404, { status: 404, detail: `no route ${route}` });
  };

  /** The lifecycle events and changes sent, with their If-Match. */
  writes(): string[] {
    return this.seen.filter((s) => s.method !== 'GET' && s.path !== '/api/validate').map((s) => `${s.method} ${s.path} ${s.ifMatch ?? '-'}`);
  }
}
