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
// button does. The same holds for "APPROVE": it exists only in review.ready,
// guarded by the board's validity (allValid), and every check of a text runs
// in validating: loading the board (validating.board), reloading the tree
// after the tab's own change (validating.syncing), and re-checking texts
// edited on the board or to be shown in another language (validating.texts,
// which returns to review once the answers for the newest texts are in). The
// board reports each edit (CHECK) and each answer (CHECKED) as events, so
// the machine knows at every moment whether a text is invalid or being
// checked; an answer for an older text is dropped.
//
// Every lifecycle event names the version it is meant for: context.etag is
// the ETag of what the screen shows (the campaign the brief was loaded from,
// the tree the review board shows), and the tab's own tile changes reload the
// tree (validating.syncing) so it stays that. When the server answers 412 (the
// campaign changed since), the machine goes to "changed": it loads the
// campaign again, continues where the server is, and says why.
import { assertEvent, assign, emit, fromCallback, fromPromise, sendTo, setup, type EventObject } from 'xstate';
import { isStale } from '../../lib/etag';
import type { StreamEvent, StreamItem } from '../../lib/jobstream';

export type CampaignState = 'draft' | 'generating' | 'review' | 'approved' | 'publishing' | 'published' | 'failed' | 'paused' | 'archived';
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Progress {
  done: number;
  total: number;
  /** What done and total count ("texts"); absent for plain steps. */
  unit?: string;
  /** queued: waiting for a free worker, nothing counted yet. */
  phase?: 'queued' | 'running';
  /** The server's English line, for logs; the UI builds its own. */
  message?: string;
}

/** The progress a PROGRESS event carries, with its structured fields. */
export function progressOf(event: { done: number; total: number; message?: string; data?: Record<string, unknown> }): Progress {
  const unit = event.data?.['unit'];
  const phase = event.data?.['phase'];
  return {
    done: event.done,
    total: event.total,
    unit: typeof unit === 'string' ? unit : undefined,
    phase: phase === 'queued' || phase === 'running' ? phase : undefined,
    message: event.message,
  };
}

export interface Job {
  id: number;
  kind?: string;
  state: JobState;
  progress?: Progress;
  /** What the job works on, as its owner named it. */
  subject?: { type: string; id: number };
}

export interface Loaded {
  state: CampaignState;
  /** The running generation job when state is generating. */
  job: Job | null;
  /** The ETag of the campaign as loaded. */
  etag: string;
}

/** The board's counts: its texts, and those not known to be valid (a violation, or a failed check). */
export interface Counts {
  total: number;
  invalid: number;
}

/** A tree loaded onto the board and checked: the counts and the tree's ETag. */
export interface Checked extends Counts {
  etag: string;
}

/**
 * What the machine sends its text checker (validating.texts): texts of the
 * board, by tile key, with the number of the edit each check is for.
 */
export interface CheckRequest {
  type: 'CHECK';
  seqs: Record<string, number>;
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
  /** The campaign settings the brief step sends with the brief. */
  settings: Record<string, unknown> | null;
  jobId: number | null;
  lastEventId: number;
  progress: Progress;
  received: number;
  warnings: string[];
  total: number;
  /** Texts on the board not known to be valid. */
  invalid: number;
  /** Texts on the board whose check is due or under way, by tile key: the number of the newest edit each waits for. */
  checking: Record<string, number>;
  /** Edits reported so far (CHECK); numbers each one. */
  edits: number;
  error: string | null;
  /** The ETag of the version on screen; lifecycle events send it as If-Match. */
  etag: string | null;
  /** The server refused a change (412): the campaign changed since it was loaded and was loaded again. */
  changed: boolean;
}

export type WizardEvent =
  | StreamEvent
  // The brief, and the campaign's settings of the guided setup (budget,
  // bidding, dates) saved with it.
  | { type: 'NEXT'; brief: Record<string, unknown>; settings?: Record<string, unknown> }
  | { type: 'CANCEL' }
  | { type: 'APPROVE' }
  | { type: 'FILL_GAPS'; request: Extract<MoreRequest, { mode: 'fill_gaps' }> }
  | { type: 'REGENERATE'; request: Extract<MoreRequest, { mode: 'regenerate' }> }
  // The board's texts (by tile key) need a check: edited, or shown in
  // another language.
  | { type: 'CHECK'; keys: string[] }
  // The checker's answers, each key with the edit it answers, and the
  // board's counts once they are applied.
  | ({ type: 'CHECKED'; seqs: Record<string, number> } & Counts)
  | { type: 'BACK_TO_BRIEF' }
  | { type: 'RETRY' }
  // A tile change of this tab reached the server: reload the tree.
  | { type: 'EDITED' }
  // The server refused a tile change with 412: someone else changed the campaign.
  | { type: 'STALE' };

