// The wizard machine without a DOM: every state, every event it refuses, and
// the server-driven routes between them. Actors are plain functions here;
// the browser tests run the same machine against the real server.
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, waitFor, type AnyActorRef, type EventObject } from 'xstate';
import { eventTypes, wizardMachine, type Checked, type CheckRequest, type Job, type Loaded, type MoreRequest, type WizardEvent } from './wizard.machine';
import type { StreamEvent } from '../../lib/jobstream';

/** What the server answers a change based on an old version. */
const stale = () => Object.assign(new Error('header.If-Match: "5" is stale; the current ETag is "9"'), { status: 412 });

/** One answer, or answers in turn (the last one repeats). */
type Answers<T> = T | Error | null | (T | Error | null)[];

interface Fakes {
  loaded?: Answers<Loaded>;
  started?: Answers<Job>;
  validated?: Answers<Checked>;
  reloaded?: Answers<Checked> | (() => Promise<Checked>);
  approve?: Answers<void>;
  more?: Job | Error | null;
  cancel?: Error | null;
  returnToDraft?: Answers<{ etag: string }>;
}

const result = <T,>(v: T | Error | null | undefined, dflt: T) => {
  if (v instanceof Error) return Promise.reject(v);
  return Promise.resolve(v ?? dflt);
};

function answer<T>(a: Answers<T> | undefined, dflt: T): Promise<T> {
  if (Array.isArray(a)) return result(a.length > 1 ? a.shift() : a[0], dflt);
  return result(a, dflt);
}

/** A text checker the machine started (validating.texts): what it was asked, and a way to answer. */
interface FakeChecker {
  input: Record<string, number>;
  requests: Record<string, number>[];
  answer: (seqs: Record<string, number>, invalid: number, total?: number) => void;
  stopped: boolean;
}

const fakeChecker = (checkers: FakeChecker[]) =>
  fromCallback<CheckRequest, { seqs: Record<string, number> }>(({ input, receive, sendBack }) => {
    const c: FakeChecker = {
      input: input.seqs,
      requests: [],
      answer: (seqs, invalid, total = 12) => sendBack({ type: 'CHECKED', seqs, total, invalid }),
      stopped: false,
    };
    checkers.push(c);
    receive((e) => c.requests.push(e.seqs));
    return () => {
      c.stopped = true;
    };
  });

function setup(f: Fakes = {}, resume: { jobId: number; lastEventId: number } | null = null) {
  const streams: { input: { jobId: number; lastEventId: number }; send: (e: StreamEvent) => void; stopped: boolean }[] = [];
  const checkers: FakeChecker[] = [];
  const calls = {
    start: [] as unknown[],
    startETags: [] as (string | null)[],
    more: [] as MoreRequest[],
    approve: 0,
    approveETags: [] as (string | null)[],
    cancel: [] as number[],
    returnToDraft: 0,
    returnETags: [] as (string | null)[],
    loads: 0,
    reloads: 0,
  };
  const machine = wizardMachine.provide({
    actors: {
      loadCampaign: fromPromise(async () => {
        calls.loads++;
        return answer(f.loaded, { state: 'draft', job: null, etag: '"3"' } as Loaded);
      }),
      startGeneration: fromPromise(async ({ input }) => {
        calls.start.push(input.brief);
        calls.startETags.push(input.etag);
        return answer(f.started, { id: 7, state: 'queued', progress: { done: 0, total: 10 } } as Job);
      }),
      jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(({ sendBack, input }) => {
        const s = { input, send: (e: StreamEvent) => sendBack(e), stopped: false };
        streams.push(s);
        return () => {
          s.stopped = true;
        };
      }),
      cancelJob: fromPromise<void, { jobId: number }>(async ({ input }) => {
        calls.cancel.push(input.jobId);
        return result(f.cancel, undefined);
      }),
      validateAll: fromPromise(async () => answer(f.validated, { total: 12, invalid: 0, etag: '"5"' })),
      reloadTree: fromPromise(async () => {
        calls.reloads++;
        return typeof f.reloaded === 'function' ? f.reloaded() : answer(f.reloaded, { total: 12, invalid: 0, etag: '"6"' });
      }),
      checkTexts: fakeChecker(checkers),
      requestMore: fromPromise(async ({ input }) => {
        calls.more.push(input.request);
        if (f.more === null) return null;
        return result(f.more, { id: 8, state: 'queued' } as Job);
      }),
      approve: fromPromise<void, { campaignId: number; etag: string | null }>(async ({ input }) => {
        calls.approve++;
        calls.approveETags.push(input.etag);
        return answer(f.approve, undefined);
      }),
      returnToDraft: fromPromise<{ etag: string }, { campaignId: number; etag: string | null }>(async ({ input }) => {
        calls.returnToDraft++;
        calls.returnETags.push(input.etag);
        return answer(f.returnToDraft, { etag: '"10"' });
      }),
    },
  });
  const actor = createActor(machine, { input: { campaignId: 3, resume } });
  return { actor, streams, calls, checkers };
}

