// The publish machine without a DOM: every state, every event it refuses,
// and the server-driven routes between them. Actors are plain functions
// here; the browser tests run the same machine against the real server and
// the fake Google Ads.
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, waitFor, type AnyActorRef, type EventObject } from 'xstate';
import type { AdsStatus, Campaign, ChangeSet, DryRun, PublishRun } from '../../lib/api/client';
import type { StreamEvent } from '../../lib/jobstream';
import { eventTypes, maxReconnects, publishMachine, reconnectDelay, type FollowedJob, type Loaded, type LoadInput, type PublishEvent } from './publish.machine';

const stale = () => Object.assign(new Error('header.If-Match: "5" is stale; the current ETag is "6"'), { status: 412 });

function campaign(state: Campaign['state'], allowed: string[], version = 5): Campaign {
  return {
    id: 3, name: 'Winterreifen', type: 'SEARCH', state, allowed_events: allowed, budget_micros: 1, currency: 'EUR', languages: ['de'], locations: ['DE'],
    final_url: '', brief: {}, version, created_at: '', updated_at: '',
  } as Campaign;
}

const target = { campaign_id: 3, customer_id: '1111111111', account_name: 'Reifen Müller', contains_eu_political_advertising: false, chosen_at: '' };

function status(over: Partial<AdsStatus> = {}): AdsStatus {
  return { campaign_id: 3, connected: true, live: false, resources: [], target, ...over } as AdsStatus;
}

const changeSet: ChangeSet = { campaign_id: 3, published: false, operations: 4, changes: {}, steps: [], problems: [] } as ChangeSet;

function loaded(over: Partial<Loaded> = {}): Loaded {
  return { campaign: campaign('approved', ['archive', 'publish', 'reopen']), etag: '"5"', status: status(), changeSet, job: null, runs: [], ...over };
}

const live = (): Partial<Loaded> => ({ campaign: campaign('paused', ['archive', 'edit', 'resume']), status: status({ live: true, customer_id: '1111111111', google_status: 'PAUSED' }) });

function run(id: number, problems: PublishRun['problems']): PublishRun {
  return { id, campaign_id: 3, kind: 'dry_run', customer_id: '1111111111', start_enabled: false, outcome: 'failed', operations: 4, changes: {}, request_ids: [], problems, created_at: '' } as PublishRun;
}

const problem = (message: string) => ({ entity: { type: 'ad' as const, id: 7 }, field: 'final_urls[0]', where: 'ad 7, final_urls[0]', code: 'urlFieldError.INVALID_TLD_IN_FINAL_URL', message });

const dryRun = (valid: boolean): DryRun =>
  ({ campaign_id: 3, customer_id: '1111111111', valid, operations: 4, changes: {}, steps: [], problems: valid ? [] : [problem('the final URL has no valid top-level domain')], request_ids: ['r1'], run_id: 11 }) as DryRun;

type Answer<T> = T | Error | (() => Promise<T>);
const answer = <T,>(a: Answer<T>): Promise<T> => (a instanceof Error ? Promise.reject(a) : typeof a === 'function' ? (a as () => Promise<T>)() : Promise.resolve(a));

interface Fakes {
  loads?: Answer<Loaded>[];
  save?: Answer<void>;
  dry?: Answer<DryRun>;
  start?: Answer<{ job: FollowedJob; campaign: Campaign; etag: string }>;
  status?: Answer<{ job: FollowedJob | null }>;
  cancel?: Answer<void>;
}

const never = <T,>() => new Promise<T>(() => {});

