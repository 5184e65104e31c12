// Numbers of the dashboards in German and English: every kind of metric,
// money from micros in the campaign's currency, percentages, ROAS, changes
// with their sign and whether they are good news, days.
import { describe, expect, it } from 'vitest';
import { combine, formatMetric, localeTag, metricKeys, type Measures } from '../../lib/metrics';
import { change, changeTone, formatChange, formatCompact, formatDay } from './format';
import { byField, peak } from './series';

// Intl separates a unit with a (narrow) no-break space; tests read it as a space.
const sp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ').replace(/\u2212/g, '-');

const totals: Measures = {
  impressions: 1234567, clicks: 4933, cost_micros: 3_837_480_000, conversions: 256.9, conversions_value: 60910.25,
  ctr: 0.0552376, average_cpc_micros: 777_920.13, conversion_rate: 0.0520778, cost_per_conversion_micros: 14_937_641.1, roas: 15.8724,
};

describe('formatMetric', () => {
  it('writes every metric in German', () => {
    const de = Object.fromEntries(metricKeys.map((k) => [k, sp(formatMetric(k, totals[k], 'de', 'EUR'))]));
    expect(de).toEqual({
      impressions: '1.234.567', clicks: '4.933', ctr: '5,52 %', cost_micros: '3.837,48 €', average_cpc_micros: '0,78 €', conversions: '256,9',
      conversion_rate: '5,21 %', cost_per_conversion_micros: '14,94 €', conversions_value: '60.910,25 €', roas: '15,87×',
    });
  });

  it('writes every metric in English', () => {
    const en = Object.fromEntries(metricKeys.map((k) => [k, sp(formatMetric(k, totals[k], 'en', 'EUR'))]));
    expect(en).toEqual({
      impressions: '1,234,567', clicks: '4,933', ctr: '5.52%', cost_micros: '€3,837.48', average_cpc_micros: '€0.78', conversions: '256.9',
      conversion_rate: '5.21%', cost_per_conversion_micros: '€14.94', conversions_value: '€60,910.25', roas: '15.87×',
    });
  });

  it('money is in the campaign currency, micros divided once', () => {
    expect(sp(formatMetric('cost_micros', 1_500_000, 'en', 'USD'))).toBe('$1.50');
    expect(sp(formatMetric('cost_micros', 1_500_000, 'de', 'CHF'))).toBe('1,50 CHF');
    expect(sp(formatMetric('conversions_value', 1.5, 'de', 'EUR'))).toBe('1,50 €');
    // No (or no valid) currency: the amount with the code as it came.
    expect(sp(formatMetric('cost_micros', 1_500_000, 'de', ''))).toBe('1,50');
    expect(sp(formatMetric('cost_micros', 1_500_000, 'en', 'eur'))).toBe('1.50 eur');
  });

  it('a rate without a denominator (null) is a dash, as is anything not finite', () => {
    for (const l of ['de', 'en'] as const) {
      expect(formatMetric('ctr', null, l, 'EUR')).toBe('–');
      expect(formatMetric('roas', Number.NaN, l, 'EUR')).toBe('–');
      expect(formatMetric('clicks', 0, l, 'EUR')).toBe('0');
    }
  });

  it('the locales are de-DE and en-US', () => {
    expect(localeTag('de')).toBe('de-DE');
    expect(localeTag('en')).toBe('en-US');
  });

  it('writes chart axes short', () => {
    expect(sp(formatCompact('impressions', 12345, 'en', 'EUR'))).toBe('12.3K');
    expect(sp(formatCompact('impressions', 12345, 'de', 'EUR'))).toBe('12.345');
    expect(sp(formatCompact('ctr', 0.0512, 'de', 'EUR'))).toBe('5,1 %');
    expect(sp(formatCompact('cost_micros', 2_500_000_000, 'en', 'EUR'))).toBe('€2.5K');
  });
});

describe('changes against the previous period', () => {
  it('is relative, and null without a previous value', () => {
    expect(change(125, 100)).toBe(0.25);
    expect(change(50, 100)).toBe(-0.5);
    expect(change(5, 0)).toBeNull();
    expect(change(null, 3)).toBeNull();
    expect(change(3, null)).toBeNull();
  });

  it('is written with its sign in both languages', () => {
    expect(sp(formatChange(0.125, 'en'))).toBe('+12.5%');
    expect(sp(formatChange(-0.105, 'de'))).toBe('-10,5 %');
    expect(sp(formatChange(0, 'de'))).toBe('0,0 %');
    expect(formatChange(null, 'en')).toBe('–');
  });

  it('more clicks is good; more cost is bad; less cost per conversion is good', () => {
    expect(changeTone('clicks', 0.1)).toBe('good');
    expect(changeTone('clicks', -0.1)).toBe('bad');
    expect(changeTone('cost_micros', 0.1)).toBe('bad');
    expect(changeTone('cost_per_conversion_micros', -0.2)).toBe('good');
    expect(changeTone('roas', null)).toBe('flat');
    expect(changeTone('roas', 0)).toBe('flat');
  });
});

describe('days and series', () => {
  it('writes a day per locale, whatever the time zone', () => {
    expect(formatDay('2026-03-01', 'de')).toBe('01.03.2026');
    expect(formatDay('2026-03-01', 'en')).toBe('Mar 1, 2026');
    expect(formatDay('2026-03-01', 'en', 'short')).toBe('3/1/26');
    expect(formatDay('garbage', 'de')).toBe('garbage');
  });

  it('finds the peak of a series; none when everything is zero or null', () => {
    const s = [{ date: 'a', clicks: 3, ctr: null }, { date: 'b', clicks: 9, ctr: 0.1 }, { date: 'c', clicks: 9, ctr: 0.2 }];
    expect(peak(s, 'clicks')).toEqual({ date: 'b', value: 9 });
    expect(peak(s, 'ctr')).toEqual({ date: 'c', value: 0.2 });
    expect(peak([{ date: 'a', clicks: 0 }], 'clicks')).toBeNull();
  });

  it('groups asset rows by field type in first-seen order', () => {
    const rows = [{ field_type: 'HEADLINE', id: 1 }, { field_type: 'DESCRIPTION', id: 2 }, { field_type: 'HEADLINE', id: 3 }];
    expect(byField(rows)).toEqual([['HEADLINE', [rows[0], rows[2]]], ['DESCRIPTION', [rows[1]]]]);
  });

  it('combines rows by summing and working the rates out again (not averaging them)', () => {
    const a = { ...totals, impressions: 100, clicks: 10, cost_micros: 5_000_000, conversions: 1, conversions_value: 20 };
    const b = { ...totals, impressions: 900, clicks: 10, cost_micros: 15_000_000, conversions: 0, conversions_value: 0 };
    const c = combine([a, b]);
    expect(c).toMatchObject({ impressions: 1000, clicks: 20, cost_micros: 20_000_000, conversions: 1, conversions_value: 20, ctr: 0.02, average_cpc_micros: 1_000_000, conversion_rate: 0.05, cost_per_conversion_micros: 20_000_000, roas: 1 });
    expect(combine([])).toMatchObject({ impressions: 0, ctr: null, average_cpc_micros: null, conversion_rate: null, cost_per_conversion_micros: null, roas: null });
  });
});
