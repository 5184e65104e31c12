// The wizard machine's actors against the real API. The machine itself
// knows nothing of HTTP; this file is where its steps meet the server.
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import { api, request, unwrap, type CampaignTree } from '../../lib/api/client';
import { i18n } from '../../lib/i18n.svelte';
import { openJobStream } from '../../lib/jobstream';
import { Board, Tile } from './tiles.svelte';
import { wizardMachine, type Job, type Loaded, type MoreRequest, type Resume, type StreamItem } from './wizard.machine';

/** Jobs come back as {job: {...}}; older handlers answered the job itself. */
function jobOf(body: unknown): Job {
  const b = body as { job?: Job } & Job;
  return b.job ?? b;
}

async function findJob(campaignId: number, resume: Resume | null): Promise<Job | null> {
  if (resume) {
    try {
      const j = jobOf(await request<unknown>('GET', `/api/jobs/${resume.jobId}`));
      if (j.campaign_id === undefined || j.campaign_id === campaignId) return j;
    } catch {
      // gone: look it up among the jobs
    }
  }
  const list = await request<{ items: Job[] }>('GET', `/api/jobs?campaign_id=${campaignId}`);
  return list.items.find((j) => j.campaign_id === campaignId && (j.state === 'queued' || j.state === 'running' || j.state === 'validating')) ?? null;
}

export function tilesOf(tree: CampaignTree): Tile[] {
  const lang = tree.campaign.brief?.language || tree.campaign.languages?.[0] || '';
  const out: Tile[] = [];
  for (const ag of tree.ad_groups ?? []) {
    for (const ad of ag.ads ?? []) {
      (ad.headlines ?? []).forEach((h, i) =>
        out.push(new Tile({ owner: 'ad', ownerId: ad.id, adGroupId: ag.id, linkId: h.link_id, assetId: h.asset_id, field: 'HEADLINE', index: i, language: lang, text: h.text, pinned: h.pinned_field ?? null })),
      );
      (ad.descriptions ?? []).forEach((d, i) =>
        out.push(new Tile({ owner: 'ad', ownerId: ad.id, adGroupId: ag.id, linkId: d.link_id, assetId: d.asset_id, field: 'DESCRIPTION', index: i, language: lang, text: d.text, pinned: d.pinned_field ?? null })),
      );
    }
  }
  for (const g of tree.asset_groups ?? []) {
    const seen: Record<string, number> = {};
    for (const a of g.assets ?? []) {
      if (a.type !== 'TEXT') continue;
      const i = (seen[a.field_type] = (seen[a.field_type] ?? -1) + 1);
      out.push(new Tile({ owner: 'asset_group', ownerId: g.id, linkId: a.link_id, assetId: a.asset_id, field: a.field_type, index: i, language: lang, text: a.text ?? '' }));
    }
  }
  return out;
}

export interface WizardDeps {
  board: Board;
  /** Called with the loaded tree so the screen can show names. */
  onTree?: (tree: CampaignTree) => void;
}

export function liveWizard({ board, onTree }: WizardDeps) {
  return wizardMachine.provide({
    actors: {
      loadCampaign: fromPromise(async ({ input }): Promise<Loaded> => {
        const c = await unwrap(api.GET('/api/campaigns/{id}', { params: { path: { id: input.campaignId } } }));
        if (c.state !== 'generating') return { state: c.state, job: null };
        const job = await findJob(input.campaignId, readResume(input.campaignId));
        return { state: c.state, job };
      }),
      startGeneration: fromPromise(async ({ input }): Promise<Job> => {
        await unwrap(api.PATCH('/api/campaigns/{id}', { params: { path: { id: input.campaignId } }, body: { brief: input.brief } }));
        return jobOf(await request('POST', `/api/campaigns/${input.campaignId}/generate`, {}));
      }),
      jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(({ sendBack, input }) =>
        openJobStream(input.jobId, input.lastEventId, sendBack),
      ),
      cancelJob: fromPromise(async ({ input }) => {
        await request('POST', `/api/jobs/${input.jobId}/cancel`);
      }),
      validateAll: fromPromise(async ({ input }) => {
        const tree = await unwrap(api.GET('/api/campaigns/{id}/tree', { params: { path: { id: input.campaignId } } }));
        onTree?.(tree);
        board.replace(tilesOf(tree));
        return board.validateAll(i18n.locale);
      }),
      requestMore: fromPromise(async ({ input }) => jobOf(await request('POST', generatePath(input.request), generateBody(input.request)))),
      approve: fromPromise(async ({ input }) => {
        await request('POST', `/api/campaigns/${input.campaignId}/approve`);
      }),
      returnToDraft: fromPromise(async ({ input }) => {
        await request('POST', `/api/campaigns/${input.campaignId}/return_to_draft`);
      }),
    },
  });
}

function generatePath(r: MoreRequest): string {
  return r.owner === 'ad_group' ? `/api/ad-groups/${r.ownerId}/generate` : `/api/asset-groups/${r.ownerId}/generate`;
}

function generateBody(r: MoreRequest): Record<string, unknown> {
  if (r.mode === 'fill_gaps') return { mode: 'fill_gaps' };
  return { mode: 'regenerate', slot: r.slot, ...(r.adId !== undefined ? { ad_id: r.adId } : {}) };
}

// Where this tab was in a job's stream, so a reload resumes it. Session
// storage: it belongs to the tab, like the page being reloaded.
const resumeKey = (campaignId: number) => `imaphub.wizard.${campaignId}`;

export interface Saved extends Resume {
  items: StreamItem[];
}

export function readResume(campaignId: number): Saved | null {
  try {
    const raw = sessionStorage.getItem(resumeKey(campaignId));
    return raw ? (JSON.parse(raw) as Saved) : null;
  } catch {
    return null;
  }
}

export function writeResume(campaignId: number, s: Saved | null): void {
  try {
    if (s) sessionStorage.setItem(resumeKey(campaignId), JSON.stringify(s));
    else sessionStorage.removeItem(resumeKey(campaignId));
  } catch {
    // storage full or disabled: a reload then replays the stream from the start
  }
}
