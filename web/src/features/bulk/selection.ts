// Selecting rows of the grid as a file manager does: a click selects one row,
// Ctrl/Cmd-click adds or removes one, Shift-click selects the range from the
// anchor (the last row clicked without Shift), select all and none. Rows are
// named by their link id; order is the grid's.

export interface Selection {
  selected: ReadonlySet<number>;
  /** Where a Shift-click range starts. */
  anchor: number | null;
}

export const empty: Selection = { selected: new Set(), anchor: null };

export type ClickMode = 'only' | 'toggle' | 'range';

/** The mode of a click with these modifier keys. */
export function modeOf(e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }): ClickMode {
  if (e.shiftKey) return 'range';
  if (e.ctrlKey || e.metaKey) return 'toggle';
  return 'only';
}

export function click(s: Selection, order: readonly number[], id: number, mode: ClickMode): Selection {
  if (mode === 'only') return { selected: new Set([id]), anchor: id };
  if (mode === 'toggle') {
    const next = new Set(s.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { selected: next, anchor: id };
  }
  const from = s.anchor === null ? -1 : order.indexOf(s.anchor);
  const to = order.indexOf(id);
  if (from < 0 || to < 0) return { selected: new Set([id]), anchor: id };
  const [a, b] = from <= to ? [from, to] : [to, from];
  // The range joins what was selected, as with Ctrl held in a file manager
  // after a toggle; the anchor stays for the next Shift-click.
  const next = new Set(s.selected);
  for (let i = a; i <= b; i++) next.add(order[i]!);
  return { selected: next, anchor: s.anchor };
}

export function selectAll(order: readonly number[]): Selection {
  return { selected: new Set(order), anchor: order[0] ?? null };
}

/** keep drops ids that are no longer rows (after a reload) and renames those the server moved. */
export function keep(s: Selection, order: readonly number[], renamed: ReadonlyMap<number, number> = new Map()): Selection {
  const rows = new Set(order);
  const next = new Set<number>();
  for (const id of s.selected) {
    const now = renamed.get(id) ?? id;
    if (rows.has(now)) next.add(now);
  }
  const anchor = s.anchor === null ? null : (renamed.get(s.anchor) ?? s.anchor);
  return { selected: next, anchor: anchor !== null && rows.has(anchor) ? anchor : null };
}

/** The row the arrow keys move to from the active one (clamped at the ends). */
export function move(order: readonly number[], active: number | null, by: number): number | null {
  if (order.length === 0) return null;
  const i = active === null ? -1 : order.indexOf(active);
  if (i < 0) return order[by > 0 ? 0 : order.length - 1]!;
  return order[Math.max(0, Math.min(order.length - 1, i + by))]!;
}
