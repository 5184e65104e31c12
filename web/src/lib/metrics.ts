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

export function isMetricKey(s: string | null | undefined): s is MetricKey {
  return !!s && (metricKeys as readonly string[]).includes(s);
}

/** The BCP 47 tag the interface language formats numbers and dates in. */
export function localeTag(l: Locale): string {
  return l === 'de' ? 'de-DE' : 'en-US';
}

const cache = new Map<string, Intl.NumberFormat>();
/** A cached Intl.NumberFormat of the locale. */
export function nf(l: Locale, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${l}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(localeTag(l), opts);
    cache.set(key, f);
  }
  return f;
}

/** A currency code Intl accepts; anything else is written as a plain number with the code after it. */
export function validCurrency(c: string): boolean {
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
