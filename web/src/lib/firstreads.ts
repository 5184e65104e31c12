// Which reads each screen makes first, for lib/early.ts to start with the
// page: the addresses exactly as the screens' own reads ask for them.
import { last30 } from './daterange';
import { prefetch } from './early';
import { match } from './router.svelte';

/** The report query of the tiles' numbers (lib/assetperf.svelte.ts): the last 30 days, in one campaign when given. */
export function perfQuery(opts: { campaignId?: number; today?: string } = {}): { from: string; to: string; campaign_id?: number } {
  return { ...last30(opts.today), ...(opts.campaignId !== undefined ? { campaign_id: opts.campaignId } : {}) };
}

/** A query string as openapi-fetch writes it: in the object's order, without undefined values. */
const query = (q: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();

/** The addresses the screen at path reads first, in the form its reads ask for them. */
export function firstReads(path: string): string[] {
  const r = match(path);
  if (r.name === 'wizard') {
    return [`/api/campaigns/${r.id}`, `/api/campaigns/${r.id}/tree`, `/api/reports/assets?${query(perfQuery({ campaignId: r.id }))}`];
  }
  if (r.name === 'assets') return [`/api/assets?${query(assetPage)}`, `/api/reports/assets?${query(perfQuery())}`];
  return [];
}

/** The asset library's first page (its later pages add a cursor). */
export const assetPage = { limit: 500, sort: '-created' } as const;

/** Starts the reads of the screen the page opens on. */
export function startFirstReads(path: string = location.pathname): void {
  for (const p of firstReads(path)) prefetch(p);
}