function setup(f: Fakes = {}, input: { follow?: number | null } = {}, clock?: SimulatedClock) {
  const streams: { input: { jobId: number; lastEventId: number }; send: (e: EventObject) => void; stopped: boolean }[] = [];
  const calls = { loads: [] as LoadInput[], saves: [] as unknown[], dry: 0, starts: [] as { etag: string | null; startEnabled: boolean }[], statuses: [] as { event: string; etag: string | null }[], cancels: [] as number[] };
  const loads = [...(f.loads ?? [loaded()])];
  const machine = publishMachine.provide({
    actors: {
      load: fromPromise(async ({ input }) => {
        calls.loads.push(input);
        return answer(loads.length > 1 ? loads.shift()! : loads[0]!);
      }),
      saveAccount: fromPromise(async ({ input }) => {
        calls.saves.push(input);
        return answer(f.save ?? undefined);
      }),
      dryRun: fromPromise(async () => {
        calls.dry++;
        return answer(f.dry ?? dryRun(true));
      }),
      startPublish: fromPromise(async ({ input }) => {
        calls.starts.push({ etag: input.etag, startEnabled: input.startEnabled });
        return answer(f.start ?? { job: { id: 40, kind: 'publish' as const }, campaign: campaign('publishing', []), etag: '"6"' });
      }),
      sendStatus: fromPromise(async ({ input }) => {
        calls.statuses.push({ event: input.event, etag: input.etag });
        return answer(f.status ?? { job: { id: 41, kind: 'status' as const } });
      }),
      jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(({ sendBack, input }) => {
        const s = { input, send: sendBack, stopped: false };
        streams.push(s);
        return () => {
          s.stopped = true;
        };
      }),
      cancelJob: fromPromise(async ({ input }) => {
        calls.cancels.push(input.jobId);
        return answer(f.cancel ?? undefined);
      }),
    },
  });
  const actor = createActor(machine, { input: { campaignId: 3, ...input }, ...(clock ? { clock } : {}) });
  const stream = () => streams.at(-1)!;
  const emit = (e: StreamEvent | { type: 'LOST' | 'OPEN' | 'RETRYING' }) => stream().send(e);
  return { actor, streams, stream, emit, calls };
}

const at = (actor: AnyActorRef, value: unknown) => waitFor(actor, (s) => s.matches(value as never), { timeout: 1000 });

const sample: Record<PublishEvent['type'], PublishEvent> = {
  PROGRESS: { type: 'PROGRESS', id: 1, done: 0, total: 3, message: 'Queued' },
  WARNING: { type: 'WARNING', id: 2, message: 'w' },
  COMPLETED: { type: 'COMPLETED', id: 3, data: {} },
  FAILED: { type: 'FAILED', id: 4, message: 'boom', data: {} },
  CANCELLED: { type: 'CANCELLED', id: 5 },
  CHOOSE_ACCOUNT: { type: 'CHOOSE_ACCOUNT', customerId: '2222222222', euPolitical: false },
  DRY_RUN: { type: 'DRY_RUN' },
  PUBLISH: { type: 'PUBLISH', startEnabled: false },
  STATUS: { type: 'STATUS', event: 'resume' },
  CANCEL: { type: 'CANCEL' },
  RETRY: { type: 'RETRY' },
  LOCALE: { type: 'LOCALE' },
  RETRYING: { type: 'RETRYING' },
  OPEN: { type: 'OPEN' },
  LOST: { type: 'LOST' },
};

