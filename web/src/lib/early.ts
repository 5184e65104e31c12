// The first screen's reads, started with the page. Without this a deep link
// waits for a chain: the app's code, the session, the screen's code, then
// the screen's first read (and for the wizard a second one after it). Here
// they all leave at once. An answer is taken once, by a read that opts in
// with earlyFetch and asks for the same address, and only while fresh and
// successful; every other read (and a late or failed one) goes to the
// server as before.
/** How long a started read may wait for the screen that asks for it. */
export const earlyMaxAge = 10_000;

const started = new Map<string, { at: number; response: Promise<Response> }>();

const urlOf = (path: string) => new URL(path, location.origin).href;

/** Starts a GET of path (with its query) unless it is under way. */
export function prefetch(path: string): void {
  const url = urlOf(path);
  if (started.has(url)) return;
  const response = globalThis.fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  // A failed read is made again by the screen that asks for it.
  response.catch(() => {});
  started.set(url, { at: performance.now(), response });
}

/** Drops a started read nobody may take any more (the screen's state says it would be stale by the time it is asked for). */
export function forget(path: string): void {
  started.delete(urlOf(path));
}

/**
 * earlyFetch is the per-request fetch of openapi-fetch for a read that may
 * take an answer started with the page.
 */
export function earlyFetch(r: Request): Promise<Response> {
  const e = r.method === 'GET' ? started.get(r.url) : undefined;
  if (!e) return globalThis.fetch(r);
  started.delete(r.url);
  if (performance.now() - e.at > earlyMaxAge) return globalThis.fetch(r);
  return e.response.then(
    (res) => (res.ok ? res : globalThis.fetch(r)),
    () => globalThis.fetch(r),
  );
}
