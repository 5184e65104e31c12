// The dashboards' loads against the real API. The machine knows nothing of
// HTTP; this is where a view (range, comparison, interval) becomes requests.
import { fromPromise } from 'xstate';
import { api, unwrap, type Campaign, type Schemas } from '../../lib/api/client';
import { jsonOf } from '../../lib/assetperf.svelte';
import { previousPeriod, type ReportView } from './range';
import { reportMachine } from './report.machine';

export type CampaignReport = Schemas['CampaignReport'];
export type AssetReport = Schemas['AssetReport'];
export type EntityRow = Schemas['EntityRow'];
export type AssetRow = Schemas['AssetRow'];
export type Place = Schemas['Place'];
export type Point = Schemas['Point'];
export type Level = 'ad_group' | 'ad' | 'keyword' | 'asset_group';

/** The levels a campaign's tables show: a search campaign's ad groups, ads and keywords, a Performance Max campaign's asset groups. */
export function levelsOf(type: Campaign['type']): Level[] {
  return type === 'SEARCH' ? ['ad_group', 'ad', 'keyword'] : ['asset_group'];
}

/** Assets per field type and ranking on the campaign dashboard. */
export const rankedPerField = 5;

export interface CampaignDashboard {
  campaign: Campaign;
  report: CampaignReport;
  rows: Partial<Record<Level, EntityRow[]>>;
  best: AssetRow[];
  worst: AssetRow[];
}

export interface PeriodNumbers {
  from: string;
  to: string;
  totals: Schemas['Measures'];
  series: Point[];
}

export interface AssetDashboard {
  report: AssetReport;
  /** The period right before, when the view compares. */
  previous: PeriodNumbers | null;
  /** The currency of the campaigns it runs in (the account's), when it runs anywhere. */
  currency: string;
}

const range = (v: ReportView) => ({ from: v.range.from, to: v.range.to });

/** The load of a campaign dashboard: the report (with the previous period when compared), the tables of its levels, and its best and worst assets. */
export function loadCampaignDashboard(campaignId: number) {
  let campaign: Campaign | null = null; // the name and type do not change with the range
  return async (v: ReportView, signal?: AbortSignal): Promise<CampaignDashboard> => {
    const path = { id: campaignId };
    campaign ??= await unwrap(api.GET('/api/campaigns/{id}', { params: { path }, signal }));
    const c = campaign;
    const levels = levelsOf(c.type);
    const [report, best, worst, ...tables] = await Promise.all([
      jsonOf(api.GET('/api/campaigns/{id}/report', { params: { path, query: { ...range(v), interval: v.interval, ...(v.compare ? { compare: 'previous' as const } : {}) } }, signal })),
      jsonOf(api.GET('/api/campaigns/{id}/report/assets', { params: { path, query: { ...range(v), order: 'best', limit: rankedPerField } }, signal })),
      jsonOf(api.GET('/api/campaigns/{id}/report/assets', { params: { path, query: { ...range(v), order: 'worst', limit: rankedPerField } }, signal })),
      ...levels.map((level) => jsonOf(api.GET('/api/campaigns/{id}/report/rows', { params: { path, query: { ...range(v), level } }, signal }))),
    ]);
    const rows: Partial<Record<Level, EntityRow[]>> = {};
    levels.forEach((l, i) => (rows[l] = tables[i]!.rows));
    return { campaign: c, report, rows, best: best.rows, worst: worst.rows };
  };
}

/**
 * The load of an asset dashboard: its report (totals, series, places) and,
 * when compared, the same report for the period right before. The currency
 * is that of the first campaign it is placed in (one account, one currency).
 */
export function loadAssetDashboard(assetId: number) {
  const currencies = new Map<number, string>();
  return async (v: ReportView, signal?: AbortSignal): Promise<AssetDashboard> => {
    const path = { id: assetId };
    const get = (r: { from: string; to: string }) => jsonOf(api.GET('/api/assets/{id}/report', { params: { path, query: { ...r, interval: v.interval } }, signal }));
    const [report, prev] = await Promise.all([get(range(v)), v.compare ? get(previousPeriod(range(v))) : Promise.resolve(null)]);
    let currency = '';
    const campaignId = report.places.find((p) => p.campaign_id !== null)?.campaign_id;
    if (campaignId != null) {
      if (!currencies.has(campaignId)) {
        const c = await unwrap(api.GET('/api/campaigns/{id}', { params: { path: { id: campaignId } }, signal }));
        currencies.set(campaignId, c.currency);
      }
      currency = currencies.get(campaignId)!;
    }
    return { report, previous: prev ? { from: prev.from, to: prev.to, totals: prev.totals, series: prev.series } : null, currency };
  };
}

export function liveReport<T>(load: (v: ReportView, signal?: AbortSignal) => Promise<T>) {
  return reportMachine<T>().provide({ actors: { load: fromPromise(({ input, signal }) => load(input, signal)) } });
}

/** The CSV download of a table: the same request with format=csv. */
export function csvHref(path: string, query: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  q.set('format', 'csv');
  return `${path}?${q}`;
}
