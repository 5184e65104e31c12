import { describe, expect, it } from 'vitest';
import type { Asset } from '../../lib/api/client';
import { applyFilter, emptyFilter, index, languages } from './filter';

function asset(id: number, over: Partial<Asset>): Asset {
  return {
    id, type: 'TEXT', content_hash: String(id), name: `asset ${id}`, language: 'de', provenance: { source: 'human' },
    usage_count: 0, version: 1, created_at: '', updated_at: '', ...over,
  } as Asset;
}

const all = [
  asset(1, { text: 'Winterreifen online kaufen', usage_count: 2 }),
  asset(2, { text: 'Buy winter tyres online', language: 'en' }),
  asset(3, { type: 'IMAGE', name: 'Logo Reifen Müller', language: '' , usage_count: 1 }),
  asset(4, { text: 'GRATIS Montage!!!', usage_count: 1 }),
].map(index);

const ids = (xs: { asset: Asset }[]) => xs.map((x) => x.asset.id);

describe('asset filter', () => {
  it('searches text and name case-insensitively', () => {
    expect(ids(applyFilter(all, { ...emptyFilter, q: 'REIFEN' }, new Map()))).toEqual([1, 3]);
    expect(ids(applyFilter(all, { ...emptyFilter, q: 'müller' }, new Map()))).toEqual([3]);
  });
  it('filters by type, language and use', () => {
    expect(ids(applyFilter(all, { ...emptyFilter, type: 'IMAGE' }, new Map()))).toEqual([3]);
    expect(ids(applyFilter(all, { ...emptyFilter, language: 'en' }, new Map()))).toEqual([2]);
    expect(ids(applyFilter(all, { ...emptyFilter, use: 'unused' }, new Map()))).toEqual([2]);
    expect(ids(applyFilter(all, { ...emptyFilter, use: 'used', type: 'TEXT' }, new Map()))).toEqual([1, 4]);
  });
  it('filters by the validity the server reported, unchecked when it did not', () => {
    const v = new Map([[1, true], [2, true], [4, false]]);
    expect(ids(applyFilter(all, { ...emptyFilter, validity: 'valid' }, v))).toEqual([1, 2]);
    expect(ids(applyFilter(all, { ...emptyFilter, validity: 'invalid' }, v))).toEqual([4]);
    expect(ids(applyFilter(all, { ...emptyFilter, validity: 'unchecked' }, v))).toEqual([3]);
  });
  it('lists the languages present', () => {
    expect(languages(all)).toEqual(['de', 'en']);
  });
});
