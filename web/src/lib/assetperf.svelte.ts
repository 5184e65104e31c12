// Each existing asset's performance over the last 30 days, for the screens
// that show many assets at once (the review tiles, the asset library): one
// request per screen (GET /api/reports/assets, optionally for one
// campaign), never one per tile. An asset used in several field types has
// one row per field type; of(id) sums them, of(id, field) is one of them.
import { api, unwrap, type Schemas } from './api/client';
import { earlyFetch } from './early';
import { perfQuery } from './firstreads';
import { catalogs, t, type MessageKey } from './i18n.svelte';
import { combine, type Measures } from './metrics';

export type AssetPerfRow = Schemas['AssetRow'];

/**
 * jsonOf is unwrap for the report operations, whose 200 is JSON or (with
 * format=csv) text: a JSON request must answer JSON.
 */
export async function jsonOf<T>(call: Promise<{ data?: T | string; error?: unknown; response: Response }>): Promise<T> {
  const data = await unwrap(call);
  if (typeof data === 'string') throw new Error('the report came as text, not JSON');
  return data;
}

/** What a tile shows: the sums and Google's label (of the field type with the most impressions). */
export interface Perf extends Measures {
  label: string;
}

/** Google's performance label in the interface language (an unknown one as Google wrote it). */
export function perfLabel(label: string): string {
  const key = `label.${label}`;
  return key in catalogs.en ? t(key as MessageKey) : label;
}

/** perfOf sums an asset's rows (of one field type when given); null when it has none. */
export function perfOf(rows: readonly AssetPerfRow[] | undefined, field?: string): Perf | null {
  const list = (rows ?? []).filter((r) => field === undefined || r.field_type === field);
  if (list.length === 0) return null;
  const top = list.reduce((a, b) => (b.impressions > a.impressions ? b : a));
  return { ...combine(list), label: top.performance_label };
}

export class AssetPerformance {
  private rows = $state.raw<Map<number, AssetPerfRow[]>>(new Map());
  loaded = $state(false);
  error = $state('');

  /** One request for every asset with numbers (in one campaign, when given). */
  async load(opts: { campaignId?: number; today?: string } = {}): Promise<void> {
    try {
      // The same read the page may have started (lib/early.ts).
      const r = await jsonOf(api.GET('/api/reports/assets', { params: { query: perfQuery(opts) }, fetch: earlyFetch }));
      const m = new Map<number, AssetPerfRow[]>();
      for (const row of r.rows) {
        const list = m.get(row.asset_id);
        if (list) list.push(row);
        else m.set(row.asset_id, [row]);
      }
      this.rows = m;
      this.error = '';
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loaded = true;
    }
  }

  of(assetId: number, field?: string): Perf | null {
    return perfOf(this.rows.get(assetId), field);
  }
}
