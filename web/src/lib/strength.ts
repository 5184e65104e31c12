// Client of POST /api/ad-strength: the server's strength package is the one
// estimator of Google's Ad Strength; the review screen asks it about the
// texts as they are being edited (ads and asset groups read from the API
// carry the estimate of their stored texts).
import { api, unwrap, type CampaignTree, type Schemas } from './api/client';

export type AdStrength = Schemas['AdStrength'];
export type AdStrengthInput = Schemas['AdStrengthInput'];
export type StrengthRating = AdStrength['rating'];

/** The scale from worst to best: the meter has one step per rating. */
export const ratings: readonly StrengthRating[] = ['INCOMPLETE', 'POOR', 'AVERAGE', 'GOOD', 'EXCELLENT'];

/** A text of the set being rated, as the review board holds it. */
export interface StrengthText {
  field: string;
  text: string;
  pinned?: string | null;
}

/** What the estimate needs besides the texts: from the campaign tree. */
export interface StrengthContext {
  type: AdStrengthInput['type'];
  language?: string;
  keywords?: string[];
  images?: string[];
}

/** strengthInput is the request body for a set's texts (in board order) and its context. */
export function strengthInput(texts: readonly StrengthText[], ctx: StrengthContext): AdStrengthInput {
  const ad = ctx.type === 'RESPONSIVE_SEARCH_AD';
  const body: AdStrengthInput = { type: ctx.type, headlines: [], descriptions: [] };
  if (ctx.language) body.language = ctx.language;
  for (const t of texts) {
    const item = ad && t.pinned ? { text: t.text, pin: t.pinned as NonNullable<NonNullable<AdStrengthInput['headlines']>[number]['pin']> } : { text: t.text };
    switch (t.field) {
      case 'HEADLINE':
        body.headlines!.push(item);
        break;
      case 'DESCRIPTION':
        body.descriptions!.push(item);
        break;
      case 'LONG_HEADLINE':
        if (!ad) (body.long_headlines ??= []).push(t.text);
        break;
      case 'BUSINESS_NAME':
        if (!ad) body.business_name = t.text;
        break;
    }
  }
  if (ad && ctx.keywords?.length) body.keywords = ctx.keywords;
  if (!ad && ctx.images?.length) body.images = ctx.images;
  return body;
}

export async function rateStrength(body: AdStrengthInput, signal?: AbortSignal): Promise<AdStrength> {
  return unwrap(api.POST('/api/ad-strength', { body, ...(signal ? { signal } : {}) }));
}

/** The copy language of a campaign: its brief's, else its first. */
export function copyLanguage(tree: CampaignTree | null): string {
  return tree?.campaign.brief?.language || tree?.campaign.languages?.[0] || '';
}

/** The keywords an ad is rated on: its ad group's enabled, positive ones, in order. */
export function adGroupKeywords(tree: CampaignTree | null, adGroupId: number): string[] {
  const g = tree?.ad_groups?.find((x) => x.id === adGroupId);
  return (g?.keywords ?? []).filter((k) => !k.negative && k.status === 'ENABLED').map((k) => k.text);
}

/** The field types of an asset group's images and logos. */
export function groupImages(tree: CampaignTree | null, groupId: number): string[] {
  const g = tree?.asset_groups?.find((x) => x.id === groupId);
  return (g?.assets ?? []).filter((a) => a.type === 'IMAGE').map((a) => a.field_type);
}