const at = (actor: AnyActorRef, value: unknown) => waitFor(actor, (s) => s.matches(value as never), { timeout: 1000 });

const sample: Record<WizardEvent['type'], WizardEvent> = {
  PROGRESS: { type: 'PROGRESS', id: 1, done: 1, total: 10 },
  ITEM: { type: 'ITEM', id: 2, item: { asset_id: 1, field_type: 'HEADLINE', text: 'x', ad_id: 1 } },
  WARNING: { type: 'WARNING', id: 3, message: 'w' },
  COMPLETED: { type: 'COMPLETED', id: 4 },
  FAILED: { type: 'FAILED', id: 5, message: 'boom' },
  CANCELLED: { type: 'CANCELLED', id: 6 },
  NEXT: { type: 'NEXT', brief: { product: 'p' } },
  CANCEL: { type: 'CANCEL' },
  APPROVE: { type: 'APPROVE' },
  FILL_GAPS: { type: 'FILL_GAPS', request: { mode: 'fill_gaps', owner: 'ad_group', ownerId: 1 } },
  REGENERATE: { type: 'REGENERATE', request: { mode: 'regenerate', owner: 'ad_group', ownerId: 1, adId: 2, slot: 'headlines[3]' } },
  CHECK: { type: 'CHECK', keys: ['ad-4-HEADLINE-9'] },
  // Answers the edit reach('validating.texts') made (the machine's first).
  CHECKED: { type: 'CHECKED', seqs: { 'ad-4-HEADLINE-9': 1 }, total: 1, invalid: 0 },
  BACK_TO_BRIEF: { type: 'BACK_TO_BRIEF' },
  RETRY: { type: 'RETRY' },
  EDITED: { type: 'EDITED' },
  STALE: { type: 'STALE' },
};

// For each (sub)state: the only events it accepts. Every other event must be
// refused: snapshot.can() is false and sending it changes nothing.
const accepted: Record<string, WizardEvent['type'][]> = {
  idle: [],
  changed: [],
  'editingBrief.editing': ['NEXT'],
  'editingBrief.starting': [],
  'generating.streaming': ['PROGRESS', 'ITEM', 'WARNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CANCEL'],
  'generating.cancelling': ['PROGRESS', 'ITEM', 'WARNING', 'COMPLETED', 'FAILED', 'CANCELLED'],
  'validating.board': [],
  'validating.syncing': ['CHECK', 'EDITED', 'STALE'],
  'validating.texts': ['CHECK', 'CHECKED', 'EDITED', 'STALE'],
  // APPROVE here because every text is valid and none is being checked;
  // see "no approval while a text is invalid or being checked".
  'review.ready': ['APPROVE', 'FILL_GAPS', 'REGENERATE', 'CHECK', 'BACK_TO_BRIEF', 'EDITED', 'STALE'],
  'review.requesting': ['STALE'],
  'review.returning': ['STALE'],
  approving: [],
  done: [],
  'error.loading': [],
  'error.shown': ['RETRY', 'BACK_TO_BRIEF'],
  'error.returning': [],
};