/** Every event type, for tests that try each one in each state. */
export const eventTypes: WizardEvent['type'][] = [
  'PROGRESS', 'ITEM', 'WARNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'NEXT', 'CANCEL', 'APPROVE', 'FILL_GAPS', 'REGENERATE', 'CHECK', 'CHECKED', 'BACK_TO_BRIEF', 'RETRY', 'EDITED', 'STALE',
];

export type Emitted = { type: 'item'; item: StreamItem } | { type: 'warning'; message: string };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const fresh = { lastEventId: 0, received: 0, warnings: [] as string[], progress: { done: 0, total: 0 } };

/** The person acts again: the "changed since" notice has been read. */
const acted = { changed: false } as const;

const nothingDue = (c: WizardContext) => Object.keys(c.checking).length === 0;

/** The entries of seqs for the given keys. */
function pick(seqs: Record<string, number>, keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) if (k in seqs) out[k] = seqs[k]!;
  return out;
}

const wizard = setup({
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
    // Saves the brief on the loaded version (etag) and starts generation on
    // the version that save made.
    startGeneration: fromPromise<Job, { campaignId: number; brief: Record<string, unknown>; settings?: Record<string, unknown> | null; etag: string | null }>(async () => {
      throw new Error('startGeneration not provided');
    }),
    jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(() => {
      throw new Error('jobStream not provided');
    }),
    cancelJob: fromPromise<void, { jobId: number }>(async () => {
      throw new Error('cancelJob not provided');
    }),
    // Loads the tree onto a new board and checks every text.
    validateAll: fromPromise<Checked, { campaignId: number }>(async () => {
      throw new Error('validateAll not provided');
    }),
    // Loads the tree again after the tab's own tile changes, keeping the
    // board (and unsaved edits); checks what changed.
    reloadTree: fromPromise<Checked, { campaignId: number }>(async () => {
      throw new Error('reloadTree not provided');
    }),
    // Checks the board's texts it is given (input, then CheckRequest
    // events) and answers with CHECKED; stopping it drops what is under way.
    checkTexts: fromCallback<CheckRequest, { seqs: Record<string, number> }>(() => {
      throw new Error('checkTexts not provided');
    }),
    // Regenerating one slot or filling gaps answers at once (null) or with
    // a job to follow.
    requestMore: fromPromise<Job | null, { campaignId: number; request: MoreRequest }>(async () => {
      throw new Error('requestMore not provided');
    }),
    approve: fromPromise<void, { campaignId: number; etag: string | null }>(async () => {
      throw new Error('approve not provided');
    }),
    // Answers the ETag of the draft it made.
    returnToDraft: fromPromise<{ etag: string }, { campaignId: number; etag: string | null }>(async () => {
      throw new Error('returnToDraft not provided');
    }),
  },
  actions: {
    // Numbers each reported edit; the newest number per text is the check it waits for.
    due: assign(({ context, event }) => {
      assertEvent(event, 'CHECK');
      const checking = { ...context.checking };
      let n = context.edits;
      for (const k of event.keys) checking[k] = ++n;
      return { checking, edits: n };
    }),
  },
  guards: {
    // Every text on the board is known to be valid and none is being checked.
    allValid: ({ context }) => context.invalid === 0 && nothingDue(context),
    // Answers at least one text for its newest edit; otherwise it is for older texts only.
    answersDue: ({ context, event }) => event.type === 'CHECKED' && Object.entries(event.seqs).some(([k, n]) => context.checking[k] === n),
    nothingDue: ({ context }) => nothingDue(context),
    isDraft: (_, l: Loaded) => l.state === 'draft',
    isGenerating: (_, l: Loaded) => l.state === 'generating' && l.job !== null,
    isReview: (_, l: Loaded) => l.state === 'review',
    isApprovedOrLater: (_, l: Loaded) => ['approved', 'publishing', 'published', 'paused'].includes(l.state),
  },
});

