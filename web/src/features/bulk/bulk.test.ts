// The bulk editor's pure logic: find and replace, selection, the undo and
// redo stack with the links the server renames, paste limits and the keys.
import { describe, expect, it } from 'vitest';
import { addCommand, editCommand, emptyHistory, itemsOf, pushed, redone, undone } from './history';
import { keyAction, shortcuts } from './keys';
import type { TextGrid, TextRow } from './model';
import { planPaste } from './paste';
import { previewReplace, replaceAll } from './replace';
import { click, empty, keep, modeOf, move, selectAll } from './selection';

const row = (link_id: number, text: string, owner_id = 1, field_type = 'HEADLINE'): TextRow => ({
  link_id,
  asset_id: link_id * 10,
  owner_kind: 'ad',
  owner_id,
  field_type,
  position: 0,
  text,
});

describe('find and replace', () => {
  it('replaces every occurrence, as plain text, with or without case', () => {
    expect(replaceAll('Reifen und reifen', 'reifen', 'Räder', true)).toBe('Reifen und Räder');
    expect(replaceAll('Reifen und reifen', 'reifen', 'Räder', false)).toBe('Räder und Räder');
    expect(replaceAll('Preis: 9.99 (netto)', '9.99 (', '10 (', true)).toBe('Preis: 10 (netto)');
    expect(replaceAll('a.b.c', '.', '', true)).toBe('abc');
    expect(replaceAll('ÜBER über', 'über', 'unter', false)).toBe('unter unter');
    expect(replaceAll('😀 Reifen 😀', '😀', '', false)).toBe(' Reifen ');
    expect(replaceAll('unchanged', '', 'x', false)).toBe('unchanged');
    expect(replaceAll('aaa', 'aa', 'b', true)).toBe('ba');
  });

  it('previews only the selected rows the replacement changes, in grid order', () => {
    const rows = [row(1, 'Winterreifen kaufen'), row(2, 'Sommerreifen'), row(3, 'Winter-Angebot'), row(4, 'Winterjacke')];
    const p = previewReplace(rows, new Set([3, 1, 2]), 'winter', 'Frühjahr', false);
    expect(p.map((x) => [x.row.link_id, x.after])).toEqual([
      [1, 'Frühjahrreifen kaufen'],
      [3, 'Frühjahr-Angebot'],
    ]);
    expect(previewReplace(rows, new Set([1, 3]), 'winter', 'Sommer', true)).toEqual([]);
  });
});

describe('selection', () => {
  const order = [10, 11, 12, 13, 14];
  it('clicks select one, Ctrl toggles, Shift takes the range from the anchor', () => {
    let s = click(empty, order, 11, 'only');
    expect([...s.selected]).toEqual([11]);
    s = click(s, order, 13, modeOf({ shiftKey: true, ctrlKey: false, metaKey: false }));
    expect([...s.selected].sort()).toEqual([11, 12, 13]);
    s = click(s, order, 12, modeOf({ shiftKey: false, ctrlKey: false, metaKey: true }));
    expect([...s.selected].sort()).toEqual([11, 13]);
    // The anchor moved to 12 with the toggle: Shift-click up to 10.
    s = click(s, order, 10, 'range');
    expect([...s.selected].sort()).toEqual([10, 11, 12, 13]);
    expect([...click(s, order, 14, 'only').selected]).toEqual([14]);
    expect(selectAll(order).selected.size).toBe(5);
  });

  it('keeps the selection over a reload, following renamed rows and dropping gone ones', () => {
    const s = { selected: new Set([10, 11, 12]), anchor: 12 };
    const k = keep(s, [10, 20, 13], new Map([[12, 20]]));
    expect([...k.selected].sort()).toEqual([10, 20]);
    expect(k.anchor).toBe(20);
  });

  it('moves with the arrows and stops at the ends', () => {
    expect(move(order, null, 1)).toBe(10);
    expect(move(order, null, -1)).toBe(14);
    expect(move(order, 12, 1)).toBe(13);
    expect(move(order, 14, 1)).toBe(14);
    expect(move(order, 10, -1)).toBe(10);
    expect(move([], 3, 1)).toBeNull();
  });
});

