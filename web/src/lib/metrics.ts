// The report metrics and how each is written in German and English: counts
// and decimals, money from micros in the campaign's currency, rates as
// percentages, ROAS as a multiple. Pure functions of a locale, so the
// dashboards, the review tiles and the asset library write a number the same
// way (and tests can check both languages without a DOM).
import type { Locale } from './i18n.svelte';

/** The metrics every report row carries (the server's Measures). */
export interface Measures {
  impressions: number;
  clicks: number;
  cost_micros: number;
  conversions: number;
  conversions_value: number;
  ctr: number | null;
  average_cpc_micros: number | null;
  conversion_rate: number | null;
  cost_per_conversion_micros: number | null;
  roas: number | null;
}

export const metricKeys = [
  'impressions',
  'clicks',
  'ctr',
  'cost_micros',
  'average_cpc_micros',
  'conversions',
  'conversion_rate',
  'cost_per_conversion_micros',
  'conversions_value',
  'roas',
] as const satisfies readonly (keyof Measures)[];

export type MetricKey = (typeof metricKeys)[number];

/** How a metric is written: a count, a decimal count, money from micros, money in units, a rate, a multiple. */
export type MetricKind = 'count' | 'decimal' | 'micros' | 'money' | 'percent' | 'ratio';

export const metricKind: Record<MetricKey, MetricKind> = {
  impressions: 'count',
  clicks: 'count',
  ctr: 'percent',
  cost_micros: 'micros',
  average_cpc_micros: 'micros',
  conversions: 'decimal',
  conversion_rate: 'percent',
  cost_per_conversion_micros: 'micros',
  conversions_value: 'money',
  roas: 'ratio',
};

/** Metrics where less is better (costs): a rise is shown as a worsening. */
export const lowerIsBetter: ReadonlySet<MetricKey> = new Set(['cost_micros', 'average_cpc_micros', 'cost_per_conversion_micros']);

export function isMetricKey(s: string | null | undefined): s is MetricKey {
  return !!s && (metricKeys as readonly string[]).includes(s);
}

/** The BCP 47 tag the interface language formats numbers and dates in. */
export function localeTag(l: Locale): string {
  return l === 'de' ? 'de-DE' : 'en-US';
}

const cache = new Map<string, Intl.NumberFormat>();
function nf(l: Locale, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${l}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(localeTag(l), opts);
    cache.set(key, f);
  }
  return f;
}

/** A currency code Intl accepts; anything else is written as a plain number with the code after it. */
function validCurrency(c: string): boolean {
  return /^[A-Z]{3}$/.test(c);
}

export function formatMoney(units: number, currency: string, l: Locale): string {
  if (!validCurrency(currency)) return `${nf(l, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(units)}${currency ? ` ${currency}` : ''}`;
  return nf(l, { style: 'currency', currency }).format(units);
}

/**
 * formatMetric writes one metric value; null (a rate whose denominator is
 * zero) is an en dash. currency is the ISO 4217 code of the money.
 */
export function formatMetric(key: MetricKey, value: number | null | undefined, l: Locale, currency: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  switch (metricKind[key]) {
    case 'count':
      return nf(l, { maximumFractionDigits: 0 }).format(value);
    case 'decimal':
      return nf(l, { maximumFractionDigits: 2 }).format(value);
    case 'micros':
      return formatMoney(value / 1_000_000, currency, l);
    case 'money':
      return formatMoney(value, currency, l);
    case 'percent':
      return nf(l, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
    case 'ratio':
      return `${nf(l, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)}×`;
  }
}

/** A short form for chart axes: 12.3K / 12,3 Tsd. */
export function formatCompact(key: MetricKey, value: number, l: Locale, currency: string): string {
  switch (metricKind[key]) {
    case 'percent':
      return nf(l, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    case 'micros':
      return formatCompactMoney(value / 1_000_000, currency, l);
    case 'money':
      return formatCompactMoney(value, currency, l);
    case 'ratio':
      return `${nf(l, { maximumFractionDigits: 1 }).format(value)}×`;
    default:
      return nf(l, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
  }
}

function formatCompactMoney(units: number, currency: string, l: Locale): string {
  if (!validCurrency(currency)) return nf(l, { notation: 'compact', maximumFractionDigits: 1 }).format(units);
  return nf(l, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(units);
}

/**
 * change is the relative change from prev to cur (0.25 = +25 %); null when
 * there is nothing to compare with (no previous value, or it was zero).
 */
export function change(cur: number | null | undefined, prev: number | null | undefined): number | null {
  if (cur === null || cur === undefined || prev === null || prev === undefined || prev === 0) return null;
  return (cur - prev) / Math.abs(prev);
}

/** A change written with its sign: "+12,5 %" / "−3.0%"; null is an en dash. */
export function formatChange(c: number | null, l: Locale): string {
  if (c === null || !Number.isFinite(c)) return '–';
  return nf(l, { style: 'percent', signDisplay: 'exceptZero', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(c);
}

/** Whether a change is good news (more clicks, less cost), bad news, or neither. */
export function changeTone(key: MetricKey, c: number | null): 'good' | 'bad' | 'flat' {
  if (c === null || c === 0) return 'flat';
  return c > 0 !== lowerIsBetter.has(key) ? 'good' : 'bad';
}

/** A day (YYYY-MM-DD) in the locale's words; medium: "1. März 2026" / "Mar 1, 2026", short: "01.03.26" / "3/1/26". */
export function formatDay(day: string, l: Locale, style: 'short' | 'medium' = 'medium'): string {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return new Intl.DateTimeFormat(localeTag(l), { dateStyle: style, timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** The sums of several rows (one asset in several field types) with the rates worked out again. */
export function combine(rows: readonly Measures[]): Measures {
  const s = { impressions: 0, clicks: 0, cost_micros: 0, conversions: 0, conversions_value: 0 };
  for (const r of rows) {
    s.impressions += r.impressions;
    s.clicks += r.clicks;
    s.cost_micros += r.cost_micros;
    s.conversions += r.conversions;
    s.conversions_value += r.conversions_value;
  }
  return {
    ...s,
    ctr: s.impressions ? s.clicks / s.impressions : null,
    average_cpc_micros: s.clicks ? s.cost_micros / s.clicks : null,
    conversion_rate: s.clicks ? s.conversions / s.clicks : null,
    cost_per_conversion_micros: s.conversions ? s.cost_micros / s.conversions : null,
    roas: s.cost_micros ? s.conversions_value / (s.cost_micros / 1_000_000) : null,
  };
}
