// The wizard's connection to the server. A dropped connection (network
// gone, the server restarting, a proxy closing the stream) is not the job's
// failure: the job runs on at the server. Reads are tried again with a
// growing pause and the job's stream is opened again after the last event
// this tab saw, while the screen says calmly that it reconnects; the browser's
// own words for a failed request ("Failed to fetch") are never shown.
import { api } from '../../lib/api/client';
import { openJobStream, type StreamEvent } from '../../lib/jobstream';

/** Whether the wizard is waiting for the server to answer again. */
export class Link {
  lost = $state(false);
}

/** The pause before attempt n (from 0): 0.5 s, 1 s, 2 s … at most 8 s. */
export function backoff(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 8000);
}

/**
 * A request that reached no server: fetch rejects with a TypeError ("Failed
 * to fetch", "NetworkError when attempting to fetch resource", "Load
 * failed"). An answer of the server, even an error, is not one; neither is
 * an abort.
 */
export function isNetworkError(e: unknown): boolean {
  return e instanceof TypeError;
}

/** The error a step that is not repeated by itself fails with when the server was out of reach; the screen words it. */
export const connectionLost = 'connection:lost';

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * retrying runs a read until the server answers: a network error sets
 * link.lost and tries again after backoff(n); any answer clears it. An error
 * the server answered with is the caller's. Stops (rejects) once signal is
 * aborted.
 */
export async function retrying<T>(link: Link, read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await read();
      link.lost = false;
      return out;
    } catch (e) {
      if (!isNetworkError(e) || signal?.aborted) throw e;
      link.lost = true;
      await pause(backoff(attempt), signal);
    }
  }
}

/**
 * once runs a step that is not repeated by itself (a write): a network error
 * becomes connectionLost, which the screen words in its language.
 */
export async function once<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (isNetworkError(e)) throw new Error(connectionLost);
    throw e;
  }
}

/**
 * followJob follows a job's stream for as long as it runs, over dropped
 * connections. The browser's own reconnects (with Last-Event-ID) are
 * reported as link.lost until the stream is open again; a stream the browser
 * gave up on (network gone, the server answered 502 or restarted) is opened
 * again by us after a pause: first the job is read again (retrying, so an
 * absent network is waited out), then its stream is asked for the events
 * after the last one delivered. A finished job sends its terminal event to
 * such a stream, so a job that ended while the tab was cut off still ends
 * the wizard's generation. A job the server no longer knows fails it.
 */
export function followJob(jobId: number, lastEventId: number, send: (e: StreamEvent) => void, link: Link): () => void {
  let last = lastEventId;
  let close: (() => void) | null = null;
  let attempt = 0;
  const stopped = new AbortController();

  const open = () => {
    if (stopped.signal.aborted) return;
    close = openJobStream(
      jobId,
      last,
      (e) => {
        last = Math.max(last, e.id);
        send(e);
      },
      {
        onConnection: (c) => {
          if (c === 'open') {
            attempt = 0;
            link.lost = false;
          } else if (c === 'retrying') link.lost = true;
          else {
            link.lost = true;
            void reopen();
          }
        },
      },
    );
  };

  const reopen = async () => {
    try {
      await pause(backoff(attempt++), stopped.signal);
      const { response } = await retrying(link, () => api.GET('/api/jobs/{id}', { params: { path: { id: jobId } }, signal: stopped.signal }), stopped.signal);
      if (stopped.signal.aborted) return;
      if (response.status === 404) {
        link.lost = false;
        send({ type: 'FAILED', id: last, message: 'job stream unavailable' });
        return;
      }
      // Any other answer (also a 5xx of a restarting server): the server is
      // there again; its stream says what became of the job.
      open();
    } catch {
      // stopped
    }
  };

  open();
  return () => {
    stopped.abort();
    close?.();
    link.lost = false;
  };
}
