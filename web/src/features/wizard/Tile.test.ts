import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Tile from './Tile.svelte';
import { Board, Tile as TileModel, validateTile } from './tiles.svelte';

function tile(text: string) {
  return new TileModel({ owner: 'ad', ownerId: 4, adGroupId: 2, linkId: 9, assetId: 1, field: 'HEADLINE', index: 3, language: 'de', text });
}
const noop = () => {};
const props = (t: TileModel, editable = true) => ({ tile: t, n: 4, editable, onsave: noop, onpin: noop, onremove: noop, onregenerate: noop });

afterEach(() => vi.unstubAllGlobals());

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

  it('validates through the API after typing stops', async () => {
    const calls: unknown[] = [];
    vi.stubGlobal('fetch', async (req: Request) => {
      const u = new URL(req.url);
      calls.push([u.pathname + u.search, await req.json()]);
      return new Response(JSON.stringify({ items: [{ valid: true, width: 12, limit: 30, violations: [] }] }), { status: 200 });
    });
    const t = tile('Alt');
    render(Tile, props(t));
    const box = screen.getByRole('textbox');
    await fireEvent.input(box, { target: { value: 'Neuer Titel!' } });
    await vi.waitFor(() => expect(t.result?.width).toBe(12), { timeout: 1000 });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([expect.stringMatching(/^\/api\/validate\?lang=(de|en)$/), { items: [{ field: 'HEADLINE', text: 'Neuer Titel!', language: 'de' }] }]);
  });
});

describe('tile store', () => {
  it('drops an answer for a text that was edited again meanwhile', async () => {
    let release!: () => void;
    vi.stubGlobal('fetch', () => new Promise<Response>((res) => (release = () => res(new Response(JSON.stringify({ items: [{ valid: true, width: 3, limit: 30, violations: [] }] }))))));
    const t = tile('abc');
    const p = validateTile(t, 'de');
    t.text = 'abcd'; // typed on before the answer came
    release();
    await p;
    expect(t.result).toBeNull();
    expect(t.checking).toBe(true); // the newer text's check is still due
  });

  it('counts invalid tiles and slots by field', () => {
    const b = new Board();
    const a = tile('a');
    const c = tile('c');
    a.result = { valid: false, width: 1, limit: 30, violations: [] };
    c.result = { valid: true, width: 1, limit: 30, violations: [] };
    b.replace([a, c]);
    expect(b.counts()).toEqual({ total: 2, invalid: 1 });
    b.remove(a);
    expect(b.counts()).toEqual({ total: 1, invalid: 0 });
    expect(c.slot).toBe('headlines[3]');
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
