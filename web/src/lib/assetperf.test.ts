// The inline performance of the review tiles and the asset library: one
// request per screen with the last 30 days (and the campaign, when given),
// rows of an asset summed across field types, the label of its busiest one.
import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import AssetPerf from './AssetPerf.svelte';
import { AssetPerformance, perfLabel, perfOf, type AssetPerfRow } from './assetperf.svelte';
import { last30 } from './daterange';
import { i18n } from './i18n.svelte';
import { combine } from './metrics';

const row = (asset_id: number, field_type: string, impressions: number, clicks: number, label: string): AssetPerfRow => ({
  asset_id, field_type, performance_label: label, text: '', impressions, clicks, cost_micros: 0, conversions: clicks / 10, conversions_value: 0,
  ctr: impressions ? clicks / impressions : null, average_cpc_micros: null, conversion_rate: null, cost_per_conversion_micros: null, roas: null,
});

afterEach(() => {
  vi.unstubAllGlobals();
  i18n.set('de');
});

describe('asset performance', () => {
  it('is the last 30 days up to yesterday', () => {
    expect(last30('2026-03-01')).toEqual({ from: '2026-01-30', to: '2026-02-28' });
  });

  it('sums an asset over its field types with the label of the field type with the most impressions', () => {
    const rows = [row(7, 'HEADLINE', 100, 10, 'LOW'), row(7, 'LONG_HEADLINE', 300, 10, 'BEST')];
    expect(perfOf(rows)).toMatchObject({ impressions: 400, clicks: 20, ctr: 0.05, conversions: 2, label: 'BEST' });
    expect(perfOf(rows, 'HEADLINE')).toMatchObject({ impressions: 100, ctr: 0.1, label: 'LOW' });
    expect(perfOf(rows, 'DESCRIPTION')).toBeNull();
    expect(perfOf(undefined)).toBeNull();
  });

  it('names Google labels in the interface language, an unknown one as it came', () => {
    i18n.set('de');
    expect(perfLabel('BEST')).toBe('Beste');
    i18n.set('en');
    expect(perfLabel('LEARNING')).toBe('Learning');
    expect(perfLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });

  it('asks once for every asset of the screen, with the range and the campaign', async () => {
    const seen: URL[] = [];
    vi.stubGlobal('fetch', async (req: Request) => {
      seen.push(new URL(req.url));
      return new Response(JSON.stringify({ rows: [row(1, 'HEADLINE', 50, 5, 'GOOD'), row(2, 'DESCRIPTION', 10, 0, '')] }), { headers: { 'Content-Type': 'application/json' } });
    });
    const p = new AssetPerformance();
    await p.load({ campaignId: 3, today: '2026-03-01' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.pathname).toBe('/api/reports/assets');
    expect(Object.fromEntries(seen[0]!.searchParams)).toEqual({ from: '2026-01-30', to: '2026-02-28', campaign_id: '3' });
    expect(p.of(1, 'HEADLINE')).toMatchObject({ impressions: 50, label: 'GOOD' });
    expect(p.of(2)).toMatchObject({ impressions: 10, ctr: 0 });
    expect(p.of(3)).toBeNull();
    expect(p.loaded).toBe(true);
    expect(p.error).toBe('');
  });

  it('a refused request leaves no numbers and says why', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ status: 422, detail: 'query.from: a day' }), { status: 422, headers: { 'Content-Type': 'application/problem+json' } }));
    const p = new AssetPerformance();
    await p.load();
    expect(p.error).toBe('query.from: a day');
    expect(p.of(1)).toBeNull();
    expect(p.loaded).toBe(true);
  });
});

const perf = { ...combine([{ impressions: 12345, clicks: 617, cost_micros: 1, conversions: 12.5, conversions_value: 0, ctr: null, average_cpc_micros: null, conversion_rate: null, cost_per_conversion_micros: null, roas: null }]), label: 'BEST' };
const text = () => screen.getByTestId('asset-perf').textContent!.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();

// The inline figures of a tile, in German and English.
describe('AssetPerf', () => {
  it('German', () => {
    i18n.set('de');
    render(AssetPerf, { perf });
    expect(text()).toBe('Letzte 30 Tage: 12.345 Impr. CTR 5,00 % 12,5 Conv. Beste');
  });

  it('English', () => {
    i18n.set('en');
    render(AssetPerf, { perf });
    expect(text()).toBe('Last 30 days: 12,345 impr. CTR 5.00% 12.5 conv. Best');
  });
});
