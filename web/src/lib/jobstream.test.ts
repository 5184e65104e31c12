// The job stream against a stand-in EventSource: payloads reach the screen
// as data, replays are dropped, and a lost connection is the caller's to
// handle when it asks to be told.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openJobStream, type Connection, type StreamEvent } from './jobstream';

class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static last: FakeEventSource | null = null;
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private listeners: Record<string, ((m: MessageEvent<string>) => void)[]> = {};
  constructor(readonly url: string) {
    FakeEventSource.last = this;
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

beforeEach(() => vi.stubGlobal('EventSource', FakeEventSource));
afterEach(() => vi.unstubAllGlobals());

describe('openJobStream', () => {
  it('hands each payload on as data and drops a replayed event', () => {
    const got: StreamEvent[] = [];
    openJobStream(7, 2, (e) => got.push(e));
    const es = FakeEventSource.last!;
    expect(es.url).toBe('/api/jobs/7/events?last_event_id=2');
    const step = { kind: 'ad_group', id: 3, name: 'Winterreifen', operations: 7 };
    es.emit('progress', 2, { done: 0, total: 3, message: 'old' });
    es.emit('progress', 3, { done: 1, total: 3, message: 'Publishing 2/3: ad group Winterreifen', step });
    es.emit('warning', 4, { message: 'too late', code: 'cancel_too_late' });
    es.emit('completed', 5, { campaign_resource: 'customers/1111111111/campaigns/9', status: 'PAUSED' });
    expect(got).toEqual([
      { type: 'PROGRESS', id: 3, done: 1, total: 3, message: 'Publishing 2/3: ad group Winterreifen', data: { done: 1, total: 3, message: 'Publishing 2/3: ad group Winterreifen', step } },
      { type: 'WARNING', id: 4, message: 'too late', data: { message: 'too late', code: 'cancel_too_late' } },
      { type: 'COMPLETED', id: 5, data: { campaign_resource: 'customers/1111111111/campaigns/9', status: 'PAUSED' } },
    ]);
    expect(es.closed).toBe(true);
  });

  it('a failure carries its payload (the run and its problems)', () => {
    const got: StreamEvent[] = [];
    openJobStream(7, 0, (e) => got.push(e));
    FakeEventSource.last!.emit('failed', 9, { error: 'Google Ads refused 1 of the changes', run_id: 4 });
    expect(got).toEqual([{ type: 'FAILED', id: 9, message: 'Google Ads refused 1 of the changes', data: { error: 'Google Ads refused 1 of the changes', run_id: 4 } }]);
  });

  it('tells the caller of the connection, and a lost stream is not reported as the job failing', () => {
    const got: StreamEvent[] = [];
    const conn: Connection[] = [];
    openJobStream(7, 0, (e) => got.push(e), { onConnection: (c) => conn.push(c) });
    const es = FakeEventSource.last!;
    es.open();
    es.fail(FakeEventSource.CONNECTING);
    es.open();
    es.fail(FakeEventSource.CLOSED);
    expect(conn).toEqual(['open', 'retrying', 'open', 'lost']);
    expect(got).toEqual([]);
  });

  it('without a connection listener a refused stream fails the job, as the wizard expects', () => {
    const got: StreamEvent[] = [];
    openJobStream(7, 4, (e) => got.push(e));
    FakeEventSource.last!.fail(FakeEventSource.CLOSED);
    expect(got).toEqual([{ type: 'FAILED', id: 4, message: 'job stream unavailable' }]);
  });

  it('nothing is reported after the caller closed the stream', () => {
    const conn: Connection[] = [];
    const stop = openJobStream(7, 0, () => {}, { onConnection: (c) => conn.push(c) });
    const es = FakeEventSource.last!;
    stop();
    es.fail(FakeEventSource.CLOSED);
    expect(conn).toEqual([]);
  });
});