// Drives a fresh actor into the named state, holding it there (the actor
// that would leave it never settles).
async function reach(name: string) {
  const never = () => new Promise<never>(() => {});
  const streams: { send: (e: StreamEvent) => void }[] = [];
  // What loadCampaign answers, call by call; "hold" never answers.
  const loads: (Loaded['state'] | 'hold')[] =
    name === 'idle' ? ['hold']
    : name === 'done' ? ['approved']
    : name === 'error.shown' || name === 'error.returning' ? ['archived']
    : name === 'changed' ? ['review', 'hold']
    : ['draft', 'hold'];
  const hold = wizardMachine.provide({
    actors: {
      loadCampaign: fromPromise(async () => {
        const st = loads.length > 1 ? loads.shift()! : loads[0]!;
        return st === 'hold' ? never() : ({ state: st, job: null, etag: '"3"' } as Loaded);
      }),
      startGeneration: fromPromise(async () => (name === 'editingBrief.starting' ? never() : ({ id: 7, state: 'queued' } as Job))),
      jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(({ sendBack }) => {
        streams.push({ send: sendBack as (e: StreamEvent) => void });
      }),
      cancelJob: fromPromise<void, { jobId: number }>(async () => never()),
      validateAll: fromPromise(async () => (name === 'validating.board' ? never() : { total: 1, invalid: 0, etag: '"5"' })),
      reloadTree: fromPromise<Checked, { campaignId: number }>(async () => never()),
      checkTexts: fromCallback<CheckRequest, { seqs: Record<string, number> }>(() => {}),
      requestMore: fromPromise<Job | null, { campaignId: number; request: MoreRequest }>(async () => never()),
      approve: fromPromise<void, { campaignId: number; etag: string | null }>(async () => (name === 'changed' ? Promise.reject(stale()) : never())),
      returnToDraft: fromPromise<{ etag: string }, { campaignId: number; etag: string | null }>(async () => never()),
    },
  });
  const a = createActor(hold, { input: { campaignId: 3 } }).start();
  const go = async (v: unknown) => at(a, v);
  switch (name) {
    case 'idle':
      break;
    case 'done':
      await go('done');
      break;
    case 'error.shown':
      await go({ error: 'shown' });
      break;
    case 'error.returning':
      await go({ error: 'shown' });
      a.send({ type: 'BACK_TO_BRIEF' });
      await go({ error: 'returning' });
      break;
    case 'changed':
      await go({ review: 'ready' });
      a.send({ type: 'APPROVE' });
      await go('changed');
      break;
    default: {
      await go({ editingBrief: 'editing' });
      if (name === 'editingBrief.editing') break;
      a.send(sample.NEXT);
      if (name === 'editingBrief.starting') {
        await go({ editingBrief: 'starting' });
        break;
      }
      await go({ generating: 'streaming' });
      if (name === 'generating.streaming') break;
      if (name === 'generating.cancelling') {
        a.send({ type: 'CANCEL' });
        await go({ generating: 'cancelling' });
        break;
      }
      if (name === 'error.loading') {
        streams.at(-1)!.send({ type: 'FAILED', id: 9, message: 'boom' });
        await go({ error: 'loading' });
        break;
      }
      streams.at(-1)!.send({ type: 'COMPLETED', id: 9 });
      if (name === 'validating.board') {
        await go({ validating: 'board' });
        break;
      }
      await go({ review: 'ready' });
      if (name === 'review.ready') break;
      if (name === 'review.requesting') {
        a.send(sample.FILL_GAPS);
        await go({ review: 'requesting' });
        break;
      }
      if (name === 'validating.syncing') {
        a.send({ type: 'EDITED' });
        await go({ validating: 'syncing' });
        break;
      }
      if (name === 'validating.texts') {
        a.send(sample.CHECK);
        await go({ validating: 'texts' });
        break;
      }
      if (name === 'review.returning') {
        a.send({ type: 'BACK_TO_BRIEF' });
        await go({ review: 'returning' });
        break;
      }
      a.send({ type: 'APPROVE' });
      await go('approving');
    }
  }
  expect(a.getSnapshot().matches(name.includes('.') ? { [name.split('.')[0]!]: name.split('.')[1] } : (name as never))).toBe(true);
  return a;
}

describe('wizard machine: refused events', () => {
  for (const [state, allowed] of Object.entries(accepted)) {
    it(`${state} accepts exactly ${allowed.join(', ') || 'nothing'}`, async () => {
      const a = await reach(state);
      for (const type of eventTypes) {
        const before = a.getSnapshot();
        const can = before.can(sample[type]);
        expect({ type, can }).toEqual({ type, can: allowed.includes(type) });
        // A final state stops the actor: nothing more to send.
        if (!allowed.includes(type) && state !== 'done') {
          a.send(sample[type]);
          const after = a.getSnapshot();
          expect(after.value).toEqual(before.value);
          expect(after.context).toBe(before.context);
        }
      }
      a.stop();
    });
  }

  it('has no NEXT transition while generating or validating', () => {
    const states = wizardMachine.root.states;
    const hasNext = (node: { on: Record<string, unknown>; states: Record<string, unknown> }): boolean =>
      'NEXT' in node.on || Object.values(node.states).some((s) => hasNext(s as never));
    expect(hasNext(states['generating'] as never)).toBe(false);
    expect(hasNext(states['validating'] as never)).toBe(false);
    expect(hasNext(states['editingBrief'] as never)).toBe(true);
  });

  it('has an APPROVE transition in review.ready only', () => {
    type Node = { id: string; on: Record<string, unknown>; states: Record<string, Node> };
    const withApprove = (n: Node): string[] => [...('APPROVE' in n.on ? [n.id] : []), ...Object.values(n.states).flatMap(withApprove)];
    expect(withApprove(wizardMachine.root as unknown as Node)).toEqual(['wizard.review.ready']);
  });
});