const streamEvents: PublishEvent['type'][] = ['PROGRESS', 'WARNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'RETRYING', 'OPEN', 'LOST'];

// For each state: the only events it accepts. Every other event must be
// refused: snapshot.can() is false and sending it changes nothing.
const accepted: Record<string, PublishEvent['type'][]> = {
  loading: [],
  changed: [],
  failure: ['RETRY'],
  // An approved campaign with an account, not yet at Google.
  ready: ['CHOOSE_ACCOUNT', 'DRY_RUN', 'PUBLISH', 'RETRY', 'LOCALE'],
  // A paused campaign at Google: its account stays, it is not approved, it can be resumed.
  'ready (live)': ['DRY_RUN', 'STATUS', 'RETRY', 'LOCALE'],
  // Google Ads not connected: nothing that needs it.
  'ready (not connected)': ['RETRY', 'LOCALE'],
  saving: [],
  checking: [],
  starting: [],
  sending: [],
  'following.live.streaming': [...streamEvents, 'CANCEL'],
  // After the first step at Google the publish can no longer be cancelled.
  'following.live.streaming (mutating)': streamEvents,
  'following.live.cancelling': streamEvents,
  // A status job is not cancelled from here: Google would be left in another state than the campaign.
  'following.live.streaming (status job)': streamEvents,
  'following.reconnecting': [],
  settling: [],
  refreshing: [],
};

/** Drives a fresh actor into the named state, holding it there (the actor that would leave it never settles). */
async function reach(name: string) {
  const hold = never<never>;
  const base = name === 'ready (live)' || name === 'sending' || name === 'following.live.streaming (status job)' ? loaded(live()) : name === 'ready (not connected)' ? loaded({ status: status({ connected: false }) }) : loaded();
  const firstLoad: Answer<Loaded> = name === 'loading' ? hold : name === 'failure' ? new Error('down') : base;
  const fakes: Fakes = {
    loads: [firstLoad, hold],
    save: hold,
    dry: hold,
    start: name === 'changed' ? stale() : undefined,
    status: name === 'sending' ? hold : undefined,
    cancel: hold,
  };
  if (name === 'starting') fakes.start = hold;
  const clock = new SimulatedClock();
  const { actor, emit } = setup(fakes, {}, clock);
  actor.start();
  const go = (v: unknown) => at(actor, v);
  const state = name.replace(/ \(.*\)$/, '');
  switch (name) {
    case 'loading':
      break;
    case 'failure':
      await go('failure');
      break;
    case 'changed':
      await go('ready');
      actor.send(sample.PUBLISH);
      await go('changed');
      break;
    case 'ready':
    case 'ready (live)':
    case 'ready (not connected)':
      await go('ready');
      break;
    case 'saving':
      await go('ready');
      actor.send(sample.CHOOSE_ACCOUNT);
      break;
    case 'checking':
      await go('ready');
      actor.send(sample.DRY_RUN);
      break;
    case 'refreshing':
      await go('ready');
      actor.send(sample.LOCALE);
      break;
    case 'starting':
      await go('ready');
      actor.send(sample.PUBLISH);
      break;
    case 'sending':
      await go('ready');
      actor.send(sample.STATUS);
      break;
    case 'following.live.streaming (status job)':
      await go('ready');
      actor.send(sample.STATUS);
      await go({ following: { live: 'streaming' } });
      break;
    default: {
      await go('ready');
      actor.send(sample.PUBLISH);
      await go({ following: { live: 'streaming' } });
      if (name === 'following.live.streaming (mutating)') {
        emit({ type: 'PROGRESS', id: 3, done: 0, total: 3, message: 'Publishing 1/3: campaign Winterreifen', data: { step: { kind: 'campaign', id: 3, name: 'Winterreifen' } } });
      } else if (name === 'following.live.cancelling') {
        actor.send(sample.CANCEL);
      } else if (name === 'following.reconnecting') {
        emit({ type: 'LOST' });
      } else if (name === 'settling') {
        emit({ type: 'COMPLETED', id: 9, data: {} });
      }
    }
  }
  const path = state.split('.');
  const value = path.reduceRight<unknown>((inner, key) => (inner === null ? key : { [key]: inner }), null);
  expect(actor.getSnapshot().matches(value as never)).toBe(true);
  return actor;
}

describe('publish machine: refused events', () => {
  for (const [state, allowed] of Object.entries(accepted)) {
    it(`${state} accepts exactly ${allowed.join(', ') || 'nothing'}`, async () => {
      const a = await reach(state);
      for (const type of eventTypes) {
        const before = a.getSnapshot();
        const ev = sample[type];
        expect({ type, can: before.can(ev) }).toEqual({ type, can: allowed.includes(type) });
        if (!allowed.includes(type)) {
          a.send(ev);
          const after = a.getSnapshot();
          expect(after.value).toEqual(before.value);
          expect(after.context).toBe(before.context);
        }
      }
      a.stop();
    });
  }

  it('has the person\'s actions in ready only', () => {
    type Node = { id: string; on: Record<string, unknown>; states: Record<string, Node> };
    const with_ = (type: string) => {
      const walk = (n: Node): string[] => [...(type in n.on ? [n.id] : []), ...Object.values(n.states).flatMap(walk)];
      return walk(publishMachine.root as unknown as Node);
    };
    for (const type of ['CHOOSE_ACCOUNT', 'DRY_RUN', 'PUBLISH', 'STATUS']) expect(with_(type)).toEqual(['publish.ready']);
    expect(with_('CANCEL')).toEqual(['publish.following.live.streaming']);
  });
});

describe('publish machine: publishing', () => {
  it('publishes the version on screen and follows the job step by step to its end', async () => {
    const published = loaded({ campaign: campaign('paused', ['archive', 'edit', 'resume'], 9), status: status({ live: true, google_status: 'PAUSED' }) });
    const { actor, emit, stream, calls } = setup({ loads: [loaded(), published] });
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'PUBLISH', startEnabled: true });
    await at(actor, { following: { live: 'streaming' } });
    expect(calls.starts).toEqual([{ etag: '"5"', startEnabled: true }]);
    expect(stream().input).toEqual({ jobId: 40, lastEventId: 0 });
    expect(actor.getSnapshot().context.etag).toBe('"6"');
    const step = { kind: 'ad_group', id: 2, name: 'Winterreifen', operations: 7 };
    emit({ type: 'PROGRESS', id: 3, done: 1, total: 3, message: 'Publishing 2/3: ad group Winterreifen', data: { step } });
    expect(actor.getSnapshot().context.progress).toEqual({ done: 1, total: 3, message: 'Publishing 2/3: ad group Winterreifen', step });
    emit({ type: 'COMPLETED', id: 8, data: { campaign_resource: 'customers/1111111111/campaigns/9', status: 'PAUSED' } });
    await at(actor, 'ready');
    const c = actor.getSnapshot().context;
    expect(c.outcome).toEqual({ kind: 'published', data: { campaign_resource: 'customers/1111111111/campaigns/9', status: 'PAUSED' } });
    expect(c.campaign?.state).toBe('paused');
    expect(c.etag).toBe('"5"'); // as the load answered it
    expect(stream().stopped).toBe(true);
    // The end is loaded without looking for another job to follow.
    expect(calls.loads.at(-1)).toMatchObject({ findJob: false, accounts: false, runs: [] });
  });

  it('a publish refused with 412 loads the campaign again and says why; the next action clears the notice', async () => {
    const { actor, calls } = setup({ loads: [loaded(), loaded({ etag: '"6"', campaign: campaign('approved', ['archive', 'publish', 'reopen'], 6) })], start: stale() });
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'PUBLISH', startEnabled: false });
    await at(actor, 'changed');
    await at(actor, 'ready');
    expect(actor.getSnapshot().context).toMatchObject({ notice: 'changed', etag: '"6"' });
    expect(calls.loads).toHaveLength(2);
    actor.send({ type: 'DRY_RUN' });
    expect(actor.getSnapshot().context.notice).toBeNull();
  });

  it('refuses PUBLISH unless the campaign is approved, has an account and Google Ads is connected', async () => {
    for (const l of [
      loaded({ campaign: campaign('review', ['approve']) }),
      loaded({ status: status({ target: undefined }) }),
      loaded({ status: status({ connected: false }) }),
    ]) {
      const { actor, calls } = setup({ loads: [l] });
      actor.start();
      await at(actor, 'ready');
      expect(actor.getSnapshot().can({ type: 'PUBLISH', startEnabled: false })).toBe(false);
      actor.send({ type: 'PUBLISH', startEnabled: false });
      expect(calls.starts).toEqual([]);
      actor.stop();
    }
  });

  it('a cancel is asked for before the first step at Google, and the job\'s own event ends it', async () => {
    const { actor, emit, calls } = setup({ loads: [loaded(), loaded()] });
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'PUBLISH', startEnabled: false });
    await at(actor, { following: { live: 'streaming' } });
    emit({ type: 'PROGRESS', id: 2, done: 0, total: 3, message: 'Checking 12 changes with Google Ads' });
    actor.send({ type: 'CANCEL' });
    await at(actor, { following: { live: 'streaming' } });
    expect(calls.cancels).toEqual([40]);
    expect(actor.getSnapshot().context.notice).toBe('cancelAsked');
    emit({ type: 'CANCELLED', id: 3, data: { reason: 'cancelled before the first change at Google Ads' } });
    await at(actor, 'ready');
    expect(actor.getSnapshot().context.outcome).toEqual({ kind: 'cancelled' });
  });

  it('offers no cancel once the job works at Google or the server says it is too late', async () => {
    const { actor, emit, calls } = setup();
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'PUBLISH', startEnabled: false });
    await at(actor, { following: { live: 'streaming' } });
    emit({ type: 'WARNING', id: 4, message: 'the publish has begun changing the campaign at Google Ads and finishes', data: { code: 'cancel_too_late' } });
    expect(actor.getSnapshot().context).toMatchObject({ notice: 'cancelTooLate', mutating: true });
    expect(actor.getSnapshot().can({ type: 'CANCEL' })).toBe(false);
    actor.send({ type: 'CANCEL' });
    expect(calls.cancels).toEqual([]);
  });

  it('a failed publish shows the run stored with it, in the screen\'s language', async () => {
    const stored = run(12, [problem('die finale URL hat keine gültige Top-Level-Domain')]);
    const { actor, emit, calls } = setup({ loads: [loaded(), loaded({ campaign: campaign('failed', ['archive', 'reopen', 'return_to_draft']), runs: [stored] })] });
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'PUBLISH', startEnabled: false });
    await at(actor, { following: { live: 'streaming' } });
    emit({ type: 'FAILED', id: 5, message: 'Google Ads refused 1 of the changes; nothing was changed', data: { run_id: 12, outcome: 'failed' } });
    await at(actor, 'ready');
    expect(calls.loads.at(-1)?.runs).toEqual([12]);
    expect(actor.getSnapshot().context.outcome).toEqual({ kind: 'failed', job: 'publish', message: 'Google Ads refused 1 of the changes; nothing was changed', runId: 12, run: stored });
    expect(actor.getSnapshot().can({ type: 'PUBLISH', startEnabled: false })).toBe(false);
  });

  it('follows a job the screen finds unfinished, or the one it was sent to follow', async () => {
    const a = setup({ loads: [loaded({ job: { id: 50, kind: 'publish' } })] });
    a.actor.start();
    await at(a.actor, { following: { live: 'streaming' } });
    expect(a.stream().input).toEqual({ jobId: 50, lastEventId: 0 });
    expect(a.calls.loads[0]).toMatchObject({ follow: null, findJob: true, accounts: true });

    const b = setup({ loads: [loaded({ ...live(), job: { id: 51, kind: 'status' } })] }, { follow: 51 });
    b.actor.start();
    await at(b.actor, { following: { live: 'streaming' } });
    expect(b.calls.loads[0]).toMatchObject({ follow: 51 });
    expect(b.actor.getSnapshot().context.follow).toBeNull();
    b.emit({ type: 'COMPLETED', id: 3, data: { status: 'PAUSED' } });
    await at(b.actor, 'ready');
    expect(b.actor.getSnapshot().context.outcome).toEqual({ kind: 'status', data: { status: 'PAUSED' } });
  });
});