// Loading the campaign and continuing where the server has it; idle and
// changed both do this.
const loading = wizard.createStateConfig({
  invoke: {
    src: 'loadCampaign',
    input: ({ context }) => ({ campaignId: context.campaignId }),
    onDone: [
      { guard: { type: 'isDraft', params: ({ event }) => event.output }, target: '#wizard.editingBrief', actions: assign({ etag: ({ event }) => event.output.etag }) },
      {
        guard: { type: 'isGenerating', params: ({ event }) => event.output },
        target: '#wizard.generating',
        actions: assign(({ context, event }) => {
          const job = event.output.job!;
          // Resume the stream after the last event this tab saw; a job the
          // tab never saw is replayed from the start.
          const last = context.resume?.jobId === job.id ? context.resume.lastEventId : 0;
          const progress: Progress = job.progress ?? { ...fresh.progress, phase: job.state === 'running' ? 'running' : 'queued' };
          return { jobId: job.id, ...fresh, lastEventId: last, progress, etag: event.output.etag };
        }),
      },
      // validating loads the tree, and with it the ETag of what the board shows.
      { guard: { type: 'isReview', params: ({ event }) => event.output }, target: '#wizard.validating' },
      { guard: { type: 'isApprovedOrLater', params: ({ event }) => event.output }, target: '#wizard.done', actions: assign({ etag: ({ event }) => event.output.etag }) },
      { target: '#wizard.error.shown', actions: assign({ error: ({ event }) => `campaign:${event.output.state}`, etag: ({ event }) => event.output.etag }) },
    ],
    onError: { target: '#wizard.error.shown', actions: assign({ error: ({ event }) => message(event.error) }) },
  },
});

