// ETags and If-Match. The server names every version of a campaign (and of
// each ad group, keyword, ad, asset group and asset) with an ETag, "<version>".
// A change the web app sends carries the ETag of what the person was looking
// at: when the server has a newer version it refuses with 412, and the screen
// says so and loads the newer version instead of overwriting or approving
// content nobody saw.

/** The ETag of a row version, as the server sends it: "12". */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The version an ETag names ("12", W/"12"), or null when it names none. */
export function versionOf(etag: string | null | undefined): number | null {
  const m = /^(?:W\/)?"(\d+)"$/.exec((etag ?? '').trim());
  if (!m) return null;
  const v = Number(m[1]);
  return Number.isSafeInteger(v) && v > 0 ? v : null;
}

/**
 * The ETag an answer carries; an answer without one (a proxy dropped it)
 * falls back to the version in its body, which the header is made from.
 */
export function etagFrom(res: Response, version?: number): string | null {
  const h = res.headers.get('ETag');
  if (versionOf(h) !== null) return h;
  return version !== undefined ? etagOf(version) : null;
}

/**
 * The If-Match header for a change based on etag. A change that must name
 * its version never goes out without one: no ETag is a bug here, not a
 * reason to send an unconditional write.
 */
export function ifMatch(etag: string | null | undefined): { 'If-Match': string } {
  if (versionOf(etag) === null) throw new Error(`no ETag to send as If-Match (${JSON.stringify(etag ?? null)})`);
  return { 'If-Match': etag! };
}

/** isStale: the server refused a change because its version moved on (412). */
export function isStale(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { status?: unknown }).status === 412;
}

/**
 * Latest orders overlapping loads of one thing: each load takes a ticket
 * before it asks, and its answer is shown only if no later load's answer is
 * shown already. So what is on screen and the ETag kept with it always come
 * from the same answer, the newest one.
 */
export class Latest {
  private issued = 0;
  private shown = 0;

  /** A ticket for a load about to start. */
  next(): number {
    return ++this.issued;
  }

  /** Whether the answer to ticket may be shown now (and records that it is). */
  accept(ticket: number): boolean {
    if (ticket <= this.shown || ticket > this.issued) return false;
    this.shown = ticket;
    return true;
  }

  /** Whether a load started after ticket. */
  superseded(ticket: number): boolean {
    return ticket < this.issued;
  }
}