describe('wizard machine: no approval while a text is invalid or being checked', () => {
  const review: Loaded = { state: 'review', job: null, etag: '"5"' };
  const [a, b] = ['ad-4-HEADLINE-1', 'ad-4-HEADLINE-2'];
  const approvable = (actor: AnyActorRef) => actor.getSnapshot().can({ type: 'APPROVE' });

  it('refuses APPROVE while a text on the board is invalid, and takes it once a check finds all valid', async () => {
    const { actor, calls, checkers } = setup({ loaded: review, validated: { total: 12, invalid: 1, etag: '"5"' } });
    actor.start();
    await at(actor, { review: 'ready' });
    expect(approvable(actor)).toBe(false);
    actor.send({ type: 'APPROVE' });
    expect(actor.getSnapshot().matches({ review: 'ready' })).toBe(true);
    expect(calls.approve).toBe(0);
    // The invalid text is edited: the machine checks it and learns the board's counts.
    actor.send({ type: 'CHECK', keys: [a] });
    expect(actor.getSnapshot().matches({ validating: 'texts' })).toBe(true);
    expect(checkers.map((c) => c.input)).toEqual([{ [a]: 1 }]);
    checkers[0]!.answer({ [a]: 1 }, 0);
    expect(actor.getSnapshot().matches({ review: 'ready' })).toBe(true);
    expect(checkers[0]!.stopped).toBe(true);
    expect(approvable(actor)).toBe(true);
    actor.send({ type: 'APPROVE' });
    await at(actor, 'done');
    expect(calls.approve).toBe(1);
  });

  it('refuses APPROVE while a check is under way, though no text is known to be invalid', async () => {
    const { actor, calls, checkers } = setup({ loaded: review });
    actor.start();
    await at(actor, { review: 'ready' });
    expect(approvable(actor)).toBe(true);
    actor.send({ type: 'CHECK', keys: [a] });
    expect(actor.getSnapshot().context.invalid).toBe(0);
    expect(approvable(actor)).toBe(false);
    actor.send({ type: 'APPROVE' });
    expect(actor.getSnapshot().matches({ validating: 'texts' })).toBe(true);
    expect(calls.approve).toBe(0);
    // The edit broke the text: still no approval.
    checkers[0]!.answer({ [a]: 1 }, 1);
    expect(actor.getSnapshot().matches({ review: 'ready' })).toBe(true);
    expect(approvable(actor)).toBe(false);
    actor.send({ type: 'CHECK', keys: [a] });
    checkers[1]!.answer({ [a]: 2 }, 0);
    expect(approvable(actor)).toBe(true);
  });

  it('waits for the answer of every text being checked', async () => {
    const { actor, checkers } = setup({ loaded: review });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'CHECK', keys: [a, b] });
    checkers[0]!.answer({ [a]: 1 }, 0);
    expect(actor.getSnapshot().matches({ validating: 'texts' })).toBe(true);
    expect(actor.getSnapshot().context.checking).toEqual({ [b]: 2 });
    expect(approvable(actor)).toBe(false);
    checkers[0]!.answer({ [b]: 2 }, 0);
    expect(actor.getSnapshot().matches({ review: 'ready' })).toBe(true);
    expect(approvable(actor)).toBe(true);
  });

  it('drops an answer for an older text: the newest edit decides', async () => {
    const { actor, checkers } = setup({ loaded: review });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'CHECK', keys: [a] });
    actor.send({ type: 'CHECK', keys: [a, b] }); // typed on, and another text
    expect(checkers).toHaveLength(1);
    expect(checkers[0]!.requests).toEqual([{ [a]: 2, [b]: 3 }]);
    const before = actor.getSnapshot();
    const old = { type: 'CHECKED', seqs: { [a]: 1 }, total: 12, invalid: 0 } as const;
    expect(before.can(old)).toBe(false);
    checkers[0]!.answer({ [a]: 1 }, 0);
    expect(actor.getSnapshot().context).toBe(before.context);
    checkers[0]!.answer({ [a]: 2, [b]: 3 }, 1);
    expect(actor.getSnapshot().matches({ review: 'ready' })).toBe(true);
    expect(actor.getSnapshot().context).toMatchObject({ checking: {}, invalid: 1 });
    expect(approvable(actor)).toBe(false);
  });

  it('a text edited while the tree reloads is checked once the tree is on the board', async () => {
    let release!: (c: Checked) => void;
    const { actor, calls, checkers } = setup({ loaded: review, reloaded: () => new Promise<Checked>((r) => (release = r)) });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'EDITED' });
    await at(actor, { validating: 'syncing' });
    actor.send({ type: 'CHECK', keys: [a] });
    expect(actor.getSnapshot().matches({ validating: 'syncing' })).toBe(true);
    expect(checkers).toHaveLength(0);
    actor.send({ type: 'APPROVE' });
    expect(calls.approve).toBe(0);
    release({ total: 12, invalid: 0, etag: '"6"' });
    await at(actor, { validating: 'texts' });
    expect(checkers.map((c) => c.input)).toEqual([{ [a]: 1 }]);
    expect(approvable(actor)).toBe(false);
    checkers[0]!.answer({ [a]: 1 }, 0);
    expect(actor.getSnapshot().matches({ review: 'ready' })).toBe(true);
    expect(actor.getSnapshot().context.etag).toBe('"6"');
  });

  it("the tab's own tile change during checks reloads the tree first, then checks the texts still due", async () => {
    let release!: (c: Checked) => void;
    const { actor, calls, checkers } = setup({ loaded: review, reloaded: () => new Promise<Checked>((r) => (release = r)) });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'CHECK', keys: [a] });
    actor.send({ type: 'EDITED' });
    expect(actor.getSnapshot().matches({ validating: 'syncing' })).toBe(true);
    expect(checkers[0]!.stopped).toBe(true); // what it had under way is dropped
    expect(calls.reloads).toBe(1);
    release({ total: 12, invalid: 0, etag: '"6"' });
    await at(actor, { validating: 'texts' });
    expect(checkers.map((c) => c.input)).toEqual([{ [a]: 1 }, { [a]: 1 }]);
    checkers[1]!.answer({ [a]: 1 }, 0);
    expect(actor.getSnapshot().matches({ review: 'ready' })).toBe(true);
  });

  it('a new board forgets the checks due on the old one', async () => {
    const { actor, checkers } = setup({ loaded: [review, { ...review, etag: '"9"' }], validated: [{ total: 12, invalid: 0, etag: '"5"' }, { total: 11, invalid: 0, etag: '"9"' }] });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'CHECK', keys: [a] });
    actor.send({ type: 'STALE' }); // a tile change was refused meanwhile
    await waitFor(actor, (s) => s.matches({ review: 'ready' }) && s.context.etag === '"9"', { timeout: 1000 });
    expect(checkers[0]!.stopped).toBe(true);
    expect(actor.getSnapshot().context).toMatchObject({ checking: {}, total: 11 });
    expect(approvable(actor)).toBe(true);
  });
});

