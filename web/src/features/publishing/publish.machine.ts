// The publish screen's flow as an XState machine, free of Svelte and the
// DOM. The server is the authority: the machine shows what it loaded (the
// campaign with its ETag, where it stands with Google Ads, the change set,
// the accounts) and moves only on the server's answers and on the events
// of the job it follows.
//
// ready is where a person acts: choose the account (CHOOSE_ACCOUNT), ask
// Google Ads to check everything (DRY_RUN), publish (PUBLISH, only for an
// approved campaign with an account), or pause, resume or archive a
// campaign that exists at Google (STATUS). Each exists only in ready, and
// each is guarded by what the server would allow, so a button cannot send
// it anywhere else.
//
// Publishing and status changes run as jobs; following shows the job's
// stream. A cancel (publishing only) is offered until the job reports its
// first step at Google, after which the server lets it finish. A stream the
// server closes is opened again after a growing pause, from the last event
// seen (following.reconnecting); after maxReconnects in a row the screen
// gives up and says so. Every publish names the ETag of the campaign the
// screen shows (If-Match); a 412 loads the campaign again (changed) and
// says why, as every other screen does.
import { assign, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import type { AccountList, AdsStatus, Campaign, ChangeSet, DryRun, PublishRun } from '../../lib/api/client';
import { isStale } from '../../lib/etag';
import type { StreamEvent } from '../../lib/jobstream';

export type StatusEvent = 'pause' | 'resume' | 'archive';
export type JobKind = 'publish' | 'status';

/** A job the screen follows: a publish, or a status change at Google. */
export interface FollowedJob {
  id: number;
  kind: JobKind;
}

/** The accounts the credentials reach, or why they are not known. */
export type Accounts =
  | { ok: true; list: AccountList }
  | { ok: false; status: number; code?: string; message: string };

/** What a load answers: the campaign and its ETag, where it stands with Google Ads, and a job to follow. */
export interface Loaded {
  campaign: Campaign;
  etag: string;
  status: AdsStatus;
  changeSet: ChangeSet;
  /** An unfinished publish or status job of the campaign (or the one asked for): the screen follows it. */
  job: FollowedJob | null;
  /** Only when asked for (the first load, a reload). */
  accounts?: Accounts;
  /** The runs asked for by id, in the language of the screen. */
  runs: PublishRun[];
  /** The names of the campaign's ad groups and asset groups by key ("ad_group:3"), for links into Google Ads. */
  groups?: Record<string, string>;
}

export interface LoadInput {
  campaignId: number;
  accounts: boolean;
  /** A job to follow instead of looking for an unfinished one. */
  follow: number | null;
  /** Look for an unfinished job to follow. */
  findJob: boolean;
  runs: number[];
}

export interface Progress {
  done: number;
  total: number;
  message: string;
  /** The step a publish is at: the campaign, an ad group or asset group. */
  step?: { kind: string; id: number; name: string; removal?: boolean; operations?: number };
}

export interface Warning {
  id: number;
  message: string;
  code?: string;
}

/** How the job the screen followed ended. */
export type Outcome =
  | { kind: 'published'; data: Record<string, unknown> }
  | { kind: 'status'; data: Record<string, unknown> }
  | { kind: 'failed'; job: JobKind; message: string; runId: number | null; run: PublishRun | null }
  | { kind: 'cancelled' };

export type Notice = 'changed' | 'cancelAsked' | 'cancelTooLate' | null;

export interface PublishInput {
  campaignId: number;
  /** A job to follow first (?job= in the address: the campaign view sent a pause and follows it here). */
  follow?: number | null;
}

export interface PublishContext {
  campaignId: number;
  follow: number | null;
  campaign: Campaign | null;
  /** The ETag of the campaign on screen; a publish or status change sends it as If-Match. */
  etag: string | null;
  status: AdsStatus | null;
  changeSet: ChangeSet | null;
  accounts: Accounts | null;
  groups: Record<string, string>;
  dryRun: DryRun | null;
  job: FollowedJob | null;
  lastEventId: number;
  progress: Progress;
  warnings: Warning[];
  /** The job has made its first change at Google: a cancel no longer stops it. */
  mutating: boolean;
  /** Streams lost in a row; back to 0 with every event. */
  reconnects: number;
  /** The browser is reconnecting the stream by itself. */
  retrying: boolean;
  outcome: Outcome | null;
  error: string | null;
  notice: Notice;
}

export type PublishEvent =
  | Exclude<StreamEvent, { type: 'ITEM' }>
  | { type: 'CHOOSE_ACCOUNT'; customerId: string; euPolitical: boolean }
  | { type: 'DRY_RUN' }
  | { type: 'PUBLISH'; startEnabled: boolean }
  | { type: 'STATUS'; event: StatusEvent }
  | { type: 'CANCEL' }
  | { type: 'RETRY' }
  // The interface language changed: load what the server words again.
  | { type: 'LOCALE' }
  // The job's stream: the browser reconnects by itself, is open again, or the server closed it.
  | { type: 'RETRYING' }
  | { type: 'OPEN' }
  | { type: 'LOST' };

/** Every event type, for tests that try each one in each state. */
export const eventTypes: PublishEvent['type'][] = [
  'PROGRESS', 'WARNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CHOOSE_ACCOUNT', 'DRY_RUN', 'PUBLISH', 'STATUS', 'CANCEL', 'RETRY', 'LOCALE', 'RETRYING', 'OPEN', 'LOST',
];

/** Streams lost in a row before the screen stops reopening it. */
export const maxReconnects = 6;

/** The pause before reopening a lost stream: 1 s, doubling, at most 15 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 15000);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const fresh = { lastEventId: 0, warnings: [] as Warning[], progress: { done: 0, total: 0, message: '' } as Progress, mutating: false, reconnects: 0, retrying: false };

/** A person acts again: what the last action left on screen is read. */
const acted = { error: null, notice: null, outcome: null } as const;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const publish = setup({
  types: {
    context: {} as PublishContext,
    events: {} as PublishEvent,
    input: {} as PublishInput,
  },
  actors: {
    // Each actor is replaced by the caller (publish.service.ts for the real
    // API, plain functions in tests); these defaults fail loudly.
    load: fromPromise<Loaded, LoadInput>(async () => {
      throw new Error('load not provided');
    }),
    saveAccount: fromPromise<void, { campaignId: number; customerId: string; euPolitical: boolean }>(async () => {
      throw new Error('saveAccount not provided');
    }),
    dryRun: fromPromise<DryRun, { campaignId: number }>(async () => {
      throw new Error('dryRun not provided');
    }),
    // Starts the publish on the version on screen (If-Match).
    startPublish: fromPromise<{ job: FollowedJob; campaign: Campaign; etag: string }, { campaignId: number; etag: string | null; startEnabled: boolean }>(async () => {
      throw new Error('startPublish not provided');
    }),
    // Sends pause, resume or archive on the version on screen and answers the status job it started (null: none).
    sendStatus: fromPromise<{ job: FollowedJob | null }, { campaignId: number; event: StatusEvent; etag: string | null }>(async () => {
      throw new Error('sendStatus not provided');
    }),
    jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(() => {
      throw new Error('jobStream not provided');
    }),
    cancelJob: fromPromise<void, { jobId: number }>(async () => {
      throw new Error('cancelJob not provided');
    }),
  },
  delays: {
    reconnect: ({ context }) => reconnectDelay(context.reconnects),
  },
  guards: {
    connected: ({ context }) => context.status?.connected === true,
    // The server refuses a new account for a campaign that exists at Google or is being published.
    canChooseAccount: ({ context }) => context.status?.connected === true && !context.status.live && context.campaign?.state !== 'publishing',
    hasAccount: ({ context }) => context.status?.connected === true && !!context.status.target,
    canPublish: ({ context }) => context.status?.connected === true && !!context.status.target && context.campaign?.state === 'approved',
    canSetStatus: ({ context, event }) =>
      event.type === 'STATUS' && context.status?.connected === true && context.status.live && (context.campaign?.allowed_events ?? []).includes(event.event),
    cancellable: ({ context }) => context.job?.kind === 'publish' && !context.mutating,
    giveUp: ({ context }) => context.reconnects + 1 >= maxReconnects,
    following: (_, l: Loaded) => l.job !== null,
  },
  actions: {
    show: assign((_, l: Loaded) => ({
      campaign: l.campaign,
      etag: l.etag,
      status: l.status,
      changeSet: l.changeSet,
      ...(l.accounts ? { accounts: l.accounts } : {}),
      ...(l.groups ? { groups: l.groups } : {}),
    })),
    // The dry run's problems in the language just loaded.
    relocalize: assign(({ context }, l: Loaded) => {
      const d = context.dryRun;
      const run = d && l.runs.find((r) => r.id === d.run_id);
      return run ? { dryRun: { ...d, problems: run.problems } } : {};
    }),
    startFollowing: assign((_, job: FollowedJob) => ({ job, ...fresh })),
  },
});

// Loading where the campaign stands and following its unfinished job; used
// on entry, after a 412 (changed) and on RETRY.
const loading = publish.createStateConfig({
  invoke: {
    src: 'load',
    input: ({ context }) => ({ campaignId: context.campaignId, accounts: true, follow: context.follow, findJob: true, runs: context.dryRun ? [context.dryRun.run_id] : [] }),
    onDone: [
      {
        guard: { type: 'following', params: ({ event }) => event.output },
        target: '#publish.following',
        actions: [{ type: 'show', params: ({ event }) => event.output }, { type: 'startFollowing', params: ({ event }) => event.output.job! }, assign({ follow: null })],
      },
      { target: '#publish.ready', actions: [{ type: 'show', params: ({ event }) => event.output }, { type: 'relocalize', params: ({ event }) => event.output }, assign({ follow: null, job: null })] },
    ],
    onError: { target: '#publish.failure', actions: assign({ error: ({ event }) => message(event.error) }) },
  },
});

export const publishMachine = publish.createMachine({
  id: 'publish',
  context: ({ input }) => ({
    campaignId: input.campaignId,
    follow: input.follow ?? null,
    campaign: null,
    etag: null,
    status: null,
    changeSet: null,
    accounts: null,
    groups: {},
    dryRun: null,
    job: null,
    ...fresh,
    outcome: null,
    error: null,
    notice: null,
  }),
  initial: 'loading',
  states: {
    loading,
    // The server refused a change with 412: the campaign changed since this
    // screen loaded it. Load it again; the notice stays until the person acts.
    changed: { ...loading, entry: assign({ notice: 'changed' as const, error: null }) },
    // The screen could not be loaded (or a job's end could not be loaded after it).
    failure: {
      on: { RETRY: { target: 'loading', actions: assign({ error: null }) } },
    },
    ready: {
      on: {
        CHOOSE_ACCOUNT: { guard: 'canChooseAccount', target: 'saving', actions: assign(acted) },
        DRY_RUN: { guard: 'hasAccount', target: 'checking', actions: assign(acted) },
        PUBLISH: { guard: 'canPublish', target: 'starting', actions: assign(acted) },
        STATUS: { guard: 'canSetStatus', target: 'sending', actions: assign(acted) },
        RETRY: { target: 'loading', actions: assign(acted) },
        LOCALE: 'refreshing',
      },
    },
    saving: {
      invoke: {
        src: 'saveAccount',
        input: ({ context, event }) => {
          const e = event as Extract<PublishEvent, { type: 'CHOOSE_ACCOUNT' }>;
          return { campaignId: context.campaignId, customerId: e.customerId, euPolitical: e.euPolitical };
        },
        // A dry run against the old account says nothing about the new one.
        onDone: { target: 'refreshing', actions: assign({ dryRun: null }) },
        onError: { target: 'ready', actions: assign({ error: ({ event }) => message(event.error) }) },
      },
    },
    checking: {
      invoke: {
        src: 'dryRun',
        input: ({ context }) => ({ campaignId: context.campaignId }),
        // The dry run is in the change history now: load it again with the rest.
        onDone: { target: 'refreshing', actions: assign({ dryRun: ({ event }) => event.output }) },
        onError: { target: 'ready', actions: assign({ dryRun: null, error: ({ event }) => message(event.error) }) },
      },
    },
    starting: {
      invoke: {
        src: 'startPublish',
        input: ({ context, event }) => ({ campaignId: context.campaignId, etag: context.etag, startEnabled: (event as Extract<PublishEvent, { type: 'PUBLISH' }>).startEnabled }),
        onDone: {
          target: 'following',
          actions: [
            assign(({ event }) => ({ campaign: event.output.campaign, etag: event.output.etag, dryRun: null })),
            { type: 'startFollowing', params: ({ event }) => event.output.job },
          ],
        },
        onError: [
          // Someone changed the campaign after this screen loaded it: nothing unseen is published.
          { guard: ({ event }) => isStale(event.error), target: 'changed' },
          { target: 'ready', actions: assign({ error: ({ event }) => message(event.error) }) },
        ],
      },
    },
    sending: {
      invoke: {
        src: 'sendStatus',
        input: ({ context, event }) => ({ campaignId: context.campaignId, event: (event as Extract<PublishEvent, { type: 'STATUS' }>).event, etag: context.etag }),
        onDone: [
          { guard: ({ event }) => event.output.job !== null, target: 'following', actions: { type: 'startFollowing', params: ({ event }) => event.output.job! } },
          { target: 'refreshing' },
        ],
        onError: [
          { guard: ({ event }) => isStale(event.error), target: 'changed' },
          { target: 'refreshing', actions: assign({ error: ({ event }) => message(event.error) }) },
        ],
      },
    },
    following: {
      initial: 'live',
      states: {
        live: {
          invoke: { src: 'jobStream', input: ({ context }) => ({ jobId: context.job!.id, lastEventId: context.lastEventId }) },
          on: {
            PROGRESS: {
              actions: assign(({ context, event }) => {
                const step = event.data?.['step'] as Progress['step'] | undefined;
                return {
                  lastEventId: event.id,
                  reconnects: 0,
                  retrying: false,
                  mutating: context.mutating || step !== undefined,
                  progress: { done: event.done, total: event.total, message: event.message ?? '', ...(step ? { step } : {}) },
                };
              }),
            },
            WARNING: {
              actions: assign(({ context, event }) => {
                const code = typeof event.data?.['code'] === 'string' ? (event.data['code'] as string) : undefined;
                return {
                  lastEventId: event.id,
                  reconnects: 0,
                  retrying: false,
                  warnings: [...context.warnings, { id: event.id, message: event.message, ...(code ? { code } : {}) }],
                  ...(code === 'cancel_too_late' ? { mutating: true, notice: 'cancelTooLate' as const } : {}),
                };
              }),
            },
            COMPLETED: {
              target: '#publish.settling',
              actions: assign(({ context, event }) => ({
                lastEventId: event.id,
                outcome: { kind: context.job!.kind === 'publish' ? ('published' as const) : ('status' as const), data: event.data ?? {} },
              })),
            },
            FAILED: {
              target: '#publish.settling',
              actions: assign(({ context, event }) => ({
                lastEventId: event.id,
                outcome: { kind: 'failed' as const, job: context.job!.kind, message: event.message, runId: num(event.data?.['run_id']), run: null },
              })),
            },
            CANCELLED: { target: '#publish.settling', actions: assign({ lastEventId: ({ event }) => event.id, outcome: { kind: 'cancelled' as const } }) },
            RETRYING: { actions: assign({ retrying: true }) },
            OPEN: { actions: assign({ retrying: false }) },
            LOST: [
              { guard: 'giveUp', target: '#publish.failure', actions: assign({ error: 'stream', retrying: false }) },
              { target: 'reconnecting', actions: assign({ reconnects: ({ context }) => context.reconnects + 1, retrying: false }) },
            ],
          },
          initial: 'streaming',
          states: {
            streaming: {
              on: { CANCEL: { guard: 'cancellable', target: 'cancelling', actions: assign({ error: null, notice: null }) } },
            },
            // The stream stays open while the cancel is asked for: the job's
            // own events say whether it stopped (CANCELLED) or goes on.
            cancelling: {
              invoke: {
                src: 'cancelJob',
                input: ({ context }) => ({ jobId: context.job!.id }),
                onDone: { target: 'streaming', actions: assign(({ context }) => (context.notice === 'cancelTooLate' ? {} : { notice: 'cancelAsked' as const })) },
                onError: { target: 'streaming', actions: assign({ error: ({ event }) => message(event.error) }) },
              },
            },
          },
        },
        // The server closed the stream: open it again after a pause, from the last event seen.
        reconnecting: {
          after: { reconnect: 'live' },
        },
      },
    },
    // The job ended: load the campaign where the job left it, with the run of a failure in the screen's language.
    settling: {
      invoke: {
        src: 'load',
        input: ({ context }) => ({
          campaignId: context.campaignId,
          accounts: false,
          follow: null,
          findJob: false,
          runs: context.outcome?.kind === 'failed' && context.outcome.runId !== null ? [context.outcome.runId] : [],
        }),
        onDone: {
          target: 'ready',
          actions: [
            { type: 'show', params: ({ event }) => event.output },
            assign(({ context, event }) => {
              const o = context.outcome;
              if (o?.kind !== 'failed' || o.runId === null) return { job: null };
              return { job: null, outcome: { ...o, run: event.output.runs.find((r) => r.id === o.runId) ?? null } };
            }),
          ],
        },
        onError: { target: 'failure', actions: assign({ job: null, error: ({ event }) => message(event.error) }) },
      },
    },
    // Loading again after a change this screen made (or a language switch), keeping what it shows.
    refreshing: {
      invoke: {
        src: 'load',
        input: ({ context }) => ({
          campaignId: context.campaignId,
          accounts: false,
          follow: null,
          findJob: false,
          runs: [context.dryRun?.run_id, context.outcome?.kind === 'failed' ? context.outcome.runId : null].filter((n): n is number => typeof n === 'number'),
        }),
        onDone: {
          target: 'ready',
          actions: [
            { type: 'show', params: ({ event }) => event.output },
            { type: 'relocalize', params: ({ event }) => event.output },
            assign(({ context, event }) => {
              const o = context.outcome;
              if (o?.kind !== 'failed' || o.runId === null) return {};
              return { outcome: { ...o, run: event.output.runs.find((r) => r.id === o.runId) ?? o.run } };
            }),
          ],
        },
        onError: { target: 'failure', actions: assign({ error: ({ event }) => message(event.error) }) },
      },
    },
  },
});

export type PublishMachine = typeof publishMachine;

