// Saving, pinning and removing a tile. A tile's save replaces the texts of
// its ad (PUT /api/ads/{id}/texts) or asset group (PUT
// /api/asset-groups/{id}/texts) in one request: every text the board shows
// for that owner, this tile's edit included, in order and with their pins.
// The server keeps the links of texts that stay, so only the edited tile gets
// a new link. The request names the version of the ad or asset group the
// board shows as If-Match: a change by someone else in between is a 412.
// Pins and removals change one link and go without a version. After each
// change the wizard reloads the tree (review.syncing).
import { api, request, unwrap } from '../../lib/api/client';
import { etagOf, ifMatch } from '../../lib/etag';
import type { Board, Tile } from './tiles.svelte';

/** The If-Match of a version the board shows, none when it shows none. */
const shownAs = (version: number | undefined) => ifMatch(version === undefined ? null : etagOf(version));

export async function saveTile(board: Board, tile: Tile): Promise<void> {
  const siblings = board.tiles.filter((t) => t.owner === tile.owner && t.ownerId === tile.ownerId);
  const ordered = (field: string) => siblings.filter((t) => t.field === field).sort((a, b) => a.index - b.index);
  const textOf = (t: Tile) => (t === tile ? tile.text : t.saved);
  // The server answers with the owner's links in order: the tiles take
  // their link and asset ids (a new link for the edited text).
  const relink = (field: string, fresh: { link_id: number; asset_id: number }[]) =>
    ordered(field).forEach((t, i) => {
      const f = fresh[i];
      if (f) {
        t.linkId = f.link_id;
        t.assetId = f.asset_id;
      }
    });
  if (tile.owner === 'ad') {
    const texts = (field: string) => ordered(field).map((t) => ({ text: textOf(t), ...(t.pinned ? { pinned_field: t.pinned as never } : {}) }));
    const header = shownAs(board.adVersions.get(tile.ownerId));
    const ad = await unwrap(
      api.PUT('/api/ads/{id}/texts', { params: { path: { id: tile.ownerId }, header }, body: { headlines: texts('HEADLINE'), descriptions: texts('DESCRIPTION') } }),
    );
    board.adVersions.set(ad.id, ad.version);
    relink('HEADLINE', ad.headlines ?? []);
    relink('DESCRIPTION', ad.descriptions ?? []);
  } else {
    const texts = (field: string) => ordered(field).map((t) => ({ text: textOf(t) }));
    const name = ordered('BUSINESS_NAME')[0];
    const header = shownAs(board.groupVersions.get(tile.ownerId));
    const body = {
      headlines: texts('HEADLINE'),
      long_headlines: texts('LONG_HEADLINE'),
      descriptions: texts('DESCRIPTION'),
      ...(name ? { business_name: { text: textOf(name) } } : {}),
    };
    const group = await unwrap(api.PUT('/api/asset-groups/{id}/texts', { params: { path: { id: tile.ownerId }, header }, body }));
    board.groupVersions.set(group.id, group.version);
    for (const field of ['HEADLINE', 'LONG_HEADLINE', 'DESCRIPTION', 'BUSINESS_NAME']) relink(field, (group.assets ?? []).filter((a) => a.field_type === field));
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
