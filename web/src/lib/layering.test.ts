// lib/ is what the features share: it may import packages and other lib/
// modules, never a feature (or the app), so no feature's types or state leak
// into the others through it. Every module and test under lib/ is read as
// text and each import it names is resolved.
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob<string>(['./**/*.ts', './**/*.svelte', '!./layering.test.ts'], { query: '?raw', import: 'default', eager: true });

/** The module specifiers a source names: static imports and re-exports, side-effect and dynamic imports. */
function specifiers(source: string): string[] {
  const out: string[] = [];
  for (const re of [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(?\s*['"]([^'"]+)['"]/g]) {
    for (const m of source.matchAll(re)) out.push(m[1]!);
  }
  return out;
}

/** The relative imports of the file at path (relative to lib/, "./a/b.ts") that leave lib/. */
function outsideLib(path: string, source: string): string[] {
  const here = new URL(path, 'file:///src/lib/');
  return specifiers(source).filter((s) => s.startsWith('.') && !new URL(s, here).pathname.startsWith('/src/lib/'));
}

describe('lib/ imports no feature', () => {
  it('finds the modules of lib/', () => {
    expect(Object.keys(sources)).toEqual(expect.arrayContaining(['./jobstream.ts', './validate.ts', './Field.svelte', './api/client.ts']));
  });

  it('no module of lib/ imports from outside lib/', () => {
    const found = Object.entries(sources).flatMap(([path, src]) => outsideLib(path, src).map((s) => `${path}: ${s}`));
    expect(found).toEqual([]);
  });

  it('sees every form of import', () => {
    const src = [
      "import type { StreamEvent } from '../features/wizard/wizard.machine';",
      "import {\n  a,\n  b,\n} from '../../src/features/jobs/x';",
      "export { c } from '../App.svelte';",
      "import '../features/assets/side-effect';",
      "const m = await import('../features/auth/lazy');",
      "import { ok } from './api/client';",
      "import { alsoOk } from '../lib/etag';",
      "import { pkg } from 'xstate';",
    ].join('\n');
    expect(outsideLib('./jobstream.ts', src)).toEqual(['../features/wizard/wizard.machine', '../../src/features/jobs/x', '../App.svelte', '../features/assets/side-effect', '../features/auth/lazy']);
    expect(outsideLib('./api/client.ts', "import { x } from '../etag';")).toEqual([]);
    expect(outsideLib('./api/client.ts', "import { x } from '../../features/wizard/tiles.svelte';")).toEqual(['../../features/wizard/tiles.svelte']);
  });
});
