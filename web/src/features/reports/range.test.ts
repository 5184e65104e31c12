// Date ranges of the dashboards: the presets as of a given day (month and
// year edges, leap years), the previous period, the checks of a custom
// range, and the URL query that keeps a view across a reload or a shared link.
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isDay, localToday } from '../../lib/daterange';
import { isMetricKey } from '../../lib/metrics';
import { defaultView, presetRange, previousPeriod, rangeProblem, readView, writeView } from './range';

describe('days', () => {
  it('adds days across months, years and a leap day, in UTC', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    // The night summer time starts in Germany is still one day.
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364);
  });

  it('knows a calendar day from a malformed or impossible one', () => {
    expect(isDay('2026-02-28')).toBe(true);
    for (const bad of ['2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', '', null, undefined, '2026-01-01T00:00']) expect(isDay(bad)).toBe(false);
  });

  it('takes today from the local clock', () => {
    expect(localToday(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('presets', () => {
  const today = '2026-03-15';
  it('last 7/30/90 days end yesterday and have that many days', () => {
    for (const [p, n] of [['last7', 7], ['last30', 30], ['last90', 90]] as const) {
      const r = presetRange(p, today);
      expect(r.to).toBe('2026-03-14');
      expect(daysBetween(r.from, r.to) + 1).toBe(n);
      expect(r.preset).toBe(p);
    }
    expect(presetRange('last7', today).from).toBe('2026-03-08');
  });

  it('this month runs from the first to yesterday, or is today on the first', () => {
    expect(presetRange('thisMonth', today)).toEqual({ preset: 'thisMonth', from: '2026-03-01', to: '2026-03-14' });
    expect(presetRange('thisMonth', '2026-03-01')).toEqual({ preset: 'thisMonth', from: '2026-03-01', to: '2026-03-01' });
  });

  it('last month is the whole calendar month before, across a year and in a leap year', () => {
    expect(presetRange('lastMonth', today)).toEqual({ preset: 'lastMonth', from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('lastMonth', '2028-03-31')).toEqual({ preset: 'lastMonth', from: '2028-02-01', to: '2028-02-29' });
    expect(presetRange('lastMonth', '2026-01-10')).toEqual({ preset: 'lastMonth', from: '2025-12-01', to: '2025-12-31' });
  });

  it('the previous period has the same length and ends the day before', () => {
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(previousPeriod({ from: '2026-03-14', to: '2026-03-14' })).toEqual({ from: '2026-03-13', to: '2026-03-13' });
  });
});

describe('custom ranges', () => {
  it('refuses a bad day, a reversed range and more than three years, and says which', () => {
    expect(rangeProblem('2026-01-01', '2026-01-31')).toBeNull();
    expect(rangeProblem('2026-02-30', '2026-03-01')?.key).toBe('range.badDay');
    expect(rangeProblem('', '2026-03-01')?.key).toBe('range.badDay');
    expect(rangeProblem('2026-03-02', '2026-03-01')?.key).toBe('range.order');
    expect(rangeProblem('2020-01-01', '2026-01-01')).toEqual({ key: 'range.tooLong', params: { years: 3 } });
    expect(rangeProblem('2023-01-01', '2026-01-01')).toBeNull();
    expect(rangeProblem('2023-01-02', '2026-01-03')?.key).toBe('range.tooLong');
    // 29 February plus three years is 1 March, as the server counts.
    expect(rangeProblem('2024-02-29', '2027-03-01')).toBeNull();
    expect(rangeProblem('2024-02-29', '2027-03-02')?.key).toBe('range.tooLong');
  });
});

describe('the view in the URL', () => {
  const today = '2026-03-15';
  const base = defaultView(today);
  const read = (q: string) => readView(q, today, isMetricKey);

  it('an empty query is the last 30 days by day, clicks, no comparison; and writes back as nothing', () => {
    expect(read('')).toEqual({ range: presetRange('last30', today), compare: false, interval: 'day', metric: 'clicks' });
    expect(writeView(read(''), base)).toBe('');
  });

  it('a preset stays a preset (a shared "last 7 days" is last 7 days when opened)', () => {
    const v = read('?range=last7&compare=previous&interval=week&metric=cost_micros');
    expect(v).toEqual({ range: presetRange('last7', today), compare: true, interval: 'week', metric: 'cost_micros' });
    expect(writeView(v, base)).toBe('?range=last7&compare=previous&interval=week&metric=cost_micros');
    expect(readView(writeView(v, base), '2026-04-02', isMetricKey).range).toEqual(presetRange('last7', '2026-04-02'));
  });

  it('a custom range keeps its days', () => {
    const v = read('?from=2025-12-01&to=2026-01-31');
    expect(v.range).toEqual({ preset: 'custom', from: '2025-12-01', to: '2026-01-31' });
    expect(writeView(v, base)).toBe('?from=2025-12-01&to=2026-01-31');
  });

  it('anything invalid falls back to the default, part by part', () => {
    const v = read('?from=2026-02-30&to=2026-03-01&range=yesterday&compare=yes&interval=year&metric=__proto__');
    expect(v).toEqual(base);
    expect(read('?from=2026-03-10&to=2026-03-01').range).toEqual(base.range);
    expect(read('?range=custom').range).toEqual(base.range);
  });
});
