// Client of POST /api/validate: the server's policy package is the one judge
// of a text (width, limits, editorial rules); the UI never re-implements it.
import { api, unwrap } from './api/client';
import type { Locale } from './i18n.svelte';

export interface Violation {
  code: string;
  severity: string;
  message: string;
  /** Code-point offsets into the text, end exclusive. */
  start: number;
  end: number;
}

export interface ValidationResult {
  valid: boolean;
  width: number;
  limit: number;
  violations: Violation[] | null;
}

export interface ValidateItem {
  field: string;
  text: string;
  language?: string;
}

/**
 * The advertiser's rules a campaign's texts are checked with, from its brief:
 * brand terms allowed as written, banned terms, the business name and the
 * keywords. The server adds the account's brand spellings. A save checks with
 * the same rules, so a text the live check passes is not refused on save.
 */
export interface Rules {
  allow?: string[];
  banned?: string[];
  business_name?: string;
  keywords?: string[];
}

/** The server takes batches; larger lists are sent in chunks of this size. */
export const batchSize = 200;

export async function validateTexts(items: ValidateItem[], lang: Locale, signal?: AbortSignal, rules: Rules = {}): Promise<ValidationResult[]> {
  const out: ValidationResult[] = [];
  for (let i = 0; i < items.length; i += batchSize) {
    const res = await unwrap(api.POST('/api/validate', { params: { query: { lang } }, body: { ...rules, items: items.slice(i, i + batchSize) }, ...(signal ? { signal } : {}) }));
    out.push(...(res.items as ValidationResult[]));
  }
  return out;
}

export interface Segment {
  text: string;
  /** Indexes into the violations list that cover this segment. */
  hits: number[];
}

/**
 * segments splits text at every violation boundary so each span can be
 * highlighted with the messages of the rules that cover it. Offsets are in
 * code points, as the server counts them, so an emoji or umlaut before a span
 * does not shift the highlight.
 */
export function segments(text: string, violations: readonly Violation[]): Segment[] {
  const cps = Array.from(text);
  const cuts = new Set<number>([0, cps.length]);
  for (const v of violations) {
    cuts.add(Math.max(0, Math.min(cps.length, v.start)));
    cuts.add(Math.max(0, Math.min(cps.length, v.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    if (a === b) continue;
    const hits: number[] = [];
    violations.forEach((v, j) => {
      if (v.start < b && v.end > a) hits.push(j);
    });
    out.push({ text: cps.slice(a, b).join(''), hits });
  }
  // A violation of the whole text that has no span (start = end) still needs
  // to be listed; the caller shows messages separately.
  return out;
}
