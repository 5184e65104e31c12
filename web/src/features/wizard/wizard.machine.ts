// The CampaignWizard's flow as an XState machine, free of Svelte and the
// DOM. It mirrors the server's lifecycles (DESIGN.md §5): the campaign's
// draft → generating → review → approved, and the generation job's
// queued → running → succeeded | failed | cancelled. The server stays the
// authority: the machine enters a state only after the server said so
// (a loaded campaign state, a started job, an event on the job's stream, an
// accepted lifecycle event), and every I/O is an actor the caller provides.
//
// "NEXT" exists only in editingBrief.editing: while generating or validating
// the machine has no transition for it, so it cannot be sent, whatever a
// button does.
import { assign, emit, fromCallback, fromPromise, setup, type EventObject } from 'xstate';

export type CampaignState = 'draft' | 'generating' | 'review' | 'approved' | 'publishing' | 'published' | 'failed' | 'paused' | 'archived';
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Progress {
  done: number;
  total: number;
  message?: string;
}

export interface Job {
  id: number;
  kind?: string;
  state: JobState;
  progress?: Progress;
  campaign_id?: number;
}

/** An accepted item as the job's stream announces it. */
export interface StreamItem {
  text: string;
  /** Where it goes: "headlines[3]", "descriptions[0]" … */
  slot?: string;
  field_type?: string;
  asset_id?: number;
  ad_id?: number;
  ad_group_id?: number;
  asset_group_id?: number;
}

export interface Loaded {
  state: CampaignState;
  /** The running generation job when state is generating. */
  job: Job | null;
}

export type Owner = 'ad_group' | 'asset_group';

export type MoreRequest =
  | { mode: 'fill_gaps'; owner: Owner; ownerId: number; adId?: number }
  | { mode: 'regenerate'; owner: Owner; ownerId: number; adId?: number; slot: string };

export interface Resume {
  jobId: number;
  lastEventId: number;
}

export interface WizardInput {
  campaignId: number;
  /** Where a reloaded page left the job's stream (from sessionStorage). */
  resume?: Resume | null;
}

export interface WizardContext {
  campaignId: number;
  resume: Resume | null;
  brief: Record<string, unknown> | null;
  jobId: number | null;
  lastEventId: number;
  progress: Progress;
  received: number;
  warnings: string[];
  total: number;
  invalid: number;
  error: string | null;
}

/** Events the job's stream sends into the machine; id is the SSE sequence number. */
export type StreamEvent =
  | { type: 'PROGRESS'; id: number; done: number; total: number; message?: string }
  | { type: 'ITEM'; id: number; item: StreamItem }
  | { type: 'WARNING'; id: number; message: string }
  | { type: 'COMPLETED'; id: number }
  | { type: 'FAILED'; id: number; message: string }
  | { type: 'CANCELLED'; id: number };

export type WizardEvent =
  | StreamEvent
  | { type: 'NEXT'; brief: Record<string, unknown> }
  | { type: 'CANCEL' }
  | { type: 'APPROVE' }
  | { type: 'FILL_GAPS'; request: Extract<MoreRequest, { mode: 'fill_gaps' }> }
  | { type: 'REGENERATE'; request: Extract<MoreRequest, { mode: 'regenerate' }> }
  | { type: 'REVALIDATED'; total: number; invalid: number }
  | { type: 'BACK_TO_BRIEF' }
  | { type: 'RETRY' };

/** Every event type, for tests that try each one in each state. */
export const eventTypes: WizardEvent['type'][] = [
  'PROGRESS', 'ITEM', 'WARNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'NEXT', 'CANCEL', 'APPROVE', 'FILL_GAPS', 'REGENERATE', 'REVALIDATED', 'BACK_TO_BRIEF', 'RETRY',
];

export type Emitted = { type: 'item'; item: StreamItem } | { type: 'warning'; message: string };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const fresh = { lastEventId: 0, received: 0, warnings: [] as string[], progress: { done: 0, total: 0 } };

