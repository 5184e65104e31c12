// The wizard's steps against a stand-in server (lib/testserver.ts): what the
// web app sends as If-Match on each change, and that the review board ends
// up showing the tree whose ETag approval sends.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, toPromise, waitFor, type AnyActorLogic } from 'xstate';
import { isStale } from '../../lib/etag';
import { startFirstReads } from '../../lib/firstreads';
import { TestServer } from '../../lib/testserver';
import { saveTile } from './tileActions';
import { Board } from './tiles.svelte';
import { liveWizard, wizardActors } from './wizard.service';

let server: TestServer;
beforeEach(() => {
  server = new TestServer();
  vi.stubGlobal('fetch', server.fetch);
});
afterEach(() => vi.unstubAllGlobals());

function run<T>(logic: AnyActorLogic, input: unknown): Promise<T> {
  return toPromise(createActor(logic, { input }).start()) as Promise<T>;
}

describe('wizard service', () => {
  it('a page opened on the review takes the campaign and the tree it started reading with the page: each is read once', async () => {
    startFirstReads('/campaigns/3/wizard');
    const board = new Board();
    const actors = wizardActors({ board });
    await run(actors.loadCampaign as AnyActorLogic, { campaignId: 3 });
    const first = await run<{ etag: string; total: number }>(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    expect(first).toMatchObject({ etag: '"5"', total: 5 });
    const reads = server.seen.filter((x) => x.method === 'GET' && x.path.startsWith('/api/campaigns/')).map((x) => x.path);
    expect(reads).toEqual(['/api/campaigns/3', '/api/campaigns/3/tree']);
    // A later board reads anew.
    await run(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    expect(server.seen.filter((x) => x.path === '/api/campaigns/3/tree')).toHaveLength(2);
  });

  it('a page opened on a campaign not in review never shows the tree read with the page: the board reads it when it comes to it', async () => {
    server.campaign = { ...server.campaign, state: 'draft' };
    startFirstReads('/campaigns/3/wizard');
    await vi.waitFor(() => expect(server.seen.some((x) => x.path === '/api/campaigns/3/tree')).toBe(true));
    const board = new Board();
    const actors = wizardActors({ board });
    await run(actors.loadCampaign as AnyActorLogic, { campaignId: 3 });
    server.changeElsewhere((s) => (s.ad = { ...s.ad, headlines: s.ad.headlines!.map((h, i) => (i === 0 ? { ...h, text: 'Reifen neu' } : h)) }));
    const checked = await run<{ etag: string }>(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    expect(checked.etag).toBe('"6"');
    expect(board.tiles[0]!.text).toBe('Reifen neu');
  });

  it('saves the brief on the loaded version and starts generation on the version that save made', async () => {
    server.campaign = { ...server.campaign, state: 'draft' };
    const actors = wizardActors({ board: new Board() });
    const loaded = await run<{ etag: string }>(actors.loadCampaign as AnyActorLogic, { campaignId: 3 });
    expect(loaded.etag).toBe('"5"');
    await run(actors.startGeneration as AnyActorLogic, { campaignId: 3, brief: { product: 'Reifen' }, etag: loaded.etag });
    expect(server.writes()).toEqual(['PATCH /api/campaigns/3 "5"', 'POST /api/campaigns/3/generate "6"']);
  });

  it('the settings of the brief step (budget, bidding, dates) are saved with the brief, in the same request', async () => {
    server.campaign = { ...server.campaign, state: 'draft' };
    const actors = wizardActors({ board: new Board() });
    const { etag } = await run<{ etag: string }>(actors.loadCampaign as AnyActorLogic, { campaignId: 3 });
    const settings = { budget_micros: 60_000_000, bidding_strategy: 'MANUAL_CPC', start_date: '2026-03-01', end_date: '' };
    await run(actors.startGeneration as AnyActorLogic, { campaignId: 3, brief: { product: 'Reifen' }, settings, etag });
    const patch = server.seen.find((x) => x.method === 'PATCH')!;
    expect(patch.body).toEqual({ ...settings, brief: { product: 'Reifen' } });
    expect(server.writes()).toEqual(['PATCH /api/campaigns/3 "5"', 'POST /api/campaigns/3/generate "6"']);
  });

  it('a brief saved on an old version is refused with 412 and nothing is generated', async () => {
    server.campaign = { ...server.campaign, state: 'draft' };
    const actors = wizardActors({ board: new Board() });
    const { etag } = await run<{ etag: string }>(actors.loadCampaign as AnyActorLogic, { campaignId: 3 });
    server.changeElsewhere((s) => (s.campaign = { ...s.campaign, brief: { product: 'Sommerreifen' } }));
    const err = await run(actors.startGeneration as AnyActorLogic, { campaignId: 3, brief: { product: 'Reifen' }, etag }).catch((e: unknown) => e);
    expect(isStale(err)).toBe(true);
    expect(server.writes()).toEqual(['PATCH /api/campaigns/3 "5"']);
  });

  it("after the tab's own tile save the board shows the reloaded tree, and approval names that tree", async () => {
    const board = new Board();
    const actors = wizardActors({ board });
    const first = await run<{ etag: string; total: number }>(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    expect(first).toMatchObject({ etag: '"5"', total: 5 });
    const [h1, , , d1] = board.tiles;
    h1!.text = 'Reifen eins neu';
    await saveTile(board, h1!);
    const reloaded = await run<{ etag: string }>(actors.reloadTree as AnyActorLogic, { campaignId: 3 });
    expect(reloaded.etag).toBe('"6"');
    // The same tiles, showing the server's texts.
    expect(board.tiles[0]).toBe(h1);
    expect(board.tiles[3]).toBe(d1);
    expect(board.tiles.map((t) => t.saved)).toEqual(server.tree().ad_groups![0]!.ads![0]!.headlines!.map((h) => h.text).concat(['Beschreibung eins.', 'Beschreibung zwei.']));
    expect(board.tiles.map((t) => t.linkId)).toEqual([...server.ad.headlines!, ...server.ad.descriptions!].map((h) => h.link_id));
    await run(actors.approve as AnyActorLogic, { campaignId: 3, etag: reloaded.etag });
    // The ad text went with the ad's version, the approval with the reloaded tree's.
    expect(server.writes()).toEqual(['PUT /api/ads/4/texts "2"', 'POST /api/campaigns/3/approve "6"']);
    expect(server.campaign.state).toBe('approved');
  });

  it('a second save of the same ad names the version the first save made', async () => {
    const board = new Board();
    const actors = wizardActors({ board });
    await run(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    board.tiles[0]!.text = 'Reifen eins neu';
    await saveTile(board, board.tiles[0]!);
    board.tiles[3]!.text = 'Beschreibung eins neu.';
    await saveTile(board, board.tiles[3]!);
    expect(server.writes()).toEqual(['PUT /api/ads/4/texts "2"', 'PUT /api/ads/4/texts "3"']);
  });

  it('an asset-group tile is saved in one request with every text of the group, naming the version the board shows', async () => {
    server.addAssetGroup();
    const board = new Board();
    const actors = wizardActors({ board });
    await run(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    const group = board.tiles.filter((t) => t.owner === 'asset_group');
    const second = group.find((t) => t.field === 'HEADLINE' && t.index === 1)!;
    const before = new Map(group.map((t) => [t, t.linkId]));
    second.text = 'Reifen zwei neu';
    group.find((t) => t.field === 'LONG_HEADLINE')!.text = 'unsaved elsewhere';
    await saveTile(board, second);
    expect(server.writes()).toEqual(['PUT /api/asset-groups/9/texts "4"']);
    expect(server.seen.at(-1)!.body).toEqual({
      headlines: [{ text: 'Reifen eins' }, { text: 'Reifen zwei neu' }],
      long_headlines: [{ text: 'Reifen für den ganzen Winter' }],
      descriptions: [],
      business_name: { text: 'Reifen Müller' },
    });
    // Only the edited text has a new link; the board knows the group's new version.
    for (const t of group) expect(t.linkId === before.get(t)).toBe(t !== second);
    expect(second.saved).toBe('Reifen zwei neu');
    expect(board.groupVersions.get(9)).toBe(5);
    await saveTile(board, group.find((t) => t.field === 'HEADLINE' && t.index === 0)!);
    expect(server.writes()).toEqual(['PUT /api/asset-groups/9/texts "4"', 'PUT /api/asset-groups/9/texts "5"']);
  });

  it('an asset-group tile saved over a change from elsewhere is refused with 412', async () => {
    server.addAssetGroup();
    const board = new Board();
    const actors = wizardActors({ board });
    await run(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    server.changeElsewhere((s) => (s.group = { ...s.group!, version: s.group!.version + 1 }));
    const tile = board.tiles.find((t) => t.owner === 'asset_group' && t.field === 'HEADLINE')!;
    tile.text = 'Reifen eins neu';
    const err = await saveTile(board, tile).catch((e: unknown) => e);
    expect(isStale(err)).toBe(true);
    expect(server.group!.assets!.map((a) => a.text)).not.toContain('Reifen eins neu');
  });

  it('a tile saved over a change from elsewhere is refused with 412', async () => {
    const board = new Board();
    const actors = wizardActors({ board });
    await run(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    server.changeElsewhere((s) => (s.ad = { ...s.ad, version: s.ad.version + 1, headlines: [{ text: 'Fremd', link_id: 999, asset_id: 999 }, ...s.ad.headlines!.slice(1)] }));
    board.tiles[1]!.text = 'Reifen zwei neu';
    const err = await saveTile(board, board.tiles[1]!).catch((e: unknown) => e);
    expect(isStale(err)).toBe(true);
    expect(server.ad.headlines![0]!.text).toBe('Fremd');
  });

  it('approval after a change from elsewhere is refused with 412: nothing unseen is approved', async () => {
    const board = new Board();
    const actors = wizardActors({ board });
    const { etag } = await run<{ etag: string }>(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    server.changeElsewhere((s) => (s.campaign = { ...s.campaign, budget_micros: 99_000_000 }));
    const err = await run(actors.approve as AnyActorLogic, { campaignId: 3, etag }).catch((e: unknown) => e);
    expect(isStale(err)).toBe(true);
    expect(server.campaign.state).toBe('review');
    expect(server.writes()).toEqual(['POST /api/campaigns/3/approve "5"']);
  });

  it('back to the brief answers the draft version and the campaign it shows', async () => {
    const shown: number[] = [];
    const actors = wizardActors({ board: new Board(), onCampaign: (c) => shown.push(c.version) });
    const out = await run<{ etag: string }>(actors.returnToDraft as AnyActorLogic, { campaignId: 3, etag: '"5"' });
    expect(out.etag).toBe('"6"');
    expect(shown).toEqual([6]);
    expect(server.writes()).toEqual(['POST /api/campaigns/3/return_to_draft "5"']);
  });

  it('a lifecycle event without an ETag is not sent at all', async () => {
    const actors = wizardActors({ board: new Board() });
    const err = await run(actors.approve as AnyActorLogic, { campaignId: 3, etag: null }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/no ETag/);
    expect(server.writes()).toEqual([]);
  });

  it('a reload that a newer one replaced leaves the board alone', async () => {
    const board = new Board();
    const actors = wizardActors({ board });
    await run(actors.validateAll as AnyActorLogic, { campaignId: 3 });
    const before = board.tiles;
    server.changeElsewhere((s) => (s.ad = { ...s.ad, headlines: [{ text: 'Fremd', link_id: 999, asset_id: 999 }, ...s.ad.headlines!.slice(1)] }));
    const actor = createActor(actors.reloadTree as AnyActorLogic, { input: { campaignId: 3 } }).start();
    actor.stop(); // superseded before its answer came
    await new Promise((r) => setTimeout(r, 20));
    expect(board.tiles).toBe(before);
  });

  it('the live wizard checks an edited text through the API and refuses approval until the board is valid again', async () => {
    const board = new Board();
    const actor = createActor(liveWizard({ board }), { input: { campaignId: 3 } }).start();
    const at = (v: unknown) => waitFor(actor, (s) => s.matches(v as never), { timeout: 2000 });
    await at({ review: 'ready' });
    expect(actor.getSnapshot().can({ type: 'APPROVE' })).toBe(true);
    // As the screen does on each keystroke: the tile is being checked, the machine knows.
    const edit = (text: string) => {
      const t = board.tiles[0]!;
      t.text = text;
      t.checking = true;
      actor.send({ type: 'CHECK', keys: [t.key] });
    };
    edit('Reifen eins, jetzt viel zu lang für eine Anzeige');
    expect(actor.getSnapshot().matches({ validating: 'texts' })).toBe(true);
    expect(actor.getSnapshot().can({ type: 'APPROVE' })).toBe(false);
    await at({ review: 'ready' });
    expect(actor.getSnapshot().context).toMatchObject({ total: 5, invalid: 1, checking: {} });
    expect([board.tiles[0]!.result?.valid, board.tiles[0]!.checking]).toEqual([false, false]);
    actor.send({ type: 'APPROVE' });
    expect(actor.getSnapshot().matches({ review: 'ready' })).toBe(true);
    edit('Reifen eins neu');
    await at({ review: 'ready' });
    expect(actor.getSnapshot().context.invalid).toBe(0);
    actor.send({ type: 'APPROVE' });
    await at('done');
    expect(server.writes()).toEqual(['POST /api/campaigns/3/approve "5"']);
    // One check per edit: the board's load, then each edited text alone.
    expect(server.seen.filter((r) => r.path === '/api/validate').map((r) => (r.body as { items: unknown[] }).items.length)).toEqual([5, 1, 1]);
  });
});
