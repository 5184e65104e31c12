// The grid's keyboard shortcuts: one table, so the help dialog lists exactly
// what the keys do.

export type KeyAction = 'up' | 'down' | 'toggle' | 'edit' | 'cancel' | 'undo' | 'redo' | 'selectAll' | 'copy' | 'paste' | 'help';

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** The keys of each action as the help lists them (Ctrl is Cmd on a Mac). */
export const shortcuts: readonly { action: KeyAction; keys: string }[] = [
  { action: 'up', keys: '↑' },
  { action: 'down', keys: '↓' },
  { action: 'toggle', keys: 'Space' },
  { action: 'edit', keys: 'Enter' },
  { action: 'cancel', keys: 'Esc' },
  { action: 'selectAll', keys: 'Ctrl+A' },
  { action: 'copy', keys: 'Ctrl+C' },
  { action: 'paste', keys: 'Ctrl+V' },
  { action: 'undo', keys: 'Ctrl+Z' },
  { action: 'redo', keys: 'Ctrl+Shift+Z / Ctrl+Y' },
  { action: 'help', keys: '?' },
];

/**
 * keyAction is what a key press on the grid does; null leaves it to the
 * browser. inField: the focus is in a text field, where letters, Space,
 * arrows and the clipboard keys keep their usual meaning.
 */
export function keyAction(e: KeyLike, inField: boolean): KeyAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.key === 'Escape') return 'cancel';
  if (inField) return e.key === 'Enter' ? 'edit' : null;
  if (mod && !e.altKey) {
    if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (k === 'y') return 'redo';
    if (k === 'a') return 'selectAll';
    if (k === 'c') return 'copy';
    if (k === 'v') return 'paste';
    return null;
  }
  if (e.altKey) return null;
  switch (e.key) {
    case 'ArrowUp':
      return 'up';
    case 'ArrowDown':
      return 'down';
    case ' ':
      return 'toggle';
    case 'Enter':
      return 'edit';
    case '?':
      return 'help';
  }
  return null;
}
