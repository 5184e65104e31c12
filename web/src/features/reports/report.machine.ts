// A report dashboard's flow as an XState machine, free of Svelte and the
// DOM: what the screen shows (the view: date range, comparison, interval,
// charted metric) and the numbers loaded for it.
//
// loading asks the server for the view (the load actor the caller provides);
// ready shows the answer; failed says why and offers RETRY. A change of range
// (PRESET, CUSTOM), comparison (COMPARE) or interval (INTERVAL) loads again
// from any state: entering loading again stops the load under way (its
// request is aborted), so an older, slower answer can never replace a newer
// one. The numbers on screen stay while the new ones load. METRIC only picks
// what the chart shows from what is loaded, and loads nothing.
//
// CUSTOM is guarded: a range with an invalid day, from after to, or longer
// than the server allows (three years) is not taken (the picker says why).
import { assign, fromPromise, setup } from 'xstate';
import { presetRange, rangeProblem, type Interval, type Preset, type ReportView } from './range';

export interface ReportInput {
  view: ReportView;
  /** Today as YYYY-MM-DD (the browser's local day); presets count back from it. */
  today: string;
}

export interface ReportContext<T> {
  view: ReportView;
  today: string;
  data: T | null;
  error: string | null;
  /** Loads answered: lets a screen tell the first load from a reload. */
  loads: number;
}

export type ReportEvent =
  | { type: 'PRESET'; preset: Exclude<Preset, 'custom'> }
  | { type: 'CUSTOM'; from: string; to: string }
  | { type: 'COMPARE'; on: boolean }
  | { type: 'INTERVAL'; interval: Interval }
  | { type: 'METRIC'; metric: string }
  | { type: 'RETRY' };

export const eventTypes: ReportEvent['type'][] = ['PRESET', 'CUSTOM', 'COMPARE', 'INTERVAL', 'METRIC', 'RETRY'];

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The machine of a dashboard whose load answers T. */
export function reportMachine<T>() {
  return setup({
    types: {
      context: {} as ReportContext<T>,
      events: {} as ReportEvent,
      input: {} as ReportInput,
    },
    actors: {
      // Replaced by the caller (report.service.ts, or plain functions in tests).
      load: fromPromise<T, ReportView>(async () => {
        throw new Error('load not provided');
      }),
    },
    guards: {
      validRange: ({ event }) => event.type === 'CUSTOM' && rangeProblem(event.from, event.to) === null,
    },
  }).createMachine({
    id: 'report',
    context: ({ input }) => ({ view: input.view, today: input.today, data: null, error: null, loads: 0 }),
    initial: 'loading',
    on: {
      PRESET: {
        target: '.loading',
        reenter: true,
        actions: assign({ view: ({ context, event }) => ({ ...context.view, range: presetRange(event.preset, context.today) }) }),
      },
      CUSTOM: {
        guard: 'validRange',
        target: '.loading',
        reenter: true,
        actions: assign({ view: ({ context, event }) => ({ ...context.view, range: { preset: 'custom' as const, from: event.from, to: event.to } }) }),
      },
      COMPARE: {
        target: '.loading',
        reenter: true,
        actions: assign({ view: ({ context, event }) => ({ ...context.view, compare: event.on }) }),
      },
      INTERVAL: {
        target: '.loading',
        reenter: true,
        actions: assign({ view: ({ context, event }) => ({ ...context.view, interval: event.interval }) }),
      },
      METRIC: { actions: assign({ view: ({ context, event }) => ({ ...context.view, metric: event.metric }) }) },
    },
    states: {
      loading: {
        entry: assign({ error: null }),
        invoke: {
          src: 'load',
          input: ({ context }) => context.view,
          onDone: { target: 'ready', actions: assign({ data: ({ event }) => event.output, loads: ({ context }) => context.loads + 1 }) },
          onError: { target: 'failed', actions: assign({ error: ({ event }) => message(event.error) }) },
        },
      },
      ready: {},
      failed: {
        on: { RETRY: 'loading' },
      },
    },
  });
}
