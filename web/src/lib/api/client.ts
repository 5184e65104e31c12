// The typed API client. Paths and bodies come from schema.d.ts, which
// `make api-client` generates from the server's /openapi.json; CI fails when
// it is stale, so a changed server contract breaks the type check here.
import createClient, { type Middleware } from 'openapi-fetch';
import { etagFrom } from '../etag';
import { t, type MessageKey } from '../i18n.svelte';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Campaign = Schemas['Campaign'];
export type CampaignTree = Schemas['Tree'];
export type Asset = Schemas['Asset'];
export type Usage = Schemas['Usage'];
export type Me = Schemas['Me'];
export type Role = Schemas['User']['role'];
export type Brief = Schemas['Brief'];
export type Job = Schemas['Job'];
/** Where a campaign stands with Google Ads (its account, resources, last run). */
export type AdsStatus = Schemas['Status'];
export type AdsAccount = Schemas['Account'];
export type AccountList = Schemas['AccountList'];
export type ChangeSet = Schemas['ChangeSet'];
export type DryRun = Schemas['DryRun'];
export type PublishRun = Schemas['Run'];
export type PublishProblem = Schemas['PublishProblem'];

/** A problem document (RFC 9457) as the server sends it. */
export interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  /** A stable reason, e.g. google_ads_not_connected. */
  code?: string;
  /** With a Google Ads failure: what to do about it. */
  advice?: string;
  state?: string;
  allowed_events?: string[] | null;
  /** With 412: the ETag of the version the server has now. */
  current_etag?: string;
  errors?: { location?: string; message: string }[] | null;
}

/** ApiError carries the server's problem document to the screen that called. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problemText(problem, status));
  }
  /** Field errors by location without the "body." prefix ("name", "headlines[2].text"). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      if (e.location) out[e.location.replace(/^body\./, '')] = e.message;
    }
    return out;
  }
}

/**
 * The sentence a person reads for a refused request, in the UI's language.
 * The server writes its details in English: for the refusals whose reason
 * the status says (no permission, changed meanwhile, busy, too many tries,
 * the server or Google Ads unavailable) the sentence leads in the UI's
 * language and the detail follows in brackets. A 400/422 detail names the
 * field and is shown as it is; the fields' own messages are shown at them.
 */
export function problemText(p: Problem, status: number): string {
  const detail = p.detail || p.title || '';
  const lead = statusLead(p, status);
  if (!lead) return detail || `HTTP ${status}`;
  return detail && detail !== lead ? `${lead} (${detail})` : lead;
}

function statusLead(p: Problem, status: number): string | undefined {
  const key: MessageKey | undefined =
    p.code === 'google_ads_not_connected' ? 'problem.googleAdsNotConnected'
    : status === 403 ? 'problem.forbidden'
    : status === 404 ? 'problem.notFound'
    : status === 409 ? 'problem.conflict'
    : status === 412 || status === 428 ? 'problem.changed'
    : status === 413 ? 'problem.tooLarge'
    : status === 429 ? 'problem.tooMany'
    : status === 502 || status === 503 || status === 504 ? 'problem.unavailable'
    : status >= 500 ? 'problem.server'
    : undefined;
  return key && t(key);
}

let onUnauthorized: () => void = () => {};
/** The session store registers what to do when the server says 401. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

const signOutOn401: Middleware = {
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/auth/')) onUnauthorized();
    return undefined;
  },
};

// fetch is looked up on each call (not captured once), so tests can stand
// in for the network with plain data.
export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin', fetch: (r) => globalThis.fetch(r) });
api.use(signOutOn401);

/** unwrap turns an openapi-fetch result into its data or an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(response.status, (error ?? {}) as Problem);
  return data as T;
}

/**
 * unwrapWithETag is unwrap plus the ETag of the version the answer shows
 * (version reads it from the body should the header be missing).
 */
export async function unwrapWithETag<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
  version: (data: T) => number,
): Promise<{ data: T; etag: string }> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(response.status, (error ?? {}) as Problem);
  return { data: data as T, etag: etagFrom(response, version(data as T))! };
}

/**
 * request is for operations that are newer than the generated client (the
 * job system, /api/validate, generation): same cookie, same errors.
 */
export async function request<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
  }
  const res = await fetch(path, init);
  if (res.status === 401) onUnauthorized();
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, (parsed ?? {}) as Problem);
  return parsed as T;
}
