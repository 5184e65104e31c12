// Follows a job's server-sent events. The first connection asks for the
// events after lastEventId (?last_event_id=), so a reloaded page continues
// where it was; EventSource's own reconnects send Last-Event-ID. Events are
// delivered at most once per id: a replay after a reconnect is dropped, but
// for the terminal event, which closes the stream. Each event carries the
// job's own payload as data (a publish step, a job's result, the problems
// of a failure), for the screen that knows its job.

/** An accepted item as the job's stream announces it. */
export interface StreamItem {
  text: string;
  /** Where it goes: "headlines[3]", "descriptions[0]" … */
  slot?: string;
  field_type?: string;
  asset_id?: number;
  ad_id?: number;
  ad_group_id?: number;
  asset_group_id?: number;
  /** Who wrote it: "offline" (the offline writer, no language model configured) or "llm". */
  source?: string;
  /** The event's sequence number in the job's stream, once it arrived. */
  seq?: number;
}

/** What the stream delivers, as events for whoever follows the job; id is the SSE sequence number. */
export type StreamEvent =
  | { type: 'PROGRESS'; id: number; done: number; total: number; message?: string; data?: Record<string, unknown> }
  | { type: 'ITEM'; id: number; item: StreamItem }
  | { type: 'WARNING'; id: number; message: string; data?: Record<string, unknown> }
  | { type: 'COMPLETED'; id: number; data?: Record<string, unknown> }
  | { type: 'FAILED'; id: number; message: string; data?: Record<string, unknown> }
  | { type: 'CANCELLED'; id: number; data?: Record<string, unknown> };

/**
 * The connection, for a screen that shows it: open (again), retrying (the
 * browser reconnects by itself), or lost (the server refused the stream;
 * it is closed, and opening it again is the caller's decision).
 */
export type Connection = 'open' | 'retrying' | 'lost';

export interface StreamOptions {
  /**
   * Told of the connection. Without it a lost stream is reported as the
   * job's failure (FAILED "job stream unavailable").
   */
  onConnection?: (c: Connection) => void;
}

export function openJobStream(jobId: number, lastEventId: number, send: (e: StreamEvent) => void, opts: StreamOptions = {}): () => void {
  const es = new EventSource(`/api/jobs/${jobId}/events?last_event_id=${lastEventId}`, { withCredentials: true });
  let last = lastEventId;
  let ended = false;

  function on(type: string, handle: (id: number, data: Record<string, unknown>) => StreamEvent) {
    es.addEventListener(type, (m: MessageEvent<string>) => {
      const id = Number(m.lastEventId);
      // A finished job's terminal event is sent again to a stream resumed at
      // or past its end: it always ends the stream, whatever its id.
      const terminal = type === 'completed' || type === 'failed' || type === 'cancelled';
      if (Number.isFinite(id) && id <= last && !terminal) return;
      if (Number.isFinite(id)) last = id;
      let data: Record<string, unknown> = {};
      try {
        data = m.data ? (JSON.parse(m.data) as Record<string, unknown>) : {};
      } catch {
        data = { message: m.data };
      }
      const ev = handle(last, data);
      if (ev.type === 'COMPLETED' || ev.type === 'FAILED' || ev.type === 'CANCELLED') {
        // The server ends the stream here; closing first stops EventSource
        // from reconnecting to a finished job.
        ended = true;
        es.close();
      }
      send(ev);
    });
  }
  const text = (d: Record<string, unknown>) => String(d['message'] ?? d['error'] ?? d['detail'] ?? '');
  on('progress', (id, d) => ({ type: 'PROGRESS', id, done: Number(d['done'] ?? 0), total: Number(d['total'] ?? 0), message: text(d), data: d }));
  on('item', (id, d) => ({ type: 'ITEM', id, item: d as unknown as StreamItem }));
  on('warning', (id, d) => ({ type: 'WARNING', id, message: text(d), data: d }));
  on('completed', (id, d) => ({ type: 'COMPLETED', id, data: d }));
  on('failed', (id, d) => ({ type: 'FAILED', id, message: text(d) || 'failed', data: d }));
  on('cancelled', (id, d) => ({ type: 'CANCELLED', id, data: d }));
  es.onopen = () => {
    if (!ended) opts.onConnection?.('open');
  };
  es.onerror = () => {
    if (ended) return;
    // CONNECTING means EventSource retries by itself; CLOSED means the server
    // refused the stream (404, 401, a proxy's 502): it is not retried.
    if (es.readyState !== EventSource.CLOSED) opts.onConnection?.('retrying');
    else if (opts.onConnection) {
      ended = true;
      opts.onConnection('lost');
    } else send({ type: 'FAILED', id: last, message: 'job stream unavailable' });
  };
  return () => {
    ended = true;
    es.close();
  };
}
