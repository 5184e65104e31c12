// What a preview takes from the campaign tree besides the texts: where the
// ad leads, its display paths, the advertiser's name and the asset group's
// images. The texts come from the screen (as edited, not as stored).
import type { CampaignTree } from '../../lib/api/client';
import { displayUrl } from './combos';
import type { PreviewImage } from './pmax';

export interface PreviewSource {
  displayUrl: string;
  /** The name Google shows above the URL: the brief's business name, else the site's host. */
  businessName: string;
  images: PreviewImage[];
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname.replace(/^www\./, '') : '';
  } catch {
    return '';
  }
}

/** The source of an ad (adId) or an asset group (assetGroupId) in the tree; null when the tree does not have it. */
export function previewSource(tree: CampaignTree | null, owner: { adId?: number; assetGroupId?: number }): PreviewSource | null {
  if (!tree) return null;
  const c = tree.campaign;
  const named = (url: string | undefined) => c.brief?.business_name?.trim() || hostOf(url);
  if (owner.adId !== undefined) {
    const ad = (tree.ad_groups ?? []).flatMap((g) => g.ads ?? []).find((a) => a.id === owner.adId);
    if (!ad) return null;
    const url = ad.final_urls?.[0] || c.final_url;
    return { displayUrl: displayUrl(url, ad.path1, ad.path2), businessName: named(url), images: [] };
  }
  const g = (tree.asset_groups ?? []).find((x) => x.id === owner.assetGroupId);
  if (!g) return null;
  const url = g.final_urls?.[0] || c.final_url;
  const images = (g.assets ?? [])
    .filter((a) => a.type === 'IMAGE')
    .map((a) => ({ assetId: a.asset_id, fieldType: a.field_type, ...(a.width ? { width: a.width } : {}), ...(a.height ? { height: a.height } : {}) }));
  return { displayUrl: displayUrl(url, g.path1, g.path2), businessName: named(url), images };
}