describe('publish machine: the stream', () => {
  it('opens a lost stream again after a growing pause, from the last event seen', async () => {
    const clock = new SimulatedClock();
    const { actor, emit, streams } = setup({}, {}, clock);
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'PUBLISH', startEnabled: false });
    await at(actor, { following: { live: 'streaming' } });
    emit({ type: 'PROGRESS', id: 4, done: 1, total: 3, message: 'Published 1/3' });
    emit({ type: 'LOST' });
    expect(actor.getSnapshot().matches({ following: 'reconnecting' })).toBe(true);
    expect(streams[0]!.stopped).toBe(true);
    clock.increment(reconnectDelay(1) - 1);
    expect(streams).toHaveLength(1);
    clock.increment(1);
    expect(actor.getSnapshot().matches({ following: { live: 'streaming' } })).toBe(true);
    expect(streams[1]!.input).toEqual({ jobId: 40, lastEventId: 4 });
    emit({ type: 'LOST' });
    clock.increment(reconnectDelay(2));
    expect(streams).toHaveLength(3);
    expect(reconnectDelay(2)).toBe(2 * reconnectDelay(1));
    // An event means the stream works: the count starts again.
    emit({ type: 'PROGRESS', id: 5, done: 2, total: 3, message: 'Published 2/3' });
    expect(actor.getSnapshot().context.reconnects).toBe(0);
  });

  it(`gives up after ${maxReconnects} lost streams in a row and says so`, async () => {
    const clock = new SimulatedClock();
    const { actor, emit } = setup({}, {}, clock);
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'PUBLISH', startEnabled: false });
    await at(actor, { following: { live: 'streaming' } });
    for (let i = 1; i < maxReconnects; i++) {
      emit({ type: 'LOST' });
      clock.increment(reconnectDelay(i));
    }
    emit({ type: 'LOST' });
    expect(actor.getSnapshot().matches('failure')).toBe(true);
    expect(actor.getSnapshot().context.error).toBe('stream');
  });

  it('shows that the browser reconnects by itself, until the stream is open again', async () => {
    const { actor, emit } = setup();
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'PUBLISH', startEnabled: false });
    await at(actor, { following: { live: 'streaming' } });
    emit({ type: 'RETRYING' });
    expect(actor.getSnapshot().context.retrying).toBe(true);
    emit({ type: 'OPEN' });
    expect(actor.getSnapshot().context.retrying).toBe(false);
  });
});

