// How Google assembles a responsive search ad from its texts, for the
// preview: three headline positions and two description positions; a text
// pinned to a position only ever shows there (several pinned to one position
// take turns), the unpinned texts fill the positions nobody pinned, each text
// at most once per combination.

export interface PreviewText {
  field: string;
  text: string;
  pinned?: string | null;
}

export const headlinePositions = ['HEADLINE_1', 'HEADLINE_2', 'HEADLINE_3'] as const;
export const descriptionPositions = ['DESCRIPTION_1', 'DESCRIPTION_2'] as const;

export interface Combination {
  /** The headlines shown, in position order; a position without a text is left out. */
  headlines: string[];
  descriptions: string[];
}

/** One part of an ad (headlines or descriptions): what each position may show. */
interface Part {
  /** Per position: the texts pinned there, or null where the unpinned texts go. */
  pinned: (string[] | null)[];
  /** The texts pinned nowhere, in the ad's order. */
  free: string[];
}

/** The texts of one field with a pin this field can hold; empty texts are not shown by Google. */
function part(texts: readonly PreviewText[], field: string, positions: readonly string[]): Part {
  const byPosition = positions.map(() => [] as string[]);
  const free: string[] = [];
  for (const t of texts) {
    if (t.field !== field) continue;
    const text = t.text.trim();
    if (text === '') continue;
    const at = t.pinned ? positions.indexOf(t.pinned) : -1;
    if (at >= 0) byPosition[at]!.push(text);
    else free.push(text);
  }
  return { pinned: byPosition.map((p) => (p.length > 0 ? p : null)), free };
}

/** The choices each position has: a pinned position picks among its pins, a free one among the unpinned texts not used before it. */
function radices(p: Part): number[] {
  let left = p.free.length;
  return p.pinned.map((pins) => {
    if (pins) return pins.length;
    const r = Math.max(left, 1);
    left = Math.max(left - 1, 0);
    return r;
  });
}

/** The texts of a part for its digits (one per position, each below its radix). */
function pick(p: Part, digits: readonly number[]): string[] {
  const pool = [...p.free];
  const out: string[] = [];
  p.pinned.forEach((pins, i) => {
    if (pins) out.push(pins[digits[i]!]!);
    else if (pool.length > 0) out.push(pool.splice(digits[i]!, 1)[0]!);
  });
  return out;
}

/**
 * The digits of k in a mixed radix, each shifted by the value of the digits
 * below it: for a given value below, the shift is fixed, so distinct k below
 * the product of the radices still give distinct digits, while k and k+1
 * mostly differ in every digit (not only the lowest).
 */
export function shiftedDigits(k: number, radix: readonly number[]): number[] {
  const digits: number[] = [];
  let place = 1;
  for (const r of radix) {
    digits.push((Math.floor(k / place) + (k % place)) % r);
    place *= r;
  }
  return digits;
}

/**
 * AdCombinations holds an ad's combinations: how many, and the n-th of them,
 * numbered by shiftedDigits so that "next" mostly changes every position
 * that has a choice, not only the last one.
 */
export class AdCombinations {
  private readonly parts: Part[];
  private readonly radix: number[];
  readonly count: number;

  constructor(texts: readonly PreviewText[]) {
    this.parts = [part(texts, 'HEADLINE', headlinePositions), part(texts, 'DESCRIPTION', descriptionPositions)];
    this.radix = this.parts.flatMap(radices);
    this.count = this.radix.reduce((a, b) => a * b, 1);
  }

  /** The n-th combination (n taken modulo count, negative counts back). */
  at(n: number): Combination {
    const k = ((Math.trunc(n) % this.count) + this.count) % this.count;
    const digits = shiftedDigits(k, this.radix);
    const h = this.parts[0]!;
    const nh = h.pinned.length;
    return { headlines: pick(h, digits.slice(0, nh)), descriptions: pick(this.parts[1]!, digits.slice(nh)) };
  }
}

/** The display URL Google shows: the final URL's host, then path1 and path2 (path2 only after a path1). */
export function displayUrl(finalUrl: string | undefined, path1 = '', path2 = ''): string {
  let host = '';
  try {
    host = finalUrl ? new URL(finalUrl).host : '';
  } catch {
    host = '';
  }
  if (host === '') return '';
  const p1 = path1.trim();
  const p2 = p1 ? path2.trim() : '';
  return [host, p1, p2].filter((s) => s !== '').join('/');
}

export const headlineSeparator = ' | ';

/**
 * How many characters a line holds before Google shortens it, by device:
 * the pixel widths of Google's result page in its fonts, as characters of
 * average width. A headline line shows about 600 px on a desktop and wraps
 * to two lines on a phone; descriptions get two lines on a desktop and
 * about three narrower ones on a phone.
 */
export const lineLimits = {
  desktop: { headline: 75, description: 160 },
  mobile: { headline: 60, description: 120 },
} as const;

export type Device = keyof typeof lineLimits;

/**
 * shorten cuts text to at most max characters at a word boundary and ends
 * it with "…", as Google does with a line that does not fit. A first word
 * longer than the line (a German compound) is cut inside the word.
 */
export function shorten(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  // One character is left for the "…".
  const room = chars.slice(0, max - 1).join('');
  // The last word in the room is whole when a space follows it.
  const whole = /\s/.test(chars[max - 1]!);
  const cut = whole ? room.length : room.search(/\s\S*$/);
  const kept = (cut > 0 ? room.slice(0, cut) : room).replace(/[\s|,;:\-–—]+$/u, '');
  return `${kept}…`;
}

/** The lines of a search result for a combination on a device: headlines joined by " | ", descriptions by a space, each shortened to fit. */
export function resultLines(c: Combination, device: Device): { headline: string; description: string } {
  const lim = lineLimits[device];
  return {
    headline: shorten(c.headlines.join(headlineSeparator), lim.headline),
    description: shorten(c.descriptions.join(' '), lim.description),
  };
}
