// Saving, pinning and removing a tile. Ad texts are replaced through
// PATCH /api/ads/{id} (the server stores each text once and relinks), sent
// with If-Match naming the ad's version the board shows: a change by someone
// else in between is a 412. Asset-group texts are created, linked and the old
// link removed; links carry no version, so pin and remove go without one.
// After each change the wizard reloads the tree (review.syncing).
import { api, request, unwrap } from '../../lib/api/client';
import { etagOf, ifMatch } from '../../lib/etag';
import type { Board, Tile } from './tiles.svelte';

export async function saveTile(board: Board, tile: Tile): Promise<void> {
  if (tile.owner === 'ad') {
    const siblings = board.tiles.filter((t) => t.owner === 'ad' && t.ownerId === tile.ownerId && t.field === tile.field).sort((a, b) => a.index - b.index);
    const texts = siblings.map((t) => ({ text: t === tile ? tile.text : t.saved, ...(t.pinned ? { pinned_field: t.pinned as never } : {}) }));
    const body = tile.field === 'HEADLINE' ? { headlines: texts } : { descriptions: texts };
    const shown = board.adVersions.get(tile.ownerId);
    const header = ifMatch(shown === undefined ? null : etagOf(shown));
    const ad = await unwrap(api.PATCH('/api/ads/{id}', { params: { path: { id: tile.ownerId }, header }, body }));
    board.adVersions.set(ad.id, ad.version);
    const fresh = (tile.field === 'HEADLINE' ? ad.headlines : ad.descriptions) ?? [];
    // The server relinked the texts: take its link and asset ids.
    siblings.forEach((t, i) => {
      const f = fresh[i];
      if (f) {
        t.linkId = f.link_id;
        t.assetId = f.asset_id;
      }
    });
  } else {
    const asset = await unwrap(api.POST('/api/assets', { body: { text: tile.text, ...(tile.language ? { language: tile.language } : {}) } }));
    const link = await unwrap(
      api.POST('/api/asset-groups/{id}/assets', { params: { path: { id: tile.ownerId } }, body: { asset_id: asset.id, field_type: tile.field as never, position: tile.index } }),
    );
    await unwrap(api.DELETE('/api/asset-groups/{id}/assets/{link_id}', { params: { path: { id: tile.ownerId, link_id: tile.linkId } } }));
    tile.linkId = link.id;
    tile.assetId = asset.id;
  }
  tile.saved = tile.text;
}

export async function pinTile(tile: Tile, pinned: string | null): Promise<void> {
  await request('PATCH', `/api/ads/${tile.ownerId}/assets/${tile.linkId}`, { pinned_field: pinned ?? '' });
  tile.pinned = pinned;
}

export async function removeTile(board: Board, tile: Tile): Promise<void> {
  const path = tile.owner === 'ad' ? `/api/ads/${tile.ownerId}/assets/${tile.linkId}` : `/api/asset-groups/${tile.ownerId}/assets/${tile.linkId}`;
  await request('DELETE', path);
  board.remove(tile);
}
