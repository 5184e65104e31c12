// The wizard machine's actors against the real API. The machine itself
// knows nothing of HTTP; this file is where its steps meet the server.
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import { api, request, unwrap, type CampaignTree } from '../../lib/api/client';
import { i18n } from '../../lib/i18n.svelte';
import { openJobStream } from '../../lib/jobstream';
import { Board, Tile } from './tiles.svelte';
import { wizardMachine, type Job, type Loaded, type Resume, type StreamItem } from './wizard.machine';

/** The campaign's unfinished generation job, the one this tab followed first. */
async function findJob(campaignId: number, resume: Resume | null): Promise<Job | null> {
  if (resume) {
    const { data } = await api.GET('/api/jobs/{id}', { params: { path: { id: resume.jobId } } });
    if (data && data.campaign_id === campaignId) return data as Job;
  }
  const list = await unwrap(api.GET('/api/jobs', { params: { query: { campaign_id: campaignId, limit: 20 } } }));
  return (list.items.find((j) => j.state === 'queued' || j.state === 'running') as Job | undefined) ?? null;
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
        const started = await unwrap(api.POST('/api/campaigns/{id}/generate', { params: { path: { id: input.campaignId } }, body: {} }));
        return started.job as Job;
      }),
      jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(({ sendBack, input }) =>
        openJobStream(input.jobId, input.lastEventId, sendBack),
      ),
      cancelJob: fromPromise(async ({ input }) => {
        await unwrap(api.POST('/api/jobs/{id}/cancel', { params: { path: { id: input.jobId } } }));
      }),
      validateAll: fromPromise(async ({ input }) => {
        const tree = await unwrap(api.GET('/api/campaigns/{id}/tree', { params: { path: { id: input.campaignId } } }));
        onTree?.(tree);
        board.replace(tilesOf(tree));
        return board.validateAll(i18n.locale);
      }),
      // Generation for one ad group or asset group answers when it is done.
      requestMore: fromPromise(async ({ input }): Promise<Job | null> => {
        const r = input.request;
        // An ad group's generation changes one ad: name it for both modes.
        const ad = r.adId !== undefined ? { ad_id: r.adId } : {};
        const body = r.mode === 'fill_gaps' ? { mode: 'fill_gaps' as const, ...ad } : { mode: 'regenerate' as const, slot: r.slot, ...ad };
        const path = { params: { path: { id: r.ownerId } }, body };
        if (r.owner === 'ad_group') await unwrap(api.POST('/api/ad-groups/{id}/generate', path));
        else await unwrap(api.POST('/api/asset-groups/{id}/generate', path));
        return null;
      }),
      approve: fromPromise(async ({ input }) => {
        await request('POST', `/api/campaigns/${input.campaignId}/approve`);
      }),
      returnToDraft: fromPromise(async ({ input }) => {
        await request('POST', `/api/campaigns/${input.campaignId}/return_to_draft`);
      }),
    },
  });
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
