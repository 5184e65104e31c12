import { describe, expect, it } from 'vitest';
import { ApiError } from './api/client';
import { etagFrom, etagOf, ifMatch, isStale, Latest, versionOf } from './etag';

describe('etag', () => {
  it('writes and reads the ETags of this API', () => {
    expect(etagOf(12)).toBe('"12"');
    expect(versionOf('"12"')).toBe(12);
    expect(versionOf('W/"12"')).toBe(12);
    for (const bad of [null, undefined, '', '*', '12', '"0"', '"-3"', '"1", "2"', '"abc"', `"${'9'.repeat(20)}"`]) expect(versionOf(bad), String(bad)).toBeNull();
  });

  it('takes the ETag header of an answer, and the body version only when the header is missing', () => {
    expect(etagFrom(new Response('{}', { headers: { ETag: '"7"' } }), 3)).toBe('"7"');
    expect(etagFrom(new Response('{}'), 3)).toBe('"3"');
    expect(etagFrom(new Response('{}'))).toBeNull();
  });

  it('never builds an If-Match without a version: no unconditional write by accident', () => {
    expect(ifMatch('"5"')).toEqual({ 'If-Match': '"5"' });
    for (const bad of [null, undefined, '', '*', 'W/']) expect(() => ifMatch(bad), String(bad)).toThrow(/no ETag/);
  });

  it('knows a 412 from other refusals', () => {
    expect(isStale(new ApiError(412, { current_etag: '"9"' }))).toBe(true);
    expect(isStale(new ApiError(409, {}))).toBe(false);
    expect(isStale(new ApiError(428, {}))).toBe(false);
    expect(isStale(new Error('412'))).toBe(false);
    expect(isStale(null)).toBe(false);
  });
});

describe('Latest', () => {
  it('shows answers in order, and never an older answer after a newer one', () => {
    const l = new Latest();
    const a = l.next();
    const b = l.next();
    expect(l.superseded(a)).toBe(true);
    expect(l.superseded(b)).toBe(false);
    expect(l.accept(b)).toBe(true); // the newer load answered first
    expect(l.accept(a)).toBe(false); // the older answer is dropped
    const c = l.next();
    expect(l.accept(c)).toBe(true);
    expect(l.accept(c)).toBe(false); // one answer per ticket
    expect(l.accept(c + 1)).toBe(false); // no ticket that was never issued
  });

  it('shows an older answer while the newer one is still out', () => {
    const l = new Latest();
    const a = l.next();
    const b = l.next();
    expect(l.accept(a)).toBe(true);
    expect(l.accept(b)).toBe(true);
  });
});