describe('undo and redo', () => {
  it('undoes and redoes edits, following the links the server gives each edited text', () => {
    let h = pushed(emptyHistory, editCommand('replace', [{ link: 1, before: 'Alt', after: 'Neu' }]), [101]);
    expect(h.done).toHaveLength(1);
    expect(itemsOf(h.done[0]!, 'undo')).toEqual([{ op: 'edit', link_id: 101, text: 'Alt' }]);
    // A second edit of the same text, then undo both and redo both.
    h = pushed(h, editCommand('edit', [{ link: 101, before: 'Neu', after: 'Neuer' }]), [102]);
    expect(itemsOf(h.done[1]!, 'undo')).toEqual([{ op: 'edit', link_id: 102, text: 'Neu' }]);
    h = undone(h, [103]);
    // The first command's undo now names the text's new link.
    expect(itemsOf(h.done[0]!, 'undo')).toEqual([{ op: 'edit', link_id: 103, text: 'Alt' }]);
    h = undone(h, [104]);
    expect(h.done).toHaveLength(0);
    expect(h.undone.map((c) => c.label)).toEqual(['edit', 'replace']);
    expect(itemsOf(h.undone[1]!, 'do')).toEqual([{ op: 'edit', link_id: 104, text: 'Neu' }]);
    h = redone(h, [105]);
    expect(itemsOf(h.undone[0]!, 'do')).toEqual([{ op: 'edit', link_id: 105, text: 'Neuer' }]);
    h = redone(h, [106]);
    expect(h.undone).toHaveLength(0);
    expect(itemsOf(h.done[1]!, 'undo')).toEqual([{ op: 'edit', link_id: 106, text: 'Neu' }]);
  });

  it('undoes a paste by removing the added texts, and redo adds them again', () => {
    const add = { op: 'add' as const, ad_id: 2, field_type: 'HEADLINE', text: 'Montage' };
    let h = pushed(emptyHistory, addCommand('paste', [add]), [50]);
    expect(itemsOf(h.done[0]!, 'undo')).toEqual([{ op: 'remove', link_id: 50 }]);
    h = undone(h, [0]);
    expect(itemsOf(h.undone[0]!, 'do')).toEqual([add]);
    h = redone(h, [51]);
    expect(itemsOf(h.done[0]!, 'undo')).toEqual([{ op: 'remove', link_id: 51 }]);
  });

  it('a new command empties the redo stack', () => {
    let h = pushed(emptyHistory, editCommand('a', [{ link: 1, before: 'x', after: 'y' }]), [2]);
    h = undone(h, [3]);
    expect(h.undone).toHaveLength(1);
    h = pushed(h, editCommand('b', [{ link: 3, before: 'x', after: 'z' }]), [4]);
    expect(h.undone).toHaveLength(0);
    expect(undone(emptyHistory, [])).toBe(emptyHistory);
    expect(redone(emptyHistory, [])).toBe(emptyHistory);
  });
});

describe('paste', () => {
  const grid: Pick<TextGrid, 'fields' | 'texts'> = {
    fields: [
      { owner_kind: 'ad', field_type: 'HEADLINE', max: 3, limit: 30 },
      { owner_kind: 'ad', field_type: 'DESCRIPTION', max: 4, limit: 90 },
    ],
    texts: [row(1, 'Eins', 7), row(2, 'Zwei', 7), row(3, 'Drei', 8)],
  };
  it('adds texts up to the cap of each field type, skipping duplicates and fields the target lacks', () => {
    const plan = planPaste(grid, { kind: 'ad', id: 7, name: 'Ziel' }, [
      { field: 'HEADLINE', text: 'Drei' },
      { field: 'HEADLINE', text: 'eins' },
      { field: 'HEADLINE', text: ' Zwei ' },
      { field: 'HEADLINE', text: 'Vier' },
      { field: 'DESCRIPTION', text: 'Eine Beschreibung.' },
      { field: 'LONG_HEADLINE', text: 'Lang' },
    ]);
    expect(plan.items).toEqual([
      { op: 'add', ad_id: 7, field_type: 'HEADLINE', text: 'Drei' },
      { op: 'add', ad_id: 7, field_type: 'DESCRIPTION', text: 'Eine Beschreibung.' },
    ]);
    expect(plan.skipped.map((s) => [s.text, s.reason])).toEqual([
      ['eins', 'full'],
      [' Zwei ', 'duplicate'],
      ['Vier', 'full'],
      ['Lang', 'field'],
    ]);
  });
});

describe('keys', () => {
  const k = (key: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
    key,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    ...mods,
  });
  it('maps the shortcuts the help lists', () => {
    expect(keyAction(k('ArrowDown'), false)).toBe('down');
    expect(keyAction(k('ArrowUp'), false)).toBe('up');
    expect(keyAction(k(' '), false)).toBe('toggle');
    expect(keyAction(k('Enter'), false)).toBe('edit');
    expect(keyAction(k('Escape'), false)).toBe('cancel');
    expect(keyAction(k('?', { shiftKey: true }), false)).toBe('help');
    expect(keyAction(k('z', { ctrlKey: true }), false)).toBe('undo');
    expect(keyAction(k('Z', { ctrlKey: true, shiftKey: true }), false)).toBe('redo');
    expect(keyAction(k('y', { ctrlKey: true }), false)).toBe('redo');
    expect(keyAction(k('z', { metaKey: true }), false)).toBe('undo');
    expect(keyAction(k('a', { ctrlKey: true }), false)).toBe('selectAll');
    expect(keyAction(k('c', { ctrlKey: true }), false)).toBe('copy');
    expect(keyAction(k('v', { ctrlKey: true }), false)).toBe('paste');
    expect(keyAction(k('x'), false)).toBeNull();
    expect(new Set(shortcuts.map((s) => s.action)).size).toBe(shortcuts.length);
  });
  it('leaves typing in a text field alone, but Enter and Esc still save and cancel', () => {
    expect(keyAction(k(' '), true)).toBeNull();
    expect(keyAction(k('ArrowUp'), true)).toBeNull();
    expect(keyAction(k('z', { ctrlKey: true }), true)).toBeNull();
    expect(keyAction(k('Enter'), true)).toBe('edit');
    expect(keyAction(k('Escape'), true)).toBe('cancel');
  });
});
