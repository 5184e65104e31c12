// Checks that forms run on every keystroke. They mirror the server's input
// rules (maxLength, required, formats) so a person sees a problem before
// sending; the server checks again and its field errors are shown the same way.
import type { MessageKey } from './i18n.svelte';

export type Check = { key: MessageKey; params?: Record<string, string | number> } | null;

export function required(v: string): Check {
  return v.trim() === '' ? { key: 'common.required' } : null;
}

export function maxLen(v: string, max: number): Check {
  const n = [...v].length; // the server counts code points
  return n > max ? { key: 'common.tooLong', params: { max, n } } : null;
}

export function httpsUrl(v: string, opt = false): Check {
  if (opt && v.trim() === '') return null;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' && u.hostname.includes('.') ? null : { key: 'valid.url' };
  } catch {
    return { key: 'valid.url' };
  }
}

export function positiveAmount(v: string): Check {
  const n = Number(v.replace(',', '.'));
  return v.trim() !== '' && Number.isFinite(n) && n > 0 ? null : { key: 'valid.budget' };
}

export function currency(v: string): Check {
  return /^[A-Z]{3}$/.test(v) ? null : { key: 'valid.currency' };
}

/** lines splits a text field with one entry per line: commas stay inside entries ("Pirelli, Continental und Michelin"). */
export function lines(v: string): string[] {
  return v
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** list splits short codes given by comma or line ("de, en"). */
export function list(v: string): string[] {
  return v
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function languageList(v: string): Check {
  return list(v).every((l) => /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l)) ? null : { key: 'valid.lang' };
}

export function locationList(v: string): Check {
  return list(v).every((l) => /^[A-Z]{2}$/.test(l)) ? null : { key: 'valid.location' };
}

/** first returns the first failing check. */
export function first(...checks: Check[]): Check {
  return checks.find((c) => c !== null) ?? null;
}

/** amount in a currency's main unit to micros, without float drift. */
export function toMicros(v: string): number {
  return Math.round(Number(v.replace(',', '.')) * 100) * 10_000;
}
