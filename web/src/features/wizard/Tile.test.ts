import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Tile from './Tile.svelte';
import { i18n } from '../../lib/i18n.svelte';
import { Board, checkPause, TextChecker, Tile as TileModel } from './tiles.svelte';

function tile(text: string) {
  return new TileModel({ owner: 'ad', ownerId: 4, adGroupId: 2, linkId: 9, assetId: 1, field: 'HEADLINE', index: 3, language: 'de', text });
}
const noop = () => {};
const props = (t: TileModel, editable = true) => ({ tile: t, n: 4, editable, onedit: noop, onsave: noop, onpin: noop, onremove: noop, onregenerate: noop });

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** Answers /api/validate like the server's width rule (over 30 is a violation), when released. */
function validateServer() {
  const seen: { lang: string | null; texts: string[]; signal: AbortSignal }[] = [];
  const held: (() => void)[] = [];
  let fail = false;
  vi.stubGlobal('fetch', async (req: Request) => {
    const items = ((await req.json()) as { items: { text: string }[] }).items;
    seen.push({ lang: new URL(req.url).searchParams.get('lang'), texts: items.map((i) => i.text), signal: req.signal });
    await new Promise<void>((r) => held.push(r));
    if (req.signal.aborted) throw new DOMException('aborted', 'AbortError');
    if (fail) return new Response(JSON.stringify({ status: 503, detail: 'validate: unavailable' }), { status: 503 });
    const answer = (text: string) => ({ valid: text.length <= 30, width: text.length, limit: 30, violations: text.length <= 30 ? [] : [{ code: 'L', severity: 'error', message: 'zu lang', start: 30, end: text.length }] });
    return new Response(JSON.stringify({ items: items.map((i) => answer(i.text)) }));
  });
  return {
    seen,
    /** Lets the oldest held request answer. */
    release: () => held.shift()!(),
    failing: () => (fail = true),
  };
}

