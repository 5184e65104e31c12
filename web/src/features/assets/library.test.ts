// The library's validity against a stand-in /api/validate that applies each
// field's length limit, as the server's policy does.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFirstReads } from '../../lib/firstreads';
import { Library } from './library.svelte';

const limits: Record<string, number> = { HEADLINE: 30, DESCRIPTION: 90, LONG_HEADLINE: 90, BUSINESS_NAME: 25 };
const texts = [
  'Winterreifen günstig kaufen', // a headline
  'Top-Marken zu fairen Preisen, geliefert in zwei Tagen und montiert in Ihrer Nähe.', // a description
  'x'.repeat(120), // too long for anything
];

function server() {
  const fields: string[] = [];
  const fetch = async (input: Request | string | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(req.url);
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    if (url.pathname === '/api/assets') {
      return json({ items: texts.map((text, i) => ({ id: i + 1, type: 'TEXT', text, name: '', language: 'de', usage_count: 0, version: 1, content_hash: '', created_at: '', updated_at: '', provenance: {} })) });
    }
    if (url.pathname === '/api/validate') {
      const body = (await req.json()) as { items: { field: string; text: string }[] };
      return json({
        items: body.items.map((it) => {
          fields.push(it.field);
          const limit = limits[it.field]!;
          const width = Array.from(it.text).length;
          return { valid: width <= limit, width, limit, violations: width <= limit ? [] : [{ code: 'TOO_LONG', severity: 'error', message: 'too long', start: limit, end: width }] };
        }),
      });
    }
    return new Response('not found', { status: 404 });
  };
  return { fetch, fields };
}

afterEach(() => vi.unstubAllGlobals());

describe('Library loading', () => {
  it('takes its first page from the read the page started, so the server is asked for it once', async () => {
    const s = server();
    const asked: string[] = [];
    vi.stubGlobal('fetch', (input: Request | string | URL, init?: RequestInit) => {
      const u = new URL(input instanceof Request ? input.url : String(input), location.origin);
      if (u.pathname === '/api/assets') asked.push(u.pathname + u.search);
      return s.fetch(input, init);
    });
    startFirstReads('/assets');
    const lib = new Library();
    await lib.load();
    expect(lib.all).toHaveLength(3);
    expect(asked).toEqual(['/api/assets?limit=500&sort=-created']);
  });
});

describe('Library validity', () => {
  it('judges a text as a headline or, when too long for one, as a description', async () => {
    const s = server();
    vi.stubGlobal('fetch', s.fetch);
    const lib = new Library();
    await lib.load();
    await vi.waitFor(() => expect(lib.validity.size).toBe(3));
    expect([...lib.validity.entries()]).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    // Only the two that failed as headlines were checked again.
    expect(s.fields.filter((f) => f === 'DESCRIPTION')).toHaveLength(2);
  });

  it('judges every text against one field when one is chosen', async () => {
    vi.stubGlobal('fetch', server().fetch);
    const lib = new Library();
    await lib.load();
    lib.field = 'HEADLINE';
    await lib.checkValidity();
    expect(lib.validity.get(2)).toBe(false);
  });
});
