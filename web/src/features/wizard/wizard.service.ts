// The wizard machine's actors against the real API. The machine itself
// knows nothing of HTTP; this file is where its steps meet the server.
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import { api, unwrap, unwrapWithETag, type Campaign, type CampaignTree } from '../../lib/api/client';
import { earlyFetch, forget } from '../../lib/early';
import { ifMatch } from '../../lib/etag';
import { i18n } from '../../lib/i18n.svelte';
import type { StreamItem } from '../../lib/jobstream';
import { followJob, Link, once, retrying } from './connection.svelte';
import { Board, rulesOf, TextChecker, Tile } from './tiles.svelte';
import { wizardMachine, type Checked, type CheckRequest, type Job, type Loaded, type Resume } from './wizard.machine';

/** The campaign's unfinished generation job, the one this tab followed first. */
async function findJob(campaignId: number, resume: Resume | null, signal?: AbortSignal): Promise<Job | null> {
  if (resume) {
    const { data } = await api.GET('/api/jobs/{id}', { params: { path: { id: resume.jobId } }, signal });
    if (data && data.subject?.type === 'campaign' && data.subject.id === campaignId) return data as Job;
  }
  const list = await unwrap(api.GET('/api/jobs', { params: { query: { subject_type: 'campaign', subject_id: campaignId, limit: 20 } }, signal }));
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

/** The version of each ad in the tree, by ad id: what a text edit names as If-Match. */
export function adVersionsOf(tree: CampaignTree): Map<number, number> {
  const out = new Map<number, number>();
  for (const ag of tree.ad_groups ?? []) for (const ad of ag.ads ?? []) out.set(ad.id, ad.version);
  return out;
}

/** The version of each asset group in the tree, by id: what a text edit of the group names as If-Match. */
export function groupVersionsOf(tree: CampaignTree): Map<number, number> {
  return new Map((tree.asset_groups ?? []).map((g) => [g.id, g.version]));
}

type WizardActors = NonNullable<NonNullable<Parameters<typeof wizardMachine.provide>[0]>['actors']>;

export interface WizardDeps {
  board: Board;
  /** Called with the loaded tree so the screen can show names. */
  onTree?: (tree: CampaignTree) => void;
  /** Called with the campaign as loaded (or as an event left it): the brief on screen. */
  onCampaign?: (c: Campaign) => void;
  /** The connection as the screen shows it: lost while reads wait for the server. */
  link?: Link;
}

/** The wizard's steps against the real API; each lifecycle event sends the ETag the machine holds. */
export function wizardActors({ board, onTree, onCampaign, link = new Link() }: WizardDeps): WizardActors {
  // Reads wait out a dropped connection; writes are not repeated by
  // themselves (once): the person decides, with a worded reason.
  // The first board of a page that opened on the review may take the tree
  // the page started reading (lib/firstreads.ts); every later load reads anew.
  const loadTree = (campaignId: number, signal: AbortSignal, first = false) =>
    retrying(
      link,
      () => unwrapWithETag(api.GET('/api/campaigns/{id}/tree', { params: { path: { id: campaignId } }, signal, ...(first ? { fetch: earlyFetch } : {}) }), (t) => t.campaign.version),
      signal,
    );
  const checkAll = (signal: AbortSignal, tiles?: Tile[]) => retrying(link, () => board.validateAll(i18n.locale, tiles), signal);
  // A reload that a newer one replaced must not touch the board.
  const current = (signal: AbortSignal) => {
    if (signal.aborted) throw new Error('superseded by a newer load');
  };
  return {
    loadCampaign: fromPromise(async ({ input, signal }): Promise<Loaded> => {
      const { data: c, etag } = await retrying(
        link,
        () => unwrapWithETag(api.GET('/api/campaigns/{id}', { params: { path: { id: input.campaignId } }, signal, fetch: earlyFetch }), (c) => c.version),
        signal,
      );
      // A tree read with the page shows the board as it was then: only a
      // campaign already in review goes straight on to it.
      if (c.state !== 'review') forget(`/api/campaigns/${input.campaignId}/tree`);
      current(signal);
      onCampaign?.(c);
      if (c.state !== 'generating') return { state: c.state, job: null, etag };
      const job = await retrying(link, () => findJob(input.campaignId, readResume(input.campaignId), signal), signal);
      return { state: c.state, job, etag };
    }),
    // The brief is saved on the version the form was loaded from, and
    // generation starts on the version that save made: a change by someone
    // else in between is a 412, not a generation from a brief nobody saw.
    startGeneration: fromPromise(({ input }): Promise<Job> => once(async () => {
      const saved = await unwrapWithETag(
        api.PATCH('/api/campaigns/{id}', { params: { path: { id: input.campaignId }, header: ifMatch(input.etag) }, body: { ...(input.settings ?? {}), brief: input.brief } }),
        (c) => c.version,
      );
      const started = await unwrap(api.POST('/api/campaigns/{id}/generate', { params: { path: { id: input.campaignId }, header: ifMatch(saved.etag) }, body: {} }));
      return started.job as Job;
    })),
    jobStream: fromCallback<EventObject, { jobId: number; lastEventId: number }>(({ sendBack, input }) =>
      followJob(input.jobId, input.lastEventId, sendBack, link),
    ),
    cancelJob: fromPromise(({ input }) => once(async () => {
      await unwrap(api.POST('/api/jobs/{id}/cancel', { params: { path: { id: input.jobId } } }));
    })),
    // A new board from the tree; the tree's ETag is what approval sends.
    validateAll: fromPromise(async ({ input, signal }): Promise<Checked> => {
      const { data: tree, etag } = await loadTree(input.campaignId, signal, true);
      current(signal);
      onTree?.(tree);
      onCampaign?.(tree.campaign);
      board.rules = rulesOf(tree.campaign);
      board.replace(tilesOf(tree), adVersionsOf(tree), groupVersionsOf(tree));
      return { ...(await checkAll(signal)), etag };
    }),
    // The same board brought up to the tree after the tab's own change.
    reloadTree: fromPromise(async ({ input, signal }): Promise<Checked> => {
      const { data: tree, etag } = await loadTree(input.campaignId, signal);
      current(signal);
      onTree?.(tree);
      onCampaign?.(tree.campaign);
      board.rules = rulesOf(tree.campaign);
      const unchecked = board.sync(tilesOf(tree), adVersionsOf(tree), groupVersionsOf(tree));
      return { ...(await checkAll(signal, unchecked)), etag };
    }),
    // The texts edited on the board (or to be shown in another language),
    // checked in the interface language; leaving validating.texts stops it.
    checkTexts: fromCallback<CheckRequest, { seqs: Record<string, number> }>(({ input, receive, sendBack }) => {
      const checker = new TextChecker(board, () => i18n.locale, (seqs, counts) => sendBack({ type: 'CHECKED', seqs, ...counts }));
      checker.request(input.seqs);
      receive((e) => checker.request(e.seqs));
      return () => checker.stop();
    }),
    // Generation for one ad group or asset group answers when it is done.
    requestMore: fromPromise(({ input }): Promise<Job | null> => once(async () => {
      const r = input.request;
      // An ad group's generation changes one ad: name it for both modes.
      const ad = r.adId !== undefined ? { ad_id: r.adId } : {};
      const body = r.mode === 'fill_gaps' ? { mode: 'fill_gaps' as const, ...ad } : { mode: 'regenerate' as const, slot: r.slot, ...ad };
      const path = { params: { path: { id: r.ownerId } }, body };
      if (r.owner === 'ad_group') await unwrap(api.POST('/api/ad-groups/{id}/generate', path));
      else await unwrap(api.POST('/api/asset-groups/{id}/generate', path));
      return null;
    })),
    approve: fromPromise(({ input }) => once(async () => {
      await unwrap(api.POST('/api/campaigns/{id}/approve', { params: { path: { id: input.campaignId }, header: ifMatch(input.etag) } }));
    })),
    returnToDraft: fromPromise(({ input }) => once(async () => {
      const { data, etag } = await unwrapWithETag(
        api.POST('/api/campaigns/{id}/return_to_draft', { params: { path: { id: input.campaignId }, header: ifMatch(input.etag) } }),
        (c) => c.version,
      );
      onCampaign?.(data);
      return { etag };
    })),
  };
}

export function liveWizard(deps: WizardDeps) {
  return wizardMachine.provide({ actors: wizardActors(deps) });
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