describe('Tile', () => {
  it('highlights each violation at its span with the rule message, and a width meter', () => {
    const t = tile('Jetzt GRATIS testen!!');
    t.result = {
      valid: false, width: 21, limit: 30,
      violations: [
        { code: 'E3', severity: 'error', message: 'Wiederholte Satzzeichen sind nicht erlaubt.', start: 19, end: 21 },
        { code: 'E5', severity: 'error', message: 'Großbuchstaben nur für Abkürzungen.', start: 6, end: 12 },
      ],
    };
    const { container } = render(Tile, props(t));
    const marks = [...container.querySelectorAll('mark')];
    expect(marks.map((m) => [m.textContent, m.getAttribute('title')])).toEqual([
      ['GRATIS', 'Großbuchstaben nur für Abkürzungen.'],
      ['!!', 'Wiederholte Satzzeichen sind nicht erlaubt.'],
    ]);
    expect(screen.getByText(/Wiederholte Satzzeichen/, { selector: 'li' })).toBeTruthy();
    const meter = container.querySelector('meter')!;
    expect(meter.getAttribute('max')).toBe('30');
    expect(meter.getAttribute('value')).toBe('21');
    expect(container.querySelector('article')!.classList.contains('invalid')).toBe(true);
  });

  it('speaks the marketer\'s language: field names, a counted problem, positions; no rule codes or offsets', () => {
    i18n.set('de');
    const t = tile('Jetzt GRATIS testen');
    t.pinned = 'HEADLINE_2';
    t.result = { valid: false, width: 19, limit: 30, violations: [{ code: 'E5_ALL_CAPS', severity: 'error', message: 'Großbuchstaben nur für Abkürzungen.', start: 6, end: 12 }] };
    const { container } = render(Tile, props(t));
    expect(container.querySelector('.label')!.textContent).toBe('Überschrift 4');
    expect(screen.getByText('1 Problem')).toBeTruthy();
    expect(screen.getByText('Fest auf Position 2')).toBeTruthy();
    expect([...container.querySelectorAll('option')].map((o) => o.textContent)).toEqual(['Nicht angeheftet', 'Position 1', 'Position 2', 'Position 3']);
    expect(container.querySelector('.violations')!.textContent).not.toMatch(/E5_ALL_CAPS|\[\d/);
  });

  it('offers no pinning on a Performance Max text', () => {
    const t = new TileModel({ owner: 'asset_group', ownerId: 7, linkId: 9, assetId: 1, field: 'HEADLINE', index: 0, language: 'de', text: 'Winterreifen' });
    const { container } = render(Tile, props(t));
    expect(container.querySelector('select')).toBeNull();
  });

  it('removes only when asked twice', async () => {
    i18n.set('de');
    const removed: string[] = [];
    const t = tile('Winterreifen kaufen');
    render(Tile, { ...props(t), onremove: (x: TileModel) => removed.push(x.text) });
    const button = screen.getByRole('button', { name: /^Entfernen/ });
    await fireEvent.click(button);
    expect(removed).toEqual([]);
    expect(button.textContent).toContain('Wirklich entfernen?');
    await fireEvent.click(button);
    expect(removed).toEqual(['Winterreifen kaufen']);
  });

  it('renders HTML in the text as text', () => {
    const t = tile('<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>');
    t.result = { valid: false, width: 60, limit: 30, violations: [{ code: 'L', severity: 'error', message: '<b>zu lang</b>', start: 0, end: 5 }] };
    const { container } = render(Tile, props(t));
    expect(container.querySelector('img, script, b')).toBeNull();
    expect(container.querySelector('.preview')!.textContent).toBe(t.text);
    expect(container.textContent).toContain('<b>zu lang</b>');
  });

  it('enables saving only for a changed text the server found valid', async () => {
    const t = tile('Winterreifen kaufen');
    t.result = { valid: true, width: 19, limit: 30, violations: [] };
    render(Tile, props(t));
    const save = screen.getByRole('button', { name: /save text|text speichern/i }) as HTMLButtonElement;
    expect(save.disabled).toBe(true); // unchanged
    t.text = 'Winterreifen online kaufen';
    await Promise.resolve();
    await new Promise((r) => setTimeout(r));
    expect(save.disabled).toBe(false);
    t.result = { valid: false, width: 31, limit: 30, violations: [{ code: 'L', severity: 'error', message: 'too long', start: 30, end: 31 }] };
    await new Promise((r) => setTimeout(r));
    expect(save.disabled).toBe(true);
  });

  it('read-only roles see the tile without edit controls', () => {
    const t = tile('Winterreifen kaufen');
    render(Tile, props(t, false));
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('reports every change of the text, and checks nothing itself', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const edits: string[] = [];
    const t = tile('Alt');
    render(Tile, { ...props(t), onedit: (x: TileModel) => edits.push(x.text) });
    const box = screen.getByRole('textbox');
    await fireEvent.input(box, { target: { value: 'Neu' } });
    await fireEvent.input(box, { target: { value: 'Neuer Titel!' } });
    expect(edits).toEqual(['Neu', 'Neuer Titel!']);
    await new Promise((r) => setTimeout(r, checkPause + 50));
    expect(fetch).not.toHaveBeenCalled();
  });

  it('is read-only while locked', async () => {
    const t = tile('Alt');
    const { rerender } = render(Tile, { ...props(t), locked: true });
    const box = screen.getByRole('textbox') as HTMLTextAreaElement;
    expect(box.readOnly).toBe(true);
    await rerender({ ...props(t), locked: false });
    expect(box.readOnly).toBe(false);
  });
});

describe('tile store', () => {
  it('counts the texts not known to be valid (a violation, or no answer) and slots by field', () => {
    const b = new Board();
    const a = tile('a');
    const c = tile('c');
    const unchecked = tile('u');
    a.result = { valid: false, width: 1, limit: 30, violations: [] };
    c.result = { valid: true, width: 1, limit: 30, violations: [] };
    b.replace([a, c, unchecked]);
    expect(b.counts()).toEqual({ total: 3, invalid: 2 });
    b.remove(a);
    b.remove(unchecked);
    expect(b.counts()).toEqual({ total: 1, invalid: 0 });
    expect(c.slot).toBe('headlines[3]');
  });

  it('a check gives no answer to a text that was edited again meanwhile', async () => {
    const server = validateServer();
    const b = new Board();
    const [x, y] = [tile('abc'), new TileModel({ owner: 'ad', ownerId: 4, linkId: 10, assetId: 2, field: 'HEADLINE', index: 4, language: 'de', text: 'def' })];
    b.replace([x, y]);
    const p = b.check([x, y], 'de');
    await vi.waitFor(() => expect(server.seen).toHaveLength(1));
    x.text = 'abcd'; // typed on before the answer came
    server.release();
    expect(await p).toEqual([y]);
    expect(x.result).toBeNull();
    expect(y.result?.valid).toBe(true);
  });
});

describe('text checker (validating.texts)', () => {
  function board() {
    const b = new Board();
    const ts = [0, 1, 2].map((i) => new TileModel({ owner: 'ad', ownerId: 4, linkId: 20 + i, assetId: i, field: 'HEADLINE', index: i, language: 'de', text: `Reifen ${i}` }));
    for (const t of ts) t.result = { valid: true, width: 8, limit: 30, violations: [] };
    b.replace(ts);
    return { b, ts };
  }
  const long = 'Winterreifen und Sommerreifen günstig kaufen';

  it('asks once per pause, all due texts in one batch in the interface language, and reports each answered edit with the counts after it', async () => {
    vi.useFakeTimers();
    const server = validateServer();
    const { b, ts } = board();
    const reports: unknown[] = [];
    const checker = new TextChecker(b, () => 'en', (seqs, counts) => reports.push([seqs, counts]));
    ts[0]!.text = 'Reif';
    checker.request({ [ts[0]!.key]: 1 });
    await vi.advanceTimersByTimeAsync(checkPause - 1);
    ts[0]!.text = long;
    ts[0]!.checking = ts[2]!.checking = true;
    checker.request({ [ts[0]!.key]: 2, [ts[2]!.key]: 3 });
    await vi.advanceTimersByTimeAsync(checkPause - 1);
    expect(server.seen).toHaveLength(0); // each request starts the pause again
    await vi.advanceTimersByTimeAsync(1);
    expect(server.seen.map((s) => [s.lang, s.texts])).toEqual([['en', [long, 'Reifen 2']]]);
    server.release();
    await vi.waitFor(() => expect(reports).toHaveLength(1));
    expect(reports).toEqual([[{ [ts[0]!.key]: 2, [ts[2]!.key]: 3 }, { total: 3, invalid: 1 }]]);
    expect([ts[0]!.result?.valid, ts[0]!.checking, ts[2]!.checking]).toEqual([false, false, false]);
  });

  it('an answer for a text edited again meanwhile is neither applied nor reported; the newer one is', async () => {
    vi.useFakeTimers();
    const server = validateServer();
    const { b, ts } = board();
    const reports: Record<string, number>[] = [];
    const checker = new TextChecker(b, () => 'de', (seqs) => reports.push(seqs));
    const k = ts[1]!.key;
    ts[1]!.text = long;
    checker.request({ [k]: 1 });
    await vi.advanceTimersByTimeAsync(checkPause);
    expect(server.seen).toHaveLength(1);
    ts[1]!.text = 'Reifen neu'; // edited while its first check is under way
    ts[1]!.checking = true;
    checker.request({ [k]: 2 });
    server.release(); // the answer for the long text
    await vi.advanceTimersByTimeAsync(0);
    expect(reports).toEqual([]);
    expect(ts[1]!.result?.valid).toBe(true); // not the long text's answer
    expect(ts[1]!.checking).toBe(true);
    await vi.advanceTimersByTimeAsync(checkPause);
    expect(server.seen.map((s) => s.texts)).toEqual([[long], ['Reifen neu']]);
    server.release();
    await vi.waitFor(() => expect(reports).toEqual([{ [k]: 2 }]));
    expect([ts[1]!.result?.width, ts[1]!.checking]).toEqual([10, false]);
  });

  it('a failed check leaves the text without an answer, with a worded error (not the server\'s): it counts as not valid', async () => {
    vi.useFakeTimers();
    const server = validateServer();
    server.failing();
    const { b, ts } = board();
    const reports: unknown[] = [];
    const checker = new TextChecker(b, () => 'de', (seqs, counts) => reports.push([seqs, counts]));
    checker.request({ [ts[0]!.key]: 5 });
    await vi.advanceTimersByTimeAsync(checkPause);
    server.release();
    await vi.waitFor(() => expect(reports).toHaveLength(1));
    expect(reports).toEqual([[{ [ts[0]!.key]: 5 }, { total: 3, invalid: 1 }]]);
    expect([ts[0]!.result, ts[0]!.error]).toEqual([null, i18n.t('tile.checkFailed')]);
  });

  it('a text no longer on the board is answered at once, without asking', async () => {
    vi.useFakeTimers();
    const server = validateServer();
    const { b } = board();
    const reports: unknown[] = [];
    const checker = new TextChecker(b, () => 'de', (seqs) => reports.push(seqs));
    checker.request({ 'ad-4-HEADLINE-99': 1 });
    await vi.advanceTimersByTimeAsync(checkPause);
    expect(reports).toEqual([{ 'ad-4-HEADLINE-99': 1 }]);
    expect(server.seen).toHaveLength(0);
  });

  it('stopping drops the check under way and the ones due', async () => {
    vi.useFakeTimers();
    const server = validateServer();
    const { b, ts } = board();
    const reports: unknown[] = [];
    const checker = new TextChecker(b, () => 'de', (seqs) => reports.push(seqs));
    ts[0]!.text = long;
    checker.request({ [ts[0]!.key]: 1 });
    await vi.advanceTimersByTimeAsync(checkPause);
    checker.request({ [ts[1]!.key]: 2 });
    checker.stop();
    expect(server.seen[0]!.signal.aborted).toBe(true);
    server.release();
    await vi.advanceTimersByTimeAsync(checkPause * 2);
    expect(server.seen).toHaveLength(1);
    expect(reports).toEqual([]);
    expect(ts[0]!.result?.valid).toBe(true); // the old answer stands, untouched
  });
});

describe('board sync (a reloaded tree onto the same board)', () => {
  const h = (linkId: number, text: string, index: number, pinned: string | null = null) =>
    new TileModel({ owner: 'ad', ownerId: 4, adGroupId: 2, linkId, assetId: linkId, field: 'HEADLINE', index, language: 'de', text, pinned });
  const ok = { valid: true, width: 5, limit: 30, violations: [] };

  it('keeps the tiles of links that are still there, with their checks and unsaved edits, and takes the server text, pin and position', () => {
    const b = new Board();
    const [a, c, d, e] = [h(1, 'eins', 0), h(2, 'zwei', 1), h(3, 'drei', 2), h(4, 'vier', 3)];
    for (const t of [a, c, d, e]) t.result = ok;
    b.replace([a, c, d, e], new Map([[4, 2]]));
    d.text = 'drei, ungespeichert'; // being edited here
    const unchecked = b.sync([h(1, 'eins', 0, 'HEADLINE_1'), h(2, 'zwei anders', 1), h(3, 'drei von woanders', 2), h(9, 'neu', 3)], new Map([[4, 3]]));
    expect(b.tiles.slice(0, 3)).toEqual([a, c, d]); // the same objects: same DOM
    expect(a.pinned).toBe('HEADLINE_1');
    expect(a.result).toBe(ok); // text unchanged: its check stands
    expect([c.text, c.saved, c.result]).toEqual(['zwei anders', 'zwei anders', null]);
    expect([d.text, d.saved, d.dirty]).toEqual(['drei, ungespeichert', 'drei von woanders', true]);
    expect(d.result).toBe(ok);
    expect(b.tiles).not.toContain(e); // its link is gone
    expect(b.tiles[3]!.text).toBe('neu');
    expect(unchecked).toEqual([c, b.tiles[3]]);
    expect(b.adVersions.get(4)).toBe(3);
  });

  it('gives a new tile a key of its own when a kept tile was born with that link id', () => {
    const b = new Board();
    const a = h(7, 'eins', 0);
    b.replace([a]);
    a.linkId = 8; // relinked by a save of this tab
    b.sync([h(8, 'eins', 0), h(7, 'zwei', 1)], new Map());
    expect(b.tiles[0]).toBe(a);
    const keys = b.tiles.map((t) => t.key);
    expect(new Set(keys).size).toBe(2);
    expect(keys[0]).toBe('ad-4-HEADLINE-7');
  });

  it('checks only the given tiles, and keeps no answer for a text edited meanwhile', async () => {
    const seen: unknown[] = [];
    let release!: () => void;
    vi.stubGlobal('fetch', async (req: Request) => {
      seen.push(((await req.json()) as { items: { text: string }[] }).items.map((i) => i.text));
      await new Promise<void>((r) => (release = r));
      return new Response(JSON.stringify({ items: [{ valid: true, width: 4, limit: 30, violations: [] }, { valid: true, width: 4, limit: 30, violations: [] }] }));
    });
    const b = new Board();
    const [a, c, d] = [h(1, 'eins', 0), h(2, 'zwei', 1), h(3, 'drei', 2)];
    b.replace([a, c, d]);
    const p = b.validateAll('de', [a, c]);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    c.text = 'zwei!';
    release();
    await p;
    expect(seen).toEqual([['eins', 'zwei']]);
    expect(a.result?.valid).toBe(true);
    expect(c.result).toBeNull();
    expect(d.result).toBeNull();
  });
});

describe('arrivals', () => {
  it('shows each event of the stream once, even when a resumed stream sends it again', () => {
    const board = new Board();
    board.arrived({ text: 'Winterreifen kaufen', seq: 4 });
    board.arrived({ text: 'Reifen Müller', seq: 5 });
    board.arrived({ text: 'Winterreifen kaufen', seq: 4 });
    expect(board.arrivals.map((a) => a.seq)).toEqual([4, 5]);
  });
});
