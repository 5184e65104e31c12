// Pasting copied texts into an ad or asset group: each becomes a new text of
// its field type there, as long as the target takes that field type, has
// room under its cap and does not have the text already.
import { addItem, fieldOf, type BulkItem, type TextGrid, type TextOwner } from './model';

export interface Copied {
  field: string;
  text: string;
}

export type SkipReason = 'field' | 'full' | 'duplicate';

export interface PastePlan {
  items: BulkItem[];
  skipped: (Copied & { reason: SkipReason })[];
}

export function planPaste(grid: Pick<TextGrid, 'fields' | 'texts'>, target: TextOwner, copied: readonly Copied[]): PastePlan {
  const have = new Map<string, string[]>(); // field → texts the target has
  for (const r of grid.texts) {
    if (r.owner_kind !== target.kind || r.owner_id !== target.id) continue;
    have.set(r.field_type, [...(have.get(r.field_type) ?? []), r.text]);
  }
  const out: PastePlan = { items: [], skipped: [] };
  for (const c of copied) {
    const f = fieldOf(grid, target.kind, c.field);
    if (!f) {
      out.skipped.push({ ...c, reason: 'field' });
      continue;
    }
    const texts = have.get(c.field) ?? [];
    // Compared as the server stores texts: whitespace folded, case kept.
    const norm = (s: string) => s.trim().replace(/\s+/g, ' ');
    if (texts.some((t) => norm(t) === norm(c.text))) {
      out.skipped.push({ ...c, reason: 'duplicate' });
      continue;
    }
    if (texts.length >= f.max) {
      out.skipped.push({ ...c, reason: 'full' });
      continue;
    }
    texts.push(c.text);
    have.set(c.field, texts);
    out.items.push(addItem(target.kind, target.id, c.field, c.text));
  }
  return out;
}
