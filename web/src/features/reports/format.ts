// How the report screens write changes, days and chart axes, in German and
// English (the numbers themselves: lib/metrics.ts).
import type { Locale } from '../../lib/i18n.svelte';
import { localeTag, metricKind, nf, validCurrency, type MetricKey } from '../../lib/metrics';

/** Metrics where less is better (costs): a rise is shown as a worsening. */
export const lowerIsBetter: ReadonlySet<MetricKey> = new Set(['cost_micros', 'average_cpc_micros', 'cost_per_conversion_micros']);

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

