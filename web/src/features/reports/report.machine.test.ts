// The dashboard machine without a DOM: it loads the view it was opened with,
// loads again on every change of range, comparison or interval (and only
// then), never lets an older answer replace a newer one, refuses an invalid
// custom range, and recovers from a failed load with RETRY.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { defaultView, presetRange, type ReportView } from './range';
import { reportMachine } from './report.machine';

const today = '2026-03-15';

interface Call {
  view: ReportView;
  signal: AbortSignal;
  answer: (v: string) => void;
  fail: (e: Error) => void;
}

function setup(view: ReportView = defaultView(today)) {
  const calls: Call[] = [];
  const machine = reportMachine<string>().provide({
    actors: {
      load: fromPromise<string, ReportView>(
        ({ input, signal }) =>
          new Promise<string>((answer, fail) => {
            calls.push({ view: input, signal, answer, fail });
          }),
      ),
    },
  });
  const actor = createActor(machine, { input: { view, today } }).start();
  return { actor, calls };
}

describe('report machine', () => {
  it('loads the view it was opened with and shows the answer', async () => {
    const { actor, calls } = setup({ ...defaultView(today), compare: true, interval: 'week' });
    expect(actor.getSnapshot().value).toBe('loading');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.view).toMatchObject({ range: presetRange('last30', today), compare: true, interval: 'week' });
    calls[0]!.answer('numbers');
    await waitFor(actor, (s) => s.matches('ready'));
    expect(actor.getSnapshot().context).toMatchObject({ data: 'numbers', error: null, loads: 1 });
  });

  it('a preset, a custom range, comparison and interval each load once with the new view', async () => {
    const { actor, calls } = setup();
    calls[0]!.answer('first');
    await waitFor(actor, (s) => s.matches('ready'));
    actor.send({ type: 'PRESET', preset: 'last7' });
    expect(calls[1]!.view.range).toEqual(presetRange('last7', today));
    actor.send({ type: 'COMPARE', on: true });
    expect(calls[2]!.view).toMatchObject({ compare: true, range: presetRange('last7', today) });
    actor.send({ type: 'INTERVAL', interval: 'month' });
    expect(calls[3]!.view).toMatchObject({ compare: true, interval: 'month' });
    actor.send({ type: 'CUSTOM', from: '2026-01-01', to: '2026-01-31' });
    expect(calls[4]!.view.range).toEqual({ preset: 'custom', from: '2026-01-01', to: '2026-01-31' });
    expect(calls).toHaveLength(5);
  });

  it('the numbers on screen stay while a new view loads', async () => {
    const { actor, calls } = setup();
    calls[0]!.answer('old');
    await waitFor(actor, (s) => s.matches('ready'));
    actor.send({ type: 'PRESET', preset: 'last90' });
    expect(actor.getSnapshot().matches('loading')).toBe(true);
    expect(actor.getSnapshot().context.data).toBe('old');
  });

  it('a newer view stops the older load: its late answer is dropped', async () => {
    const { actor, calls } = setup();
    actor.send({ type: 'PRESET', preset: 'last7' });
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls[1]!.signal.aborted).toBe(false);
    calls[1]!.answer('last 7');
    await waitFor(actor, (s) => s.matches('ready'));
    calls[0]!.answer('last 30, late');
    await new Promise((r) => setTimeout(r, 10));
    expect(actor.getSnapshot().context.data).toBe('last 7');
    expect(actor.getSnapshot().context.view.range.preset).toBe('last7');
  });

  it('the chart metric changes without a load', async () => {
    const { actor, calls } = setup();
    calls[0]!.answer('x');
    await waitFor(actor, (s) => s.matches('ready'));
    actor.send({ type: 'METRIC', metric: 'cost_micros' });
    expect(actor.getSnapshot().context.view.metric).toBe('cost_micros');
    expect(actor.getSnapshot().value).toBe('ready');
    expect(calls).toHaveLength(1);
  });

  it('an invalid custom range is not taken and loads nothing', async () => {
    const { actor, calls } = setup();
    calls[0]!.answer('x');
    await waitFor(actor, (s) => s.matches('ready'));
    for (const [from, to] of [['2026-02-01', '2026-01-01'], ['2026-02-30', '2026-03-01'], ['2020-01-01', '2026-01-01'], ['', '']]) {
      expect(actor.getSnapshot().can({ type: 'CUSTOM', from: from!, to: to! })).toBe(false);
      actor.send({ type: 'CUSTOM', from: from!, to: to! });
    }
    expect(calls).toHaveLength(1);
    expect(actor.getSnapshot().context.view.range.preset).toBe('last30');
  });

  it('a failed load says why; RETRY loads the same view again; RETRY means nothing elsewhere', async () => {
    const { actor, calls } = setup();
    expect(actor.getSnapshot().can({ type: 'RETRY' })).toBe(false);
    calls[0]!.fail(new Error('to: at most three years after from'));
    await waitFor(actor, (s) => s.matches('failed'));
    expect(actor.getSnapshot().context.error).toBe('to: at most three years after from');
    actor.send({ type: 'RETRY' });
    expect(actor.getSnapshot().matches('loading')).toBe(true);
    expect(actor.getSnapshot().context.error).toBeNull();
    expect(calls[1]!.view).toEqual(calls[0]!.view);
    calls[1]!.answer('ok');
    await waitFor(actor, (s) => s.matches('ready'));
    expect(actor.getSnapshot().can({ type: 'RETRY' })).toBe(false);
  });

  it('a change of view after a failure loads the new view', async () => {
    const { actor, calls } = setup();
    calls[0]!.fail(new Error('boom'));
    await waitFor(actor, (s) => s.matches('failed'));
    actor.send({ type: 'COMPARE', on: true });
    expect(actor.getSnapshot().matches('loading')).toBe(true);
    expect(calls[1]!.view.compare).toBe(true);
  });
});