describe('publish machine: account, dry run, status', () => {
  it('a dry run keeps its result and is worded again after a language switch', async () => {
    const de = run(11, [problem('die finale URL hat keine gültige Top-Level-Domain')]);
    const { actor, calls } = setup({ loads: [loaded(), loaded({ runs: [run(11, dryRun(false).problems)] }), loaded({ runs: [de] })], dry: dryRun(false) });
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'DRY_RUN' });
    await at(actor, 'refreshing');
    await at(actor, 'ready');
    expect(actor.getSnapshot().context.dryRun?.problems.map((p) => p.message)).toEqual(['the final URL has no valid top-level domain']);
    actor.send({ type: 'LOCALE' });
    await at(actor, 'refreshing');
    await at(actor, 'ready');
    expect(calls.loads.at(-1)?.runs).toEqual([11]);
    expect(actor.getSnapshot().context.dryRun?.problems.map((p) => p.message)).toEqual(['die finale URL hat keine gültige Top-Level-Domain']);
  });

  it('a failed dry run (Google down) says why and shows no old result', async () => {
    const { actor } = setup({ dry: new Error('Google Ads is unavailable — try again in a minute') });
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'DRY_RUN' });
    await at(actor, 'ready');
    expect(actor.getSnapshot().context).toMatchObject({ dryRun: null, error: 'Google Ads is unavailable — try again in a minute' });
  });

  it('choosing another account drops the dry run made for the old one; a refusal says why', async () => {
    const { actor, calls } = setup({ dry: dryRun(true) });
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'DRY_RUN' });
    await waitFor(actor, (s) => s.matches('ready') && s.context.dryRun !== null);
    actor.send({ type: 'CHOOSE_ACCOUNT', customerId: '2222222222', euPolitical: true });
    await at(actor, 'refreshing');
    await at(actor, 'ready');
    expect(calls.saves).toEqual([{ campaignId: 3, customerId: '2222222222', euPolitical: true }]);
    expect(actor.getSnapshot().context.dryRun).toBeNull();

    const refused = setup({ save: new Error('1234567890 is a manager account, which holds no campaigns') });
    refused.actor.start();
    await at(refused.actor, 'ready');
    refused.actor.send({ type: 'CHOOSE_ACCOUNT', customerId: '1234567890', euPolitical: false });
    await at(refused.actor, 'ready');
    expect(refused.actor.getSnapshot().context.error).toBe('1234567890 is a manager account, which holds no campaigns');
  });

  it('pause, resume and archive of a live campaign send the version on screen and follow the status job', async () => {
    const { actor, emit, calls } = setup({ loads: [loaded(live()), loaded(live())] });
    actor.start();
    await at(actor, 'ready');
    expect(actor.getSnapshot().can({ type: 'STATUS', event: 'pause' })).toBe(false); // paused already: not allowed
    actor.send({ type: 'STATUS', event: 'resume' });
    await at(actor, { following: { live: 'streaming' } });
    expect(calls.statuses).toEqual([{ event: 'resume', etag: '"5"' }]);
    expect(actor.getSnapshot().context.job).toEqual({ id: 41, kind: 'status' });
    expect(actor.getSnapshot().can({ type: 'CANCEL' })).toBe(false);
    emit({ type: 'FAILED', id: 2, message: 'Google Ads refused', data: { run_id: 13 } });
    await at(actor, 'ready');
    expect(actor.getSnapshot().context.outcome).toMatchObject({ kind: 'failed', job: 'status', message: 'Google Ads refused', runId: 13 });
  });

  it('a status change refused with 412 loads the campaign again', async () => {
    const { actor, calls } = setup({ loads: [loaded(live())], status: stale() });
    actor.start();
    await at(actor, 'ready');
    actor.send({ type: 'STATUS', event: 'resume' });
    await at(actor, 'changed');
    await at(actor, 'ready');
    expect(actor.getSnapshot().context.notice).toBe('changed');
    expect(calls.loads).toHaveLength(2);
  });

  it('a screen that could not be loaded says why and loads again on RETRY', async () => {
    const { actor } = setup({ loads: [new Error('HTTP 500'), loaded()] });
    actor.start();
    await at(actor, 'failure');
    expect(actor.getSnapshot().context.error).toBe('HTTP 500');
    actor.send({ type: 'RETRY' });
    await at(actor, 'ready');
    expect(actor.getSnapshot().context.error).toBeNull();
  });
});
