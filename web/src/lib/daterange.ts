// Calendar days as YYYY-MM-DD strings, counted in UTC so a change to summer
// time never makes a day 23 hours long; "today" is the browser's local day.
// (The report screens' ranges and presets build on these: features/reports/range.ts.)

const dayRe = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A valid calendar day as YYYY-MM-DD. */
export function isDay(s: string | null | undefined): s is string {
  const m = s ? dayRe.exec(s) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

function toDate(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

function fromDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return fromDate(d);
}

/** Days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toDate(b).getTime() - toDate(a).getTime()) / 86_400_000);
}

/** The browser's local calendar day. */
export function localToday(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** The last 30 days up to yesterday. */
export function last30(today: string = localToday()): { from: string; to: string } {
  return { from: addDays(today, -30), to: addDays(today, -1) };
}
