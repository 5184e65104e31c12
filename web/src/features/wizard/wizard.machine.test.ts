// The wizard machine without a DOM: every state, every event it refuses, and
// the server-driven routes between them. Actors are plain functions here;
// the browser tests run the same machine against the real server.
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, waitFor, type AnyActorRef, type EventObject } from 'xstate';
import { eventTypes, wizardMachine, type Job, type Loaded, type MoreRequest, type StreamEvent, type WizardEvent } from './wizard.machine';

interface Fakes {
  loaded?: Loaded | Error;
  started?: Job | Error;
  validated?: { total: number; invalid: number } | Error;
  approve?: Error | null;
  more?: Job | Error | null;
  cancel?: Error | null;
  returnToDraft?: Error | null;
}

const result = <T,>(v: T | Error | null | undefined, dflt: T) => {
  if (v instanceof Error) return Promise.reject(v);
  return Promise.resolve(v ?? dflt);
};

function setup(f: Fakes = {}, resume: { jobId: number; lastEventId: number } | null = null) {
  const streams: { input: { jobId: number; lastEventId: number }; send: (e: StreamEvent) => void; stopped: boolean }[] = [];
  const calls: { start: unknown[]; more: MoreRequest[]; approve: number; cancel: number[]; returnToDraft: number } = { start: [], more: [], approve: 0, cancel: [], returnToDraft: 0 };
  const machine = wizardMachine.provide({
    actors: {
      loadCampaign: fromPromise(async () => result(f.loaded, { state: 'draft', job: null } as Loaded)),
      startGeneration: fromPromise(async ({ input }) => {
        calls.start.push(input.brief);
        return result(f.started, { id: 7, state: 'queued', progress: { done: 0, total: 10 } } as Job);
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
      validateAll: fromPromise(async () => result(f.validated, { total: 12, invalid: 2 })),
      requestMore: fromPromise(async ({ input }) => {
        calls.more.push(input.request);
        if (f.more === null) return null;
        return result(f.more, { id: 8, state: 'queued' } as Job);
      }),
      approve: fromPromise<void, { campaignId: number }>(async () => {
        calls.approve++;
        return result(f.approve, undefined);
      }),
      returnToDraft: fromPromise<void, { campaignId: number }>(async () => {
        calls.returnToDraft++;
        return result(f.returnToDraft, undefined);
      }),
    },
  });
  const actor = createActor(machine, { input: { campaignId: 3, resume } });
  return { actor, streams, calls };
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
  REVALIDATED: { type: 'REVALIDATED', total: 1, invalid: 0 },
  BACK_TO_BRIEF: { type: 'BACK_TO_BRIEF' },
  RETRY: { type: 'RETRY' },
};

// For each (sub)state: the only events it accepts. Every other event must be
// refused: snapshot.can() is false and sending it changes nothing.
const accepted: Record<string, WizardEvent['type'][]> = {
  idle: [],
  'editingBrief.editing': ['NEXT'],
  'editingBrief.starting': [],
  'generating.streaming': ['PROGRESS', 'ITEM', 'WARNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CANCEL'],
  'generating.cancelling': ['PROGRESS', 'ITEM', 'WARNING', 'COMPLETED', 'FAILED', 'CANCELLED'],
  validating: [],
  'review.ready': ['APPROVE', 'FILL_GAPS', 'REGENERATE', 'BACK_TO_BRIEF', 'REVALIDATED'],
  'review.requesting': ['REVALIDATED'],
  approving: [],
  done: [],
  'error.shown': ['RETRY', 'BACK_TO_BRIEF'],
};

// Drives a fresh actor into the named state, holding it there (the actor
// that would leave it never settles).
async function reach(name: string) {
  const never = () => new Promise<never>(() => {});
  const streams: { send: (e: StreamEvent) => void }[] = [];
  const hold = (src: string) =>
    wizardMachine.provide({
      actors: {
        loadCampaign: fromPromise(async () => (name === 'idle' ? never() : ({ state: name === 'done' ? 'approved' : name.startsWith('error') ? 'archived' : 'draft', job: null } as Loaded))),
        startGeneration: fromPromise(async () => (src === 'start' ? never() : ({ id: 7, state: 'queued' } as Job))),
        jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(({ sendBack }) => {
          streams.push({ send: sendBack as (e: StreamEvent) => void });
        }),
        cancelJob: fromPromise<void, { jobId: number }>(async () => never()),
        validateAll: fromPromise(async () => (src === 'validate' ? never() : { total: 1, invalid: 0 })),
        requestMore: fromPromise<Job | null, { campaignId: number; request: MoreRequest }>(async () => never()),
        approve: fromPromise<void, { campaignId: number }>(async () => never()),
        returnToDraft: fromPromise<void, { campaignId: number }>(async () => never()),
      },
    });
  const src = name === 'editingBrief.starting' ? 'start' : name === 'validating' ? 'validate' : '';
  const a = createActor(hold(src), { input: { campaignId: 3 } }).start();
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
      streams.at(-1)!.send({ type: 'COMPLETED', id: 9 });
      if (name === 'validating') {
        await go('validating');
        break;
      }
      await go({ review: 'ready' });
      if (name === 'review.ready') break;
      if (name === 'review.requesting') {
        a.send(sample.FILL_GAPS);
        await go({ review: 'requesting' });
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
});

describe('wizard machine: following the server', () => {
  it('routes a loaded campaign by its server state', async () => {
    const cases: [Loaded, unknown][] = [
      [{ state: 'draft', job: null }, { editingBrief: 'editing' }],
      [{ state: 'generating', job: { id: 5, state: 'running' } }, { generating: 'streaming' }],
      [{ state: 'review', job: null }, { review: 'ready' }],
      [{ state: 'approved', job: null }, 'done'],
      [{ state: 'published', job: null }, 'done'],
      [{ state: 'archived', job: null }, { error: 'shown' }],
      [{ state: 'generating', job: null }, { error: 'shown' }], // no job to follow
    ];
    for (const [loaded, want] of cases) {
      const { actor } = setup({ loaded });
      actor.start();
      await at(actor, want);
      actor.stop();
    }
  });

  it('runs brief → generate → validate → review → approve → done', async () => {
    const { actor, streams, calls } = setup();
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
    expect(items).toEqual([{ asset_id: 11, field_type: 'HEADLINE', text: 'Winterreifen kaufen', ad_id: 1 }]);
    // NEXT while generating is refused: no transition exists.
    actor.send({ type: 'NEXT', brief: {} });
    expect(actor.getSnapshot().matches('generating')).toBe(true);
    expect(calls.start).toHaveLength(1);

    s.send({ type: 'COMPLETED', id: 4 });
    expect(s.stopped).toBe(true); // leaving generating closes the stream
    await at(actor, { review: 'ready' });
    expect(actor.getSnapshot().context).toMatchObject({ total: 12, invalid: 2 });
    actor.send({ type: 'REVALIDATED', total: 12, invalid: 0 });
    expect(actor.getSnapshot().context.invalid).toBe(0);
    actor.send({ type: 'APPROVE' });
    await at(actor, 'done');
    expect(calls.approve).toBe(1);
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('resumes a reloaded stream after the last event this tab saw', async () => {
    const { actor, streams } = setup({ loaded: { state: 'generating', job: { id: 5, state: 'running', progress: { done: 4, total: 10 } } } }, { jobId: 5, lastEventId: 17 });
    actor.start();
    await at(actor, { generating: 'streaming' });
    expect(streams[0]!.input).toEqual({ jobId: 5, lastEventId: 17 });
    expect(actor.getSnapshot().context.progress).toEqual({ done: 4, total: 10 });
  });

  it('replays from the start a job this tab never saw', async () => {
    const { actor, streams } = setup({ loaded: { state: 'generating', job: { id: 6, state: 'running' } } }, { jobId: 5, lastEventId: 17 });
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
    const { actor } = setup({ loaded: { state: 'review', job: null }, approve: new Error('ad 3 has 2 headlines') });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'APPROVE' });
    await at(actor, { review: 'ready' });
    expect(actor.getSnapshot().context.error).toBe('ad 3 has 2 headlines');
  });

  it('fill the gaps and regenerate start a job and stream it', async () => {
    const { actor, streams, calls } = setup({ loaded: { state: 'review', job: null } });
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
    const { actor, streams } = setup({ loaded: { state: 'review', job: null }, more: null });
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
    const { actor, calls } = setup({ loaded: { state: 'review', job: null } });
    actor.start();
    await at(actor, { review: 'ready' });
    actor.send({ type: 'BACK_TO_BRIEF' });
    await at(actor, { editingBrief: 'editing' });
    expect(calls.returnToDraft).toBe(1);
  });

  it('a failed validation is an error', async () => {
    const { actor } = setup({ loaded: { state: 'review', job: null }, validated: new Error('validate: 500') });
    actor.start();
    await at(actor, { error: 'shown' });
    expect(actor.getSnapshot().context.error).toBe('validate: 500');
  });
});
