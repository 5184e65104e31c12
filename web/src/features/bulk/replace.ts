// Find and replace over texts: plain text (no patterns), every occurrence,
// with or without regard to case.
import type { TextRow } from './model';

/** replaceAll replaces every occurrence of find in text; an empty find changes nothing. */
export function replaceAll(text: string, find: string, replacement: string, caseSensitive: boolean): string {
  if (find === '') return text;
  if (caseSensitive) return text.split(find).join(replacement);
  // Matched on lower-cased copies: the offsets hold because lower-casing
  // keeps the length for the characters we compare, and a character whose
  // lower case has another length is compared as it is.
  const out: string[] = [];
  const hay = Array.from(text);
  const needle = Array.from(find).map(lower);
  let i = 0;
  while (i < hay.length) {
    let j = 0;
    while (j < needle.length && i + j < hay.length && lower(hay[i + j]!) === needle[j]) j++;
    if (j === needle.length) {
      out.push(replacement);
      i += needle.length;
    } else {
      out.push(hay[i]!);
      i++;
    }
  }
  return out.join('');
}

function lower(c: string): string {
  const l = c.toLocaleLowerCase();
  return Array.from(l).length === 1 ? l : c;
}

/** A text as a replacement would leave it. */
export interface ReplacePreview {
  row: TextRow;
  before: string;
  after: string;
}

/**
 * previewReplace lists the rows among those selected whose text the
 * replacement changes, in grid order, with the text before and after.
 */
export function previewReplace(rows: readonly TextRow[], selected: ReadonlySet<number>, find: string, replacement: string, caseSensitive: boolean): ReplacePreview[] {
  const out: ReplacePreview[] = [];
  for (const row of rows) {
    if (!selected.has(row.link_id)) continue;
    const after = replaceAll(row.text, find, replacement, caseSensitive);
    if (after !== row.text) out.push({ row, before: row.text, after });
  }
  return out;
}
