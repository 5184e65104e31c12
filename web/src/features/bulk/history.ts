// Undo and redo over applied bulk edits: a stack of commands, each a list of
// pairs (the item that does a change and the item that undoes it). The
// server gives an edited or re-added text a new link, so after every
// application the link ids the stacks hold are renamed to the new ones — a
// pair's other side and every other command that names the text.
import type { BulkItem } from './model';

export interface Pair {
  do: BulkItem;
  undo: BulkItem;
}

export interface Command {
  /** What the person did, for the undo and redo buttons' names. */
  label: string;
  pairs: Pair[];
}

export interface History {
  done: Command[];
  undone: Command[];
}

export const emptyHistory: History = { done: [], undone: [] };

export type Side = 'do' | 'undo';

/** The items to send to apply one side of a command. */
export function itemsOf(cmd: Command, side: Side): BulkItem[] {
  return cmd.pairs.map((p) => p[side]);
}

/**
 * applied returns cmd with the results of applying its side (the link each
 * item's text has now, 0 for a removal) taken in, and the renames of link
 * ids the application made (old id → new id).
 */
export function applied(cmd: Command, side: Side, links: readonly number[]): { cmd: Command; renamed: Map<number, number> } {
  const other: Side = side === 'do' ? 'undo' : 'do';
  const renamed = new Map<number, number>();
  const pairs = cmd.pairs.map((p, i) => {
    const item = p[side];
    const now = links[i] ?? 0;
    const back = { ...p[other] };
    if (item.op === 'edit' && item.link_id && now) renamed.set(item.link_id, now);
    // The text re-created by an add is the one the other side removed.
    if (item.op === 'add' && now) {
      if (back.link_id) renamed.set(back.link_id, now);
      back.link_id = now;
    }
    return { ...p, [other]: back } as Pair;
  });
  return { cmd: rename({ ...cmd, pairs }, renamed), renamed };
}

/** rename gives every item of cmd that names an old link its new one. */
export function rename(cmd: Command, renamed: ReadonlyMap<number, number>): Command {
  if (renamed.size === 0) return cmd;
  const item = (it: BulkItem): BulkItem => (it.link_id && renamed.has(it.link_id) ? { ...it, link_id: renamed.get(it.link_id)! } : it);
  return { ...cmd, pairs: cmd.pairs.map((p) => ({ do: item(p.do), undo: item(p.undo) })) };
}

function renameAll(cmds: Command[], renamed: ReadonlyMap<number, number>): Command[] {
  return cmds.map((c) => rename(c, renamed));
}

/** A new command was applied (its do side): it goes on the undo stack and the redo stack empties. */
export function pushed(h: History, cmd: Command, links: readonly number[]): History {
  const r = applied(cmd, 'do', links);
  return { done: [...renameAll(h.done, r.renamed), r.cmd], undone: [] };
}

/** The last command was undone (its undo side applied): it moves to the redo stack. */
export function undone(h: History, links: readonly number[]): History {
  const cmd = h.done.at(-1);
  if (!cmd) return h;
  const r = applied(cmd, 'undo', links);
  return { done: renameAll(h.done.slice(0, -1), r.renamed), undone: [...renameAll(h.undone, r.renamed), r.cmd] };
}

/** The last undone command was redone: it moves back to the undo stack. */
export function redone(h: History, links: readonly number[]): History {
  const cmd = h.undone.at(-1);
  if (!cmd) return h;
  const r = applied(cmd, 'do', links);
  return { done: [...renameAll(h.done, r.renamed), r.cmd], undone: renameAll(h.undone.slice(0, -1), r.renamed) };
}

/** Edits as a command: each text of link → its new text, undone by its old one. */
export function editCommand(label: string, edits: readonly { link: number; before: string; after: string }[]): Command {
  return { label, pairs: edits.map((e) => ({ do: { op: 'edit', link_id: e.link, text: e.after }, undo: { op: 'edit', link_id: e.link, text: e.before } })) };
}

/** Added texts as a command, undone by removing them (their links come with the answer). */
export function addCommand(label: string, adds: readonly BulkItem[]): Command {
  return { label, pairs: adds.map((a) => ({ do: a, undo: { op: 'remove', link_id: 0 } })) };
}
