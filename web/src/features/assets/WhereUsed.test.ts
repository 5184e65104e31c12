// The where-used panel against a stand-in server that pages a hot asset's
// places the way the API does: counts and the first page of every list, then
// "Load more" fetches a list's next page with its cursor until it ends.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '../../lib/api/client';
import { i18n } from '../../lib/i18n.svelte';
import WhereUsed from './WhereUsed.svelte';

type Ad = Schemas['UsageAd'];

const pageSize = 3;

class Server {
  seen: URL[] = [];
  fail = false;
  ads: Ad[] = Array.from({ length: 7 }, (_, i) => ({ id: 100 + i, campaign_id: 1, ad_group_id: 10, field_type: 'HEADLINE', pinned_field: i === 0 ? 'HEADLINE_1' : null }));
  fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(req.url);
    this.seen.push(url);
    const json = (status: number, b: unknown) => new Response(JSON.stringify(b), { status, headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json' } });
    if (url.pathname === '/api/assets/5') {
      return json(200, { id: 5, type: 'TEXT', text: 'Winterreifen kaufen', name: '', content_hash: 'x', language: 'de', provenance: { source: 'human' }, usage_count: 8, version: 1, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' });
    }
    if (url.pathname === '/api/assets/5/usage') {
      return json(200, {
        asset_id: 5,
        limit: pageSize,
        counts: { links: 8, campaigns: 2, ad_groups: 1, ads: 7, asset_groups: 1, keywords: 2 },
        totals: { campaigns: 2, ad_groups: 1, ads: 7, asset_groups: 1, keywords: 2 },
        campaigns: [{ id: 1, name: 'Winter', type: 'SEARCH', state: 'review' }, { id: 2, name: 'PMax Winter', type: 'PERFORMANCE_MAX', state: 'draft' }],
        ad_groups: [{ id: 10, campaign_id: 1, name: 'Reifen' }],
        ads: this.ads.slice(0, pageSize),
        asset_groups: [{ id: 20, campaign_id: 2, name: 'Gruppe', field_type: 'LONG_HEADLINE' }],
        keywords: [{ id: 30, campaign_id: 1, ad_group_id: 10, text: 'winterreifen', match_type: 'EXACT', negative: false }, { id: 31, campaign_id: 1, ad_group_id: 10, text: 'gebraucht', match_type: 'BROAD', negative: true }],
        next: { ads: `after-${pageSize}` },
      });
    }
    if (url.pathname === '/api/assets/5/usage/ads') {
      if (this.fail) return json(400, { status: 400, detail: 'query.cursor: not a cursor returned by this API', errors: [{ location: 'query.cursor', message: 'not a cursor returned by this API' }] });
      const from = Number(/^after-(\d+)$/.exec(url.searchParams.get('cursor') ?? '')?.[1]);
      const to = from + pageSize;
      return json(200, { items: this.ads.slice(from, to), ...(to < this.ads.length ? { next_cursor: `after-${to}` } : {}) });
    }
    return json(404, { status: 404, detail: url.pathname });
  };
}

let server: Server;
beforeEach(() => {
  server = new Server();
  vi.stubGlobal('fetch', server.fetch);
});
afterEach(() => {
  vi.unstubAllGlobals();
  i18n.set('en');
});

// jsdom puts a space before the hidden part of a name; browsers do not.
const moreAds = /^Weitere laden ?: Anzeigen$/;
const adLinks = () => within(screen.getByRole('region', { name: /^Anzeigen \d/ })).getAllByRole('link');

describe('WhereUsed', () => {
  it('shows the counts and first pages, and loads the ads page by page until the list ends', async () => {
    i18n.set('de');
    render(WhereUsed, { id: 5 });
    const counts = await screen.findByTestId('usage-counts');
    expect(counts.textContent).toContain('Kampagnen2');
    expect(counts.textContent).toContain('Anzeigen7');
    expect(counts.textContent).toContain('Keywords dieser Anzeigengruppen2');
    expect(screen.getByRole('heading', { level: 3, name: /^Anzeigen 3 von 7 Verwendungen/ })).toBeTruthy();
    expect(adLinks().map((a) => a.getAttribute('href'))).toEqual(['/campaigns/1#ad-100', '/campaigns/1#ad-101', '/campaigns/1#ad-102']);
    // Links into the campaign tree for every kind of place.
    expect(screen.getByRole('link', { name: 'Reifen' }).getAttribute('href')).toBe('/campaigns/1#ad-group-10');
    expect(screen.getByRole('link', { name: 'Gruppe' }).getAttribute('href')).toBe('/campaigns/2#asset-group-20');
    expect(screen.getByRole('link', { name: '−gebraucht' }).getAttribute('href')).toBe('/campaigns/1#keyword-31');
    // Only the list that continues offers more, named for screen readers.
    expect(screen.getAllByRole('button', { name: /Weitere laden/ })).toHaveLength(1);
    const more = screen.getByRole('button', { name: moreAds });

    await fireEvent.click(more);
    await waitFor(() => expect(adLinks()).toHaveLength(6));
    expect(server.seen.at(-1)?.searchParams.get('cursor')).toBe('after-3');
    expect(screen.getByRole('status').textContent).toBe('3 weitere geladen: Anzeigen');
    await fireEvent.click(screen.getByRole('button', { name: moreAds }));
    await waitFor(() => expect(adLinks()).toHaveLength(7));
    expect(server.seen.at(-1)?.searchParams.get('cursor')).toBe('after-6');
    // The list is complete: no button, every ad once.
    expect(screen.queryByRole('button', { name: /Weitere laden/ })).toBeNull();
    expect(new Set(adLinks().map((a) => a.getAttribute('href'))).size).toBe(7);
    expect(screen.getByRole('heading', { level: 3, name: /^Anzeigen 7 von 7 Verwendungen/ })).toBeTruthy();
  });

  it('speaks English, and a failed page says why and keeps what was shown', async () => {
    i18n.set('en');
    render(WhereUsed, { id: 5 });
    const more = await screen.findByRole('button', { name: /^Load more ?: Ads$/ });
    server.fail = true;
    await fireEvent.click(more);
    expect((await screen.findByRole('alert')).textContent).toContain('not a cursor returned by this API');
    expect(within(screen.getByRole('region', { name: /^Ads \d/ })).getAllByRole('link')).toHaveLength(3);
    expect(screen.getByRole('button', { name: /^Load more ?: Ads$/ })).toBeTruthy();
  });

  it('says so when the asset is used nowhere', async () => {
    i18n.set('en');
    server.fetch = async (input: Request | string | URL) => {
      const url = new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
      const body = url.pathname.endsWith('/usage')
        ? { asset_id: 5, limit: 50, counts: { links: 0, campaigns: 0, ad_groups: 0, ads: 0, asset_groups: 0, keywords: 0 }, totals: { campaigns: 0, ad_groups: 0, ads: 0, asset_groups: 0, keywords: 0 }, campaigns: [], ad_groups: [], ads: [], asset_groups: [], keywords: [], next: {} }
        : { id: 5, type: 'TEXT', text: 'Allein', name: '', content_hash: 'x', language: 'de', provenance: { source: 'human' }, usage_count: 0, version: 1, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    vi.stubGlobal('fetch', server.fetch);
    render(WhereUsed, { id: 5 });
    expect(await screen.findByText('This asset is not used anywhere.')).toBeTruthy();
    expect(screen.queryByTestId('where-used')).toBeNull();
  });
});
