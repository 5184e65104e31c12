// Small pure helpers of the report screens (tested in series.test.ts).
import type { MetricKey } from '../../lib/metrics';

/** The highest point of a metric in a series; null when no point has a value above zero. */
export function peak<P extends { date: string } & Partial<Record<MetricKey, number | null>>>(series: readonly P[], metric: MetricKey): { date: string; value: number } | null {
  let best: { date: string; value: number } | null = null;
  for (const p of series) {
    const v = p[metric];
    if (v !== null && v !== undefined && v > 0 && (best === null || v > best.value)) best = { date: p.date, value: v };
  }
  return best;
}

/** Rows grouped by field type, in the order the field types first appear. */
export function byField<R extends { field_type: string }>(rows: readonly R[]): [string, R[]][] {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    let list = out.get(r.field_type);
    if (!list) out.set(r.field_type, (list = []));
    list.push(r);
  }
  return [...out];
}
