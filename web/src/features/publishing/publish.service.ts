// The publish machine's actors against the real API. The machine knows
// nothing of HTTP; here its steps meet the server.
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import { api, ApiError, request, unwrap, unwrapWithETag, type Campaign, type Job, type PublishRun } from '../../lib/api/client';
import { etagOf, ifMatch } from '../../lib/etag';
import { i18n } from '../../lib/i18n.svelte';
import { openJobStream } from '../../lib/jobstream';
import { publishMachine, type Accounts, type FollowedJob, type JobKind, type Loaded, type LoadInput, type StatusEvent } from './publish.machine';

/** The job kinds of publishing, as the server names them. */
export const jobKinds: Record<string, JobKind> = { publish: 'publish', google_ads_status: 'status' };

/** An error as people read it: the server's detail, with Google's advice when it gave one. */
export function readable(e: unknown): Error {
  if (!(e instanceof ApiError)) return e instanceof Error ? e : new Error(String(e));
  const advice = e.problem.advice;
  if (!advice) return e;
  return Object.assign(new Error(`${e.message} — ${advice}`), { status: e.status, problem: e.problem });
}

const followable = (j: Job, campaignId: number): FollowedJob | null =>
  j.subject?.type === 'campaign' && j.subject.id === campaignId && j.kind in jobKinds ? { id: j.id, kind: jobKinds[j.kind]! } : null;

/** The job to follow: the one asked for, or else the campaign's oldest unfinished publish or status job (they run in turn). */
async function findJob(input: LoadInput, signal: AbortSignal): Promise<FollowedJob | null> {
  if (input.follow !== null) {
    const { data } = await api.GET('/api/jobs/{id}', { params: { path: { id: input.follow } }, signal });
    const j = data ? followable(data, input.campaignId) : null;
    if (j) return j;
  }
  if (!input.findJob) return null;
  const list = await unwrap(api.GET('/api/jobs', { params: { query: { subject_type: 'campaign', subject_id: input.campaignId, limit: 50 } }, signal }));
  const open = list.items.filter((j) => j.state === 'queued' || j.state === 'running').reverse();
  for (const j of open) {
    const f = followable(j, input.campaignId);
    if (f) return f;
  }
  return null;
}

async function loadAccounts(signal: AbortSignal): Promise<Accounts> {
  try {
    return { ok: true, list: await unwrap(api.GET('/api/google-ads/accounts', { signal })) };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { ok: false, status: e.status, ...(e.problem.code ? { code: e.problem.code } : {}), message: readable(e).message };
  }
}

async function loadRuns(campaignId: number, ids: number[], signal: AbortSignal): Promise<PublishRun[]> {
  if (ids.length === 0) return [];
  const page = await unwrap(api.GET('/api/campaigns/{id}/publish-runs', { params: { path: { id: campaignId }, query: { limit: 50, lang: i18n.locale } }, signal }));
  return page.items.filter((r) => ids.includes(r.id));
}

/** The names of the campaign's ad groups or asset groups by key: what links into Google Ads are labelled with. */
async function loadGroups(campaignId: number, signal: AbortSignal): Promise<Record<string, string>> {
  const query = { query: { campaign_id: campaignId, limit: 500 } };
  const [ad, asset] = await Promise.all([
    unwrap(api.GET('/api/ad-groups', { params: query, signal })),
    unwrap(api.GET('/api/asset-groups', { params: query, signal })),
  ]);
  return Object.fromEntries([...ad.items.map((g) => [`ad_group:${g.id}`, g.name]), ...asset.items.map((g) => [`asset_group:${g.id}`, g.name])]);
}

/** Everything the publish screen shows, in the interface language. */
export async function load(input: LoadInput, signal: AbortSignal): Promise<Loaded> {
  const path = { path: { id: input.campaignId } };
  const lang = { lang: i18n.locale };
  const [campaign, status, changeSet, accounts, runs, job, groups] = await Promise.all([
    unwrapWithETag(api.GET('/api/campaigns/{id}', { params: path, signal }), (c) => c.version),
    unwrap(api.GET('/api/campaigns/{id}/google-ads', { params: { ...path, query: lang }, signal })),
    unwrap(api.GET('/api/campaigns/{id}/change-set', { params: { ...path, query: lang }, signal })),
    input.accounts ? loadAccounts(signal) : Promise.resolve(undefined),
    loadRuns(input.campaignId, input.runs, signal),
    findJob(input, signal),
    loadGroups(input.campaignId, signal),
  ]);
  return { campaign: campaign.data, etag: campaign.etag, status, changeSet, job, runs, groups, ...(accounts ? { accounts } : {}) };
}

type PublishActors = NonNullable<NonNullable<Parameters<typeof publishMachine.provide>[0]>['actors']>;

/** The publish screen's steps against the real API; a publish and a status change send the ETag the machine holds. */
export function publishActors(): PublishActors {
  return {
    load: fromPromise(({ input, signal }) => load(input, signal)),
    saveAccount: fromPromise(async ({ input }) => {
      try {
        await unwrap(
          api.PUT('/api/campaigns/{id}/google-ads-account', {
            params: { path: { id: input.campaignId } },
            body: { customer_id: input.customerId, contains_eu_political_advertising: input.euPolitical },
          }),
        );
      } catch (e) {
        // A refused account is a field error: its message says why (a manager account, no access).
        if (e instanceof ApiError) throw new Error(Object.values(e.fieldErrors())[0] ?? readable(e).message);
        throw e;
      }
    }),
    dryRun: fromPromise(async ({ input }) => {
      try {
        return await unwrap(api.POST('/api/campaigns/{id}/dry-run', { params: { path: { id: input.campaignId }, query: { lang: i18n.locale } }, body: {} }));
      } catch (e) {
        throw readable(e);
      }
    }),
    startPublish: fromPromise(async ({ input }) => {
      try {
        const started = await unwrap(
          api.POST('/api/campaigns/{id}/publish', { params: { path: { id: input.campaignId }, header: ifMatch(input.etag) }, body: { start_enabled: input.startEnabled } }),
        );
        return { job: { id: started.job.id, kind: 'publish' as const }, campaign: started.campaign as Campaign, etag: etagOf(started.campaign.version) };
      } catch (e) {
        throw readable(e);
      }
    }),
    sendStatus: fromPromise(async ({ input }): Promise<{ job: FollowedJob | null }> => {
      await request('POST', `/api/campaigns/${input.campaignId}/${input.event satisfies StatusEvent}`, undefined, ifMatch(input.etag));
      // The status job was enqueued with the event, in its transaction: it is the newest.
      const list = await unwrap(api.GET('/api/jobs', { params: { query: { subject_type: 'campaign', subject_id: input.campaignId, kind: 'google_ads_status', limit: 1 } } }));
      const j = list.items[0];
      return { job: j ? followable(j, input.campaignId) : null };
    }),
    jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(({ sendBack, input }) =>
      openJobStream(input.jobId, input.lastEventId, (e) => e.type !== 'ITEM' && sendBack(e), {
        onConnection: (c) => sendBack({ type: c === 'open' ? 'OPEN' : c === 'retrying' ? 'RETRYING' : 'LOST' }),
      }),
    ),
    cancelJob: fromPromise(async ({ input }) => {
      await unwrap(api.POST('/api/jobs/{id}/cancel', { params: { path: { id: input.jobId } } }));
    }),
  };
}

export function livePublish() {
  return publishMachine.provide({ actors: publishActors() });
}