export const wizardMachine = setup({
  types: {
    context: {} as WizardContext,
    events: {} as WizardEvent,
    input: {} as WizardInput,
    emitted: {} as Emitted,
  },
  actors: {
    // Each actor is replaced by the caller (wizard.service.ts for the real
    // API, plain functions in tests); these defaults fail loudly.
    loadCampaign: fromPromise<Loaded, { campaignId: number }>(async () => {
      throw new Error('loadCampaign not provided');
    }),
    startGeneration: fromPromise<Job, { campaignId: number; brief: Record<string, unknown> }>(async () => {
      throw new Error('startGeneration not provided');
    }),
    jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(() => {
      throw new Error('jobStream not provided');
    }),
    cancelJob: fromPromise<void, { jobId: number }>(async () => {
      throw new Error('cancelJob not provided');
    }),
    validateAll: fromPromise<{ total: number; invalid: number }, { campaignId: number }>(async () => {
      throw new Error('validateAll not provided');
    }),
    // Regenerating one slot or filling gaps answers at once (null) or with
    // a job to follow.
    requestMore: fromPromise<Job | null, { campaignId: number; request: MoreRequest }>(async () => {
      throw new Error('requestMore not provided');
    }),
    approve: fromPromise<void, { campaignId: number }>(async () => {
      throw new Error('approve not provided');
    }),
    returnToDraft: fromPromise<void, { campaignId: number }>(async () => {
      throw new Error('returnToDraft not provided');
    }),
  },
  guards: {
    isDraft: (_, l: Loaded) => l.state === 'draft',
    isGenerating: (_, l: Loaded) => l.state === 'generating' && l.job !== null,
    isReview: (_, l: Loaded) => l.state === 'review',
    isApprovedOrLater: (_, l: Loaded) => ['approved', 'publishing', 'published', 'paused'].includes(l.state),
  },
}).createMachine({
  id: 'wizard',
  context: ({ input }) => ({
    campaignId: input.campaignId,
    resume: input.resume ?? null,
    brief: null,
    jobId: null,
    ...fresh,
    total: 0,
    invalid: 0,
    error: null,
  }),
  initial: 'idle',
  states: {
    // Asks the server where the campaign is and continues from there: a
    // reload mid-generation lands in generating again.
    idle: {
      invoke: {
        src: 'loadCampaign',
        input: ({ context }) => ({ campaignId: context.campaignId }),
        onDone: [
          { guard: { type: 'isDraft', params: ({ event }) => event.output }, target: 'editingBrief' },
          {
            guard: { type: 'isGenerating', params: ({ event }) => event.output },
            target: 'generating',
            actions: assign(({ context, event }) => {
              const job = event.output.job!;
              // Resume the stream after the last event this tab saw; a job the
              // tab never saw is replayed from the start.
              const last = context.resume?.jobId === job.id ? context.resume.lastEventId : 0;
              return { jobId: job.id, ...fresh, lastEventId: last, progress: job.progress ?? fresh.progress };
            }),
          },
          { guard: { type: 'isReview', params: ({ event }) => event.output }, target: 'validating' },
          { guard: { type: 'isApprovedOrLater', params: ({ event }) => event.output }, target: 'done' },
          { target: 'error', actions: assign({ error: ({ event }) => `campaign:${event.output.state}` }) },
        ],
        onError: { target: 'error', actions: assign({ error: ({ event }) => message(event.error) }) },
      },
    },
    editingBrief: {
      initial: 'editing',
      states: {
        editing: {
          on: { NEXT: { target: 'starting', actions: assign({ brief: ({ event }) => event.brief, error: null }) } },
        },
        // Saving the brief and starting the job; a second NEXT has no effect.
        starting: {
          invoke: {
            src: 'startGeneration',
            input: ({ context }) => ({ campaignId: context.campaignId, brief: context.brief ?? {} }),
            onDone: {
              target: '#wizard.generating',
              actions: assign(({ event }) => ({ jobId: event.output.id, ...fresh, progress: event.output.progress ?? fresh.progress })),
            },
            onError: { target: 'editing', actions: assign({ error: ({ event }) => message(event.error) }) },
          },
        },
      },
    },
    generating: {
      invoke: {
        src: 'jobStream',
        input: ({ context }) => ({ jobId: context.jobId!, lastEventId: context.lastEventId }),
      },
      on: {
        PROGRESS: {
          actions: assign(({ event }) => ({ lastEventId: event.id, progress: { done: event.done, total: event.total, message: event.message } })),
        },
        ITEM: {
          actions: [
            assign(({ context, event }) => ({ lastEventId: event.id, received: context.received + 1 })),
            emit(({ event }) => ({ type: 'item' as const, item: event.item })),
          ],
        },
        WARNING: {
          actions: [
            assign(({ context, event }) => ({ lastEventId: event.id, warnings: [...context.warnings, event.message] })),
            emit(({ event }) => ({ type: 'warning' as const, message: event.message })),
          ],
        },
        COMPLETED: { target: 'validating', actions: assign({ lastEventId: ({ event }) => event.id }) },
        FAILED: { target: 'error', actions: assign({ lastEventId: ({ event }) => event.id, error: ({ event }) => event.message }) },
        // Cancelled (here or elsewhere): the server moved the campaign back;
        // ask it where.
        CANCELLED: { target: 'idle' },
      },
      initial: 'streaming',
      states: {
        streaming: { on: { CANCEL: 'cancelling' } },
        // The stream stays open while the cancel request runs; afterwards the
        // server's campaign state decides where the wizard goes (draft).
        cancelling: {
          invoke: {
            src: 'cancelJob',
            input: ({ context }) => ({ jobId: context.jobId! }),
            onDone: '#wizard.idle',
            onError: { target: 'streaming', actions: assign({ error: ({ event }) => message(event.error) }) },
          },
        },
      },
    },
    // Loads what the job produced and checks every text through the API.
    validating: {
      invoke: {
        src: 'validateAll',
        input: ({ context }) => ({ campaignId: context.campaignId }),
        onDone: { target: 'review', actions: assign(({ event }) => ({ total: event.output.total, invalid: event.output.invalid, error: null })) },
        onError: { target: 'error', actions: assign({ error: ({ event }) => message(event.error) }) },
      },
    },
    review: {
      initial: 'ready',
      on: {
        // Tile edits validate through the API and report the new counts.
        REVALIDATED: { actions: assign(({ event }) => ({ total: event.total, invalid: event.invalid })) },
      },
      states: {
        ready: {
          on: {
            APPROVE: '#wizard.approving',
            FILL_GAPS: { target: 'requesting', actions: assign({ error: null }) },
            REGENERATE: { target: 'requesting', actions: assign({ error: null }) },
            BACK_TO_BRIEF: { target: 'returning', actions: assign({ error: null }) },
          },
        },
        requesting: {
          invoke: {
            src: 'requestMore',
            input: ({ context, event }) => ({
              campaignId: context.campaignId,
              request: (event as Extract<WizardEvent, { type: 'FILL_GAPS' | 'REGENERATE' }>).request,
            }),
            onDone: [
              {
                guard: ({ event }) => event.output !== null,
                target: '#wizard.generating',
                actions: assign(({ event }) => ({ jobId: event.output!.id, ...fresh, progress: event.output!.progress ?? fresh.progress })),
              },
              { target: '#wizard.validating' },
            ],
            onError: { target: 'ready', actions: assign({ error: ({ event }) => message(event.error) }) },
          },
        },
        returning: {
          invoke: {
            src: 'returnToDraft',
            input: ({ context }) => ({ campaignId: context.campaignId }),
            onDone: '#wizard.editingBrief',
            onError: { target: 'ready', actions: assign({ error: ({ event }) => message(event.error) }) },
          },
        },
      },
    },
    approving: {
      invoke: {
        src: 'approve',
        input: ({ context }) => ({ campaignId: context.campaignId }),
        onDone: 'done',
        // The server refused (incomplete ads, a changed state): back to the
        // tiles with its reason.
        onError: { target: 'review', actions: assign({ error: ({ event }) => message(event.error) }) },
      },
    },
    done: { type: 'final' },
    error: {
      initial: 'shown',
      states: {
        shown: {
          on: {
            RETRY: { target: '#wizard.idle', actions: assign({ error: null }) },
            BACK_TO_BRIEF: 'returning',
          },
        },
        returning: {
          invoke: {
            src: 'returnToDraft',
            input: ({ context }) => ({ campaignId: context.campaignId }),
            onDone: { target: '#wizard.editingBrief', actions: assign({ error: null }) },
            onError: { target: 'shown', actions: assign({ error: ({ event }) => message(event.error) }) },
          },
        },
      },
    },
  },
});

export type WizardMachine = typeof wizardMachine;