export const wizardMachine = wizard.createMachine({
  id: 'wizard',
  context: ({ input }) => ({
    campaignId: input.campaignId,
    resume: input.resume ?? null,
    brief: null,
    settings: null,
    jobId: null,
    ...fresh,
    total: 0,
    invalid: 0,
    checking: {},
    edits: 0,
    error: null,
    etag: null,
    changed: false,
  }),
  initial: 'idle',
  states: {
    // Asks the server where the campaign is and continues from there: a
    // reload mid-generation lands in generating again.
    idle: loading,
    // The server refused a change with 412: the campaign changed since this
    // tab loaded it. Load it again and continue where it is now; the notice
    // (context.changed) stays until the person acts again.
    changed: { ...loading, entry: assign({ changed: true, error: null }) },
    editingBrief: {
      initial: 'editing',
      states: {
        editing: {
          on: { NEXT: { target: 'starting', actions: assign({ brief: ({ event }) => event.brief, settings: ({ event }) => event.settings ?? null, error: null, ...acted }) } },
        },
        // Saving the brief and starting the job; a second NEXT has no effect.
        starting: {
          invoke: {
            src: 'startGeneration',
            input: ({ context }) => ({ campaignId: context.campaignId, brief: context.brief ?? {}, settings: context.settings, etag: context.etag }),
            onDone: {
              target: '#wizard.generating',
              actions: assign(({ event }) => ({ jobId: event.output.id, ...fresh, progress: event.output.progress ?? fresh.progress })),
            },
            onError: [
              { guard: ({ event }) => isStale(event.error), target: '#wizard.changed' },
              { target: 'editing', actions: assign({ error: ({ event }) => message(event.error) }) },
            ],
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
          actions: assign(({ context, event }) => {
            const next = progressOf(event);
            // A stream replayed from the start passes the queued event
            // again; a running job never goes back to waiting.
            return { lastEventId: event.id, progress: next.phase === 'queued' && context.progress.phase === 'running' ? context.progress : next };
          }),
        },
        ITEM: {
          actions: [
            assign(({ context, event }) => ({ lastEventId: event.id, received: context.received + 1 })),
            emit(({ event }) => ({ type: 'item' as const, item: { ...event.item, seq: event.id } })),
          ],
        },
        WARNING: {
          actions: [
            assign(({ context, event }) => ({ lastEventId: event.id, warnings: [...context.warnings, event.message] })),
            emit(({ event }) => ({ type: 'warning' as const, message: event.message })),
          ],
        },
        COMPLETED: { target: 'validating', actions: assign({ lastEventId: ({ event }) => event.id }) },
        // The failed job moved the campaign on: error.loading learns its version.
        FAILED: { target: 'error', actions: assign({ lastEventId: ({ event }) => event.id, error: ({ event }) => event.message }) },
        // Cancelled (here or elsewhere): the server moved the campaign back;
        // ask it where.
        CANCELLED: { target: 'idle' },
      },
      initial: 'streaming',
      states: {
        streaming: { on: { CANCEL: { target: 'cancelling', actions: assign(acted) } } },
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
    // Every check of the board's texts runs here; APPROVE exists in none of
    // these states. The board is on screen but for `board`.
    validating: {
      initial: 'board',
      states: {
        // A new board from the tree the job produced (or the server has),
        // every text checked through the API.
        board: {
          entry: assign({ checking: {} }),
          invoke: {
            src: 'validateAll',
            input: ({ context }) => ({ campaignId: context.campaignId }),
            onDone: { target: 'texts', actions: assign(({ event }) => ({ ...event.output, error: null })) },
            onError: { target: '#wizard.error', actions: assign({ error: ({ event }) => message(event.error) }) },
          },
        },
        // The board takes the tree after the tab's own change, and with it
        // the ETag approval sends: what is approved is what is on screen. A
        // further change starts the reload again, so the newest tree wins.
        // Texts edited meanwhile wait for the tree: `texts` checks them.
        syncing: {
          on: {
            EDITED: { target: 'syncing', reenter: true },
            CHECK: { actions: 'due' },
            STALE: '#wizard.changed',
          },
          invoke: {
            src: 'reloadTree',
            input: ({ context }) => ({ campaignId: context.campaignId }),
            onDone: { target: 'texts', actions: assign(({ event }) => ({ ...event.output })) },
            onError: { target: 'texts', actions: assign({ error: ({ event }) => message(event.error) }) },
          },
        },
        // Checks the texts that are due; back to review once each has the
        // answer for its newest edit. An answer for an older text is dropped
        // (answersDue); a tile change of this tab reloads the tree first.
        texts: {
          always: { guard: 'nothingDue', target: '#wizard.review' },
          invoke: { id: 'checker', src: 'checkTexts', input: ({ context }) => ({ seqs: context.checking }) },
          on: {
            CHECK: {
              actions: [
                'due',
                sendTo('checker', ({ context, event }) => {
                  assertEvent(event, 'CHECK');
                  return { type: 'CHECK', seqs: pick(context.checking, event.keys) } satisfies CheckRequest;
                }),
              ],
            },
            CHECKED: {
              guard: 'answersDue',
              actions: assign(({ context, event }) => {
                const checking = { ...context.checking };
                for (const [k, n] of Object.entries(event.seqs)) if (checking[k] === n) delete checking[k];
                return { checking, total: event.total, invalid: event.invalid };
              }),
            },
            EDITED: { target: 'syncing', actions: assign({ error: null, ...acted }) },
            STALE: '#wizard.changed',
          },
        },
      },
    },
    review: {
      initial: 'ready',
      on: {
        // A tile change was refused: what the board shows is out of date.
        STALE: '#wizard.changed',
      },
      states: {
        ready: {
          on: {
            // The rule itself, not only the button: no approval while a text
            // on the board is invalid or being checked.
            APPROVE: { guard: 'allValid', target: '#wizard.approving', actions: assign(acted) },
            FILL_GAPS: { target: 'requesting', actions: assign({ error: null, ...acted }) },
            REGENERATE: { target: 'requesting', actions: assign({ error: null, ...acted }) },
            BACK_TO_BRIEF: { target: 'returning', actions: assign({ error: null, ...acted }) },
            EDITED: { target: '#wizard.validating.syncing', actions: assign({ error: null, ...acted }) },
            CHECK: { target: '#wizard.validating.texts', actions: 'due' },
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
            input: ({ context }) => ({ campaignId: context.campaignId, etag: context.etag }),
            onDone: { target: '#wizard.editingBrief', actions: assign({ etag: ({ event }) => event.output.etag }) },
            onError: [
              { guard: ({ event }) => isStale(event.error), target: '#wizard.changed' },
              { target: 'ready', actions: assign({ error: ({ event }) => message(event.error) }) },
            ],
          },
        },
      },
    },
    approving: {
      invoke: {
        src: 'approve',
        input: ({ context }) => ({ campaignId: context.campaignId, etag: context.etag }),
        onDone: 'done',
        onError: [
          // Someone changed the campaign after the board was loaded: nothing
          // unseen is approved; load it again and let the person decide.
          { guard: ({ event }) => isStale(event.error), target: 'changed' },
          // The server refused (incomplete ads, a changed state): back to
          // the tiles with its reason.
          { target: 'review', actions: assign({ error: ({ event }) => message(event.error) }) },
        ],
      },
    },
    done: { type: 'final' },
    error: {
      initial: 'loading',
      states: {
        // A failed job or check moved the campaign on: learn the version
        // the error is about, which going back to the brief names.
        loading: {
          invoke: {
            src: 'loadCampaign',
            input: ({ context }) => ({ campaignId: context.campaignId }),
            onDone: { target: 'shown', actions: assign({ etag: ({ event }) => event.output.etag }) },
            onError: 'shown',
          },
        },
        shown: {
          on: {
            RETRY: { target: '#wizard.idle', actions: assign({ error: null, ...acted }) },
            BACK_TO_BRIEF: { target: 'returning', actions: assign(acted) },
          },
        },
        returning: {
          invoke: {
            src: 'returnToDraft',
            input: ({ context }) => ({ campaignId: context.campaignId, etag: context.etag }),
            onDone: { target: '#wizard.editingBrief', actions: assign({ error: null, etag: ({ event }) => event.output.etag }) },
            onError: [
              { guard: ({ event }) => isStale(event.error), target: '#wizard.changed' },
              { target: 'shown', actions: assign({ error: ({ event }) => message(event.error) }) },
            ],
          },
        },
      },
    },
  },
});

export type WizardMachine = typeof wizardMachine;