describe('wizard machine: following the server', () => {
  it('routes a loaded campaign by its server state', async () => {
    const cases: [Loaded, unknown][] = [
      [{ state: 'draft', job: null, etag: '"1"' }, { editingBrief: 'editing' }],
      [{ state: 'generating', job: { id: 5, state: 'running' }, etag: '"1"' }, { generating: 'streaming' }],
      [{ state: 'review', job: null, etag: '"1"' }, { review: 'ready' }],
      [{ state: 'approved', job: null, etag: '"1"' }, 'done'],
      [{ state: 'published', job: null, etag: '"1"' }, 'done'],
      [{ state: 'archived', job: null, etag: '"1"' }, { error: 'shown' }],
      [{ state: 'generating', job: null, etag: '"1"' }, { error: 'shown' }], // no job to follow
    ];
    for (const [loaded, want] of cases) {
      const { actor } = setup({ loaded });
      actor.start();
      await at(actor, want);
      actor.stop();
    }
  });

  it('runs brief → generate → validate → review → approve → done', async () => {
    const { actor, streams, calls, checkers } = setup({ validated: { total: 12, invalid: 2, etag: '"5"' } });
    const items: unknown[] = [];
    actor.on('item', (e) => items.push(e.item));
    actor.start();
    await at(actor, { editingBrief: 'editing' });
    actor.send({ type: 'NEXT', brief: { product: 'Winterreifen' } });
    await at(actor, { generating: 'streaming' });
    expect(calls.start).toEqual([{ product: 'Winterreifen' }]);
    expect(streams[0]!.input).toEqual({ jobId: 7, lastEventId: 0 });
    expect(actor.getSnapshot().context.progress).toEqual({ done: 0, total: 10 });

    const s = streams[0]!;
    s.send({ type: 'PROGRESS', id: 1, done: 3, total: 10, message: 'ad group 1' });
    s.send({ type: 'ITEM', id: 2, item: { asset_id: 11, field_type: 'HEADLINE', text: 'Winterreifen kaufen', ad_id: 1 } });
    s.send({ type: 'WARNING', id: 3, message: 'retrying' });
    const ctx = actor.getSnapshot().context;
    expect(ctx.progress).toEqual({ done: 3, total: 10, message: 'ad group 1' });
    expect(ctx.lastEventId).toBe(3);
    expect(ctx.received).toBe(1);
    expect(ctx.warnings).toEqual(['retrying']);
    expect(items).toEqual([{ asset_id: 11, field_type: 'HEADLINE', text: 'Winterreifen kaufen', ad_id: 1, seq: 2 }]);
    // NEXT while generating is refused: no transition exists.
    actor.send({ type: 'NEXT', brief: {} });
    expect(actor.getSnapshot().matches('generating')).toBe(true);
    expect(calls.start).toHaveLength(1);

    // A stream replayed from the start passes the queued event again: a
    // running generation does not go back to "waiting for a worker".
    s.send({ type: 'PROGRESS', id: 1, done: 7, total: 19, data: { done: 7, total: 19, unit: 'texts', phase: 'running' } });
    s.send({ type: 'PROGRESS', id: 1, done: 0, total: 0, data: { unit: 'texts', phase: 'queued' } });
    expect(actor.getSnapshot().context.progress).toMatchObject({ done: 7, total: 19, unit: 'texts', phase: 'running' });

    s.send({ type: 'COMPLETED', id: 4 });
    expect(s.stopped).toBe(true); // leaving generating closes the stream
    await at(actor, { review: 'ready' });
    expect(actor.getSnapshot().context).toMatchObject({ total: 12, invalid: 2 });
    // Both invalid texts are edited until valid.
    actor.send({ type: 'CHECK', keys: ['h1', 'h2'] });
    checkers[0]!.answer({ h1: 1, h2: 2 }, 0);
    expect(actor.getSnapshot().context).toMatchObject({ total: 12, invalid: 0 });
    actor.send({ type: 'APPROVE' });
    await at(actor, 'done');
    expect(calls.approve).toBe(1);
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('resumes a reloaded stream after the last event this tab saw', async () => {
    const { actor, streams } = setup({ loaded: { state: 'generating', job: { id: 5, state: 'running', progress: { done: 4, total: 10 } }, etag: '"1"' } }, { jobId: 5, lastEventId: 17 });
    actor.start();
    await at(actor, { generating: 'streaming' });
    expect(streams[0]!.input).toEqual({ jobId: 5, lastEventId: 17 });
    expect(actor.getSnapshot().context.progress).toEqual({ done: 4, total: 10 });
  });

  it('replays from the start a job this tab never saw', async () => {
    const { actor, streams } = setup({ loaded: { state: 'generating', job: { id: 6, state: 'running' }, etag: '"1"' } }, { jobId: 5, lastEventId: 17 });
    actor.start();
    await at(actor, { generating: 'streaming' });
    expect(streams[0]!.input.lastEventId).toBe(0);
  });

  it('goes to error when the job fails, and RETRY asks the server again', async () => {
    const { actor, streams } = setup();
    actor.start();
    await at(actor, { editingBrief: 'editing' });
    actor.send(sample.NEXT);
    await at(actor, { generating: 'streaming' });
    streams[0]!.send({ type: 'FAILED', id: 2, message: 'model unavailable' });
    await at(actor, { error: 'shown' });
    expect(actor.getSnapshot().context.error).toBe('model unavailable');
    actor.send({ type: 'RETRY' });
    await at(actor, { editingBrief: 'editing' });
    expect(actor.getSnapshot().context.error).toBeNull();
  });

  it('stays on the brief with the reason when the server refuses to start', async () => {
    const { actor } = setup({ started: new Error('409: state review') });
    actor.start();
    await at(actor, { editingBrief: 'editing' });
    actor.send(sample.NEXT);
    await at(actor, { editingBrief: 'editing' });
    expect(actor.getSnapshot().context.error).toBe('409: state review');
  });

  it('cancelling asks the server and then follows its state', async () => {
    const { actor, streams, calls } = setup();
    actor.start();
    await at(actor, { editingBrief: 'editing' });
    actor.send(sample.NEXT);
    await at(actor, { generating: 'streaming' });
    actor.send({ type: 'CANCEL' });
    await at(actor, { editingBrief: 'editing' }); // loadCampaign says draft
    expect(calls.cancel).toEqual([7]);
    expect(streams[0]!.stopped).toBe(true);
  });

  it('a refused approval returns to review with the reason', async () => {
    const { actor } = setup({ loaded: { state: 'review', job: null, etag: '"1"' }, approve: new Error('ad 3 has 2 headlines') });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'APPROVE' });
    await at(actor, { review: 'ready' });
    expect(actor.getSnapshot().context.error).toBe('ad 3 has 2 headlines');
  });

  it('fill the gaps and regenerate start a job and stream it', async () => {
    const { actor, streams, calls } = setup({ loaded: { state: 'review', job: null, etag: '"1"' } });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send(sample.REGENERATE);
    await at(actor, { generating: 'streaming' });
    expect(calls.more).toEqual([sample.REGENERATE.type === 'REGENERATE' && sample.REGENERATE.request]);
    expect(streams[0]!.input).toEqual({ jobId: 8, lastEventId: 0 });
    streams[0]!.send({ type: 'COMPLETED', id: 1 });
    await at(actor, { review: 'ready' });
    actor.send(sample.FILL_GAPS);
    await at(actor, { generating: 'streaming' });
    expect(calls.more[1]).toEqual({ mode: 'fill_gaps', owner: 'ad_group', ownerId: 1 });
  });

  it('a slot regenerated at once goes straight to validating', async () => {
    let validations = 0;
    const { actor, streams } = setup({ loaded: { state: 'review', job: null, etag: '"1"' }, more: null });
    actor.subscribe((s) => s.matches('validating') && validations++);
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send(sample.REGENERATE);
    await at(actor, { review: 'ready' });
    expect(validations).toBeGreaterThan(0);
    expect(streams).toHaveLength(0);
  });

  it('a job cancelled elsewhere sends the wizard back to the server state', async () => {
    const { actor, streams } = setup();
    actor.start();
    await at(actor, { editingBrief: 'editing' });
    actor.send(sample.NEXT);
    await at(actor, { generating: 'streaming' });
    streams[0]!.send({ type: 'CANCELLED', id: 3 });
    await at(actor, { editingBrief: 'editing' });
  });

  it('back to the brief goes through the server', async () => {
    const { actor, calls } = setup({ loaded: { state: 'review', job: null, etag: '"1"' } });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'BACK_TO_BRIEF' });
    await at(actor, { editingBrief: 'editing' });
    expect(calls.returnToDraft).toBe(1);
  });

  it('a failed validation is an error', async () => {
    const { actor } = setup({ loaded: { state: 'review', job: null, etag: '"1"' }, validated: new Error('validate: 500') });
    actor.start();
    await at(actor, { error: 'shown' });
    expect(actor.getSnapshot().context.error).toBe('validate: 500');
  });
});

