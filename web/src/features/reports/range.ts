// Report date ranges: the presets (last 7/30/90 days, this month, last
// month) or a custom from–to, the period of the same length right before
// (what "compare with the previous period" shows), and how a range lives in
// the URL query so a reload or a shared link shows the same numbers.
// Days are YYYY-MM-DD strings (lib/daterange.ts). "Today" is the browser's local day
// and is never part of a preset: its numbers are not complete yet (as in
// Google Ads, "last 7 days" ends yesterday).
import { addDays, daysBetween, isDay } from '../../lib/daterange';

export const presets = ['last7', 'last30', 'last90', 'thisMonth', 'lastMonth', 'custom'] as const;
export type Preset = (typeof presets)[number];

export interface DateRange {
  preset: Preset;
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

/** The server's limit on a range: to at most three years after from. */
export const maxRangeYears = 3;

/** The day n years after day (29 February onto 1 March, as the server counts). */
export function addYears(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y! + n, m! - 1, d!)).toISOString().slice(0, 10);
}

/** The days of a preset as of today (YYYY-MM-DD). custom has no days of its own: it is the last 30 days. */
export function presetRange(p: Preset, today: string): DateRange {
  const yesterday = addDays(today, -1);
  const last = (n: number): DateRange => ({ preset: p, from: addDays(today, -n), to: yesterday });
  switch (p) {
    case 'last7':
      return last(7);
    case 'last90':
      return last(90);
    case 'thisMonth': {
      // On the first of a month "this month" has no finished day: it is today.
      const first = today.slice(0, 8) + '01';
      return { preset: p, from: first, to: first === today ? today : yesterday };
    }
    case 'lastMonth': {
      const firstThis = today.slice(0, 8) + '01';
      const lastPrev = addDays(firstThis, -1);
      return { preset: p, from: lastPrev.slice(0, 8) + '01', to: lastPrev };
    }
    case 'custom':
    case 'last30':
      return { ...last(30), preset: p };
  }
}

/** Why a custom range is refused, or null: a message key with its parameters. */
export function rangeProblem(from: string, to: string): { key: 'range.badDay' | 'range.order' | 'range.tooLong'; params?: Record<string, number> } | null {
  if (!isDay(from) || !isDay(to)) return { key: 'range.badDay' };
  if (from > to) return { key: 'range.order' };
  if (to > addYears(from, maxRangeYears)) return { key: 'range.tooLong', params: { years: maxRangeYears } };
  return null;
}

/** The period of the same length right before r (as the server's compare=previous). */
export function previousPeriod(r: { from: string; to: string }): { from: string; to: string } {
  const len = daysBetween(r.from, r.to) + 1;
  const to = addDays(r.from, -1);
  return { from: addDays(to, -(len - 1)), to };
}

export const intervals = ['day', 'week', 'month'] as const;
export type Interval = (typeof intervals)[number];

/** What a dashboard shows, as its URL query says it. */
export interface ReportView {
  range: DateRange;
  compare: boolean;
  interval: Interval;
  /** The metric the chart shows. */
  metric: string;
}

export const defaultView = (today: string): ReportView => ({ range: presetRange('last30', today), compare: false, interval: 'day', metric: 'clicks' });

/**
 * readView reads a dashboard's URL query: range=<preset> (its days as of
 * today, so a shared "last 30 days" stays that), or from= and to= for a
 * custom range; compare=previous; interval; metric (checked by isMetric).
 * Anything unknown or invalid falls back to the default.
 */
export function readView(search: string, today: string, isMetric: (s: string) => boolean): ReportView {
  const q = new URLSearchParams(search);
  const v = defaultView(today);
  const preset = q.get('range');
  const from = q.get('from');
  const to = q.get('to');
  if (from && to && rangeProblem(from, to) === null) v.range = { preset: 'custom', from, to };
  else if (preset && (presets as readonly string[]).includes(preset) && preset !== 'custom') v.range = presetRange(preset as Preset, today);
  v.compare = q.get('compare') === 'previous';
  const iv = q.get('interval');
  if (iv && (intervals as readonly string[]).includes(iv)) v.interval = iv as Interval;
  const metric = q.get('metric');
  if (metric && isMetric(metric)) v.metric = metric;
  return v;
}

/** The URL query of a view ("?range=last7&compare=previous"); defaults are left out. */
export function writeView(v: ReportView, base: ReportView): string {
  const q = new URLSearchParams();
  if (v.range.preset === 'custom') {
    q.set('from', v.range.from);
    q.set('to', v.range.to);
  } else if (v.range.preset !== base.range.preset) q.set('range', v.range.preset);
  if (v.compare) q.set('compare', 'previous');
  if (v.interval !== base.interval) q.set('interval', v.interval);
  if (v.metric !== base.metric) q.set('metric', v.metric);
  const s = q.toString();
  return s ? `?${s}` : '';
}
