// Reads started with the page (lib/early.ts, lib/firstreads.ts): taken once,
// by a read of the same address, only when they succeeded.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AssetPerformance } from './assetperf.svelte';
import { earlyFetch, prefetch } from './early';
import { firstReads, startFirstReads } from './firstreads';

afterEach(() => vi.unstubAllGlobals());

/** A stand-in network answering each GET with the next status of its list (200 once the list is used up). */
function network(statuses: Record<string, number[]> = {}) {
  const asked: string[] = [];
  const fetch = async (input: Request | string | URL) => {
    const u = new URL(input instanceof Request ? input.url : String(input), location.origin);
    const at = u.pathname + u.search;
    asked.push(at);
    const status = statuses[u.pathname]?.shift() ?? 200;
    const body = u.pathname === '/api/reports/assets' ? { rows: [{ asset_id: 7, field_type: 'HEADLINE', impressions: 10, clicks: 1, conversions: 0, cost_micros: 0, performance_label: 'GOOD' }] } : { at };
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch, asked };
}

const get = (path: string) => earlyFetch(new Request(new URL(path, location.origin)));

describe('reads started with the page', () => {
  it('a read of the same address takes the started answer, once', async () => {
    const n = network();
    vi.stubGlobal('fetch', n.fetch);
    prefetch('/api/things?a=1');
    expect(await (await get('/api/things?a=1')).json()).toEqual({ at: '/api/things?a=1' });
    expect(n.asked).toEqual(['/api/things?a=1']);
    await get('/api/things?a=1');
    expect(n.asked).toEqual(['/api/things?a=1', '/api/things?a=1']);
  });

  it('a failed answer (signed out, say) is not taken: the read goes to the server', async () => {
    const n = network({ '/api/other': [401] });
    vi.stubGlobal('fetch', n.fetch);
    prefetch('/api/other');
    const r = await get('/api/other');
    expect(r.status).toBe(200);
    expect(n.asked).toEqual(['/api/other', '/api/other']);
  });

  it('knows the first reads of the wizard and the asset library, and of no other screen', () => {
    expect(firstReads('/campaigns/4/wizard').map((u) => u.split('?')[0])).toEqual(['/api/campaigns/4', '/api/campaigns/4/tree', '/api/reports/assets']);
    expect(firstReads('/assets').map((u) => u.split('?')[0])).toEqual(['/api/assets', '/api/reports/assets']);
    expect(firstReads('/campaigns')).toEqual([]);
    expect(firstReads('/assets/3/report')).toEqual([]);
  });

  it("the tiles' numbers take the report the page started, in the wizard and in the library", async () => {
    for (const [path, opts] of [['/campaigns/4/wizard', { campaignId: 4 }], ['/assets', {}]] as const) {
      const n = network();
      vi.stubGlobal('fetch', n.fetch);
      startFirstReads(path);
      const perf = new AssetPerformance();
      await perf.load(opts);
      expect(perf.of(7)?.impressions).toBe(10);
      expect(n.asked.filter((u) => u.startsWith('/api/reports/assets'))).toHaveLength(1);
      // The others are taken by their screens; here they are read out of the way.
      for (const u of firstReads(path)) await get(u);
    }
  });
});