describe('wizard machine: every lifecycle event names the version on screen', () => {
  const review = (etag: string): Loaded => ({ state: 'review', job: null, etag });

  it('the brief is saved on the loaded version; approval sends the ETag of the tree the board shows', async () => {
    const { actor, streams, calls } = setup({ loaded: { state: 'draft', job: null, etag: '"3"' }, validated: { total: 12, invalid: 0, etag: '"5"' } });
    actor.start();
    await at(actor, { editingBrief: 'editing' });
    expect(actor.getSnapshot().context.etag).toBe('"3"');
    actor.send(sample.NEXT);
    await at(actor, { generating: 'streaming' });
    expect(calls.startETags).toEqual(['"3"']);
    streams[0]!.send({ type: 'COMPLETED', id: 1 });
    await at(actor, { review: 'ready' });
    expect(actor.getSnapshot().context.etag).toBe('"5"');
    actor.send({ type: 'APPROVE' });
    await at(actor, 'done');
    expect(calls.approveETags).toEqual(['"5"']);
  });

  it("the tab's own tile change reloads the tree; no approval until the board shows it, then approval names it", async () => {
    let release!: (c: Checked) => void;
    const { actor, calls } = setup({ loaded: review('"5"'), reloaded: () => new Promise<Checked>((r) => (release = r)) });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'EDITED' });
    await at(actor, { validating: 'syncing' });
    // Approving now would name a version the board does not show yet.
    expect(actor.getSnapshot().can({ type: 'APPROVE' })).toBe(false);
    actor.send({ type: 'APPROVE' });
    expect(calls.approve).toBe(0);
    release({ total: 12, invalid: 0, etag: '"6"' });
    await at(actor, { review: 'ready' });
    expect(actor.getSnapshot().context).toMatchObject({ etag: '"6"', total: 12, invalid: 0 });
    actor.send({ type: 'APPROVE' });
    await at(actor, 'done');
    expect(calls.approveETags).toEqual(['"6"']);
  });

  it('a change while the tree reloads starts the reload again: the newest tree and its ETag win', async () => {
    const pending: ((c: Checked) => void)[] = [];
    const { actor, calls } = setup({ loaded: review('"5"'), reloaded: () => new Promise<Checked>((r) => pending.push(r)) });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'EDITED' });
    await at(actor, { validating: 'syncing' });
    actor.send({ type: 'EDITED' });
    await waitFor(actor, () => pending.length === 2, { timeout: 1000 });
    expect(calls.reloads).toBe(2);
    pending[1]!({ total: 12, invalid: 0, etag: '"8"' });
    await at(actor, { review: 'ready' });
    // The first reload answers late, with an older tree: dropped.
    pending[0]!({ total: 11, invalid: 3, etag: '"7"' });
    await new Promise((r) => setTimeout(r, 10));
    expect(actor.getSnapshot().context).toMatchObject({ etag: '"8"', total: 12, invalid: 0 });
  });

  it('a failed reload keeps the review with the reason', async () => {
    const { actor } = setup({ loaded: review('"5"'), reloaded: new Error('network down') });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'EDITED' });
    await at(actor, { review: 'ready' });
    expect(actor.getSnapshot().context).toMatchObject({ error: 'network down', etag: '"5"' });
  });

  it('412 on approval: not approved, the campaign is loaded again with a notice, and approving again names the new version', async () => {
    const states: unknown[] = [];
    const { actor, calls } = setup({
      loaded: [review('"5"'), review('"9"')],
      validated: [{ total: 12, invalid: 0, etag: '"5"' }, { total: 13, invalid: 0, etag: '"9"' }],
      approve: [stale(), null],
    });
    actor.subscribe((s) => states.push(s.value));
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'APPROVE' });
    await waitFor(actor, (s) => s.matches({ review: 'ready' }) && s.context.etag === '"9"', { timeout: 1000 });
    expect(states).toContainEqual('changed');
    expect(actor.getSnapshot().status).toBe('active'); // not done: nothing was approved
    expect(actor.getSnapshot().context).toMatchObject({ changed: true, error: null, total: 13 });
    expect(calls.approveETags).toEqual(['"5"']);
    expect(calls.loads).toBe(2);
    actor.send({ type: 'APPROVE' });
    await at(actor, 'done');
    expect(calls.approveETags).toEqual(['"5"', '"9"']);
    expect(actor.getSnapshot().context.changed).toBe(false);
  });

  it('412 on approval because someone else approved: the wizard ends where the server is, saying why', async () => {
    const { actor } = setup({ loaded: [review('"5"'), { state: 'approved', job: null, etag: '"6"' }], approve: stale() });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'APPROVE' });
    await at(actor, 'done');
    expect(actor.getSnapshot().context).toMatchObject({ changed: true, etag: '"6"' });
  });

  it('412 when saving the brief: loaded again, the brief shown anew, and the next start names the new version', async () => {
    const { actor, calls } = setup({
      loaded: [{ state: 'draft', job: null, etag: '"3"' }, { state: 'draft', job: null, etag: '"4"' }],
      started: [stale(), { id: 7, state: 'queued' } as Job],
    });
    actor.start();
    await at(actor, { editingBrief: 'editing' });
    actor.send(sample.NEXT);
    await waitFor(actor, (s) => s.matches({ editingBrief: 'editing' }) && s.context.etag === '"4"', { timeout: 1000 });
    expect(actor.getSnapshot().context).toMatchObject({ changed: true, error: null });
    actor.send(sample.NEXT);
    await at(actor, { generating: 'streaming' });
    expect(calls.startETags).toEqual(['"3"', '"4"']);
    expect(actor.getSnapshot().context.changed).toBe(false);
  });

  it('412 on back to the brief: loaded again and reviewed anew', async () => {
    const { actor, calls } = setup({
      loaded: [review('"5"'), review('"9"')],
      validated: [{ total: 12, invalid: 0, etag: '"5"' }, { total: 12, invalid: 0, etag: '"9"' }],
      returnToDraft: [stale(), { etag: '"10"' }],
    });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'BACK_TO_BRIEF' });
    await waitFor(actor, (s) => s.matches({ review: 'ready' }) && s.context.etag === '"9"', { timeout: 1000 });
    expect(actor.getSnapshot().context.changed).toBe(true);
    actor.send({ type: 'BACK_TO_BRIEF' });
    await at(actor, { editingBrief: 'editing' });
    expect(calls.returnETags).toEqual(['"5"', '"9"']);
    // The brief is then saved on the draft that event made.
    expect(actor.getSnapshot().context.etag).toBe('"10"');
    actor.send(sample.NEXT);
    await at(actor, { generating: 'streaming' });
    expect(calls.startETags).toEqual(['"10"']);
  });

  it('a tile change refused with 412 (STALE) loads the campaign again and reviews the new tree', async () => {
    const { actor, calls } = setup({
      loaded: [review('"5"'), review('"9"')],
      validated: [{ total: 12, invalid: 0, etag: '"5"' }, { total: 12, invalid: 1, etag: '"9"' }],
    });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'STALE' });
    await waitFor(actor, (s) => s.matches({ review: 'ready' }) && s.context.etag === '"9"', { timeout: 1000 });
    expect(actor.getSnapshot().context).toMatchObject({ changed: true, invalid: 1 });
    expect(calls.loads).toBe(2);
    // The next own change clears the notice.
    actor.send({ type: 'EDITED' });
    expect(actor.getSnapshot().context.changed).toBe(false);
  });

  it('after a failed job the error knows the failed version, and back to the brief names it', async () => {
    const { actor, streams, calls } = setup({ loaded: [{ state: 'draft', job: null, etag: '"3"' }, { state: 'failed', job: null, etag: '"11"' }] });
    actor.start();
    await at(actor, { editingBrief: 'editing' });
    actor.send(sample.NEXT);
    await at(actor, { generating: 'streaming' });
    streams[0]!.send({ type: 'FAILED', id: 2, message: 'model unavailable' });
    await at(actor, { error: 'shown' });
    expect(actor.getSnapshot().context).toMatchObject({ error: 'model unavailable', etag: '"11"' });
    actor.send({ type: 'BACK_TO_BRIEF' });
    await at(actor, { editingBrief: 'editing' });
    expect(calls.returnETags).toEqual(['"11"']);
  });

  it('412 from the error screen loads the campaign again', async () => {
    const { actor } = setup({ loaded: [{ state: 'failed', job: null, etag: '"11"' }, { state: 'draft', job: null, etag: '"12"' }], returnToDraft: stale() });
    actor.start();
    await at(actor, { error: 'shown' });
    actor.send({ type: 'BACK_TO_BRIEF' });
    await waitFor(actor, (s) => s.matches({ editingBrief: 'editing' }) && s.context.etag === '"12"', { timeout: 1000 });
    expect(actor.getSnapshot().context.changed).toBe(true);
  });
});
