// A dropped connection against a stand-in EventSource and fetch: the job's
// stream is opened again after the last event seen, reads wait for the
// server, and the browser's "Failed to fetch" never becomes the wizard's
// error.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api/client';
import type { StreamEvent } from '../../lib/jobstream';
import { backoff, connectionLost, followJob, Link, once, retrying } from './connection.svelte';

class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private listeners: Record<string, ((m: MessageEvent<string>) => void)[]> = {};
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, fn: (m: MessageEvent<string>) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  close() {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  emit(type: string, id: number, data: unknown) {
    for (const fn of this.listeners[type] ?? []) fn({ lastEventId: String(id), data: JSON.stringify(data) } as MessageEvent<string>);
  }
  fail(state: number) {
    this.readyState = state;
    this.onerror?.();
  }
}

/** fetch as the network behaves: down (rejects like a browser) or up (the job, or 404). */
let network: 'down' | 'up' | 'gone';
const reads: string[] = [];
beforeEach(() => {
  FakeEventSource.all = [];
  reads.length = 0;
  network = 'up';
  vi.useFakeTimers();
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('fetch', async (req: Request) => {
    reads.push(new URL(req.url).pathname);
    if (network === 'down') throw new TypeError('Failed to fetch');
    if (network === 'gone') return new Response(JSON.stringify({ status: 404, detail: 'no job 7' }), { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
    return new Response(JSON.stringify({ id: 7, state: 'running', kind: 'generate' }), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('followJob', () => {
  it('a stream the browser gave up on is opened again, after the job was read again, from the last event seen; the job then completes', async () => {
    const link = new Link();
    const got: StreamEvent[] = [];
    followJob(7, 0, (e) => got.push(e), link);
    const first = FakeEventSource.all[0]!;
    first.open();
    first.emit('progress', 1, { done: 1, total: 4 });
    first.emit('item', 2, { text: 'Reifen kaufen' });
    // The network goes: the browser closes the stream.
    network = 'down';
    first.fail(FakeEventSource.CLOSED);
    expect(link.lost).toBe(true);
    expect(got.some((e) => e.type === 'FAILED')).toBe(false);
    // While the network is down the job cannot be read: it is tried again, with growing pauses.
    await vi.advanceTimersByTimeAsync(backoff(0) + backoff(0) + backoff(1));
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(FakeEventSource.all).toHaveLength(1);
    expect(link.lost).toBe(true);
    network = 'up';
    await vi.advanceTimersByTimeAsync(backoff(5));
    expect(FakeEventSource.all).toHaveLength(2);
    const second = FakeEventSource.all[1]!;
    expect(second.url).toBe('/api/jobs/7/events?last_event_id=2');
    second.open();
    expect(link.lost).toBe(false);
    second.emit('item', 3, { text: 'Reifen montieren' });
    second.emit('completed', 4, {});
    expect(got.map((e) => e.type)).toEqual(['PROGRESS', 'ITEM', 'ITEM', 'COMPLETED']);
  });

  it("the browser's own reconnect is shown as lost until the stream is open again", () => {
    const link = new Link();
    followJob(7, 5, () => {}, link);
    const es = FakeEventSource.all[0]!;
    es.open();
    es.fail(FakeEventSource.CONNECTING);
    expect(link.lost).toBe(true);
    es.open();
    expect(link.lost).toBe(false);
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('a job the server no longer knows fails the generation', async () => {
    const link = new Link();
    const got: StreamEvent[] = [];
    followJob(7, 3, (e) => got.push(e), link);
    network = 'gone';
    FakeEventSource.all[0]!.fail(FakeEventSource.CLOSED);
    await vi.advanceTimersByTimeAsync(backoff(0));
    expect(got).toEqual([{ type: 'FAILED', id: 3, message: 'job stream unavailable' }]);
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('stopping it while it waits opens nothing more', async () => {
    const link = new Link();
    const stop = followJob(7, 0, () => {}, link);
    FakeEventSource.all[0]!.fail(FakeEventSource.CLOSED);
    stop();
    expect(link.lost).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeEventSource.all).toHaveLength(1);
    expect(reads).toEqual([]);
  });
});

describe('retrying and once', () => {
  it('a read waits out network errors and says so; an answer clears it', async () => {
    const link = new Link();
    let n = 0;
    const read = retrying(link, async () => {
      if (++n < 3) throw new TypeError('Failed to fetch');
      return 'tree';
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(link.lost).toBe(true);
    await vi.advanceTimersByTimeAsync(backoff(0) + backoff(1));
    await expect(read).resolves.toBe('tree');
    expect(link.lost).toBe(false);
  });

  it("an error the server answered with is the caller's at once", async () => {
    const link = new Link();
    const refused = new ApiError(422, { status: 422, detail: 'nope' });
    await expect(retrying(link, async () => Promise.reject(refused))).rejects.toBe(refused);
    expect(link.lost).toBe(false);
  });

  it('a read stops waiting when it is aborted', async () => {
    const link = new Link();
    const stop = new AbortController();
    const read = retrying(link, async () => Promise.reject(new TypeError('Failed to fetch')), stop.signal);
    const settled = read.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    stop.abort(new Error('stopped'));
    expect(await settled).toEqual(new Error('stopped'));
  });

  it("a write's network error becomes the worded connectionLost, not the browser's message", async () => {
    await expect(once(async () => Promise.reject(new TypeError('Failed to fetch')))).rejects.toThrow(connectionLost);
    const refused = new ApiError(409, { status: 409, detail: 'conflict' });
    await expect(once(async () => Promise.reject(refused))).rejects.toBe(refused);
  });
});
