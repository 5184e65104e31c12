// The brief as typed, kept in this browser (localStorage) until it is sent:
// a reload, a closed tab or a lost connection does not lose it. A draft
// belongs to the version of the campaign it was typed on; once the campaign
// moved on (the brief was sent, someone else changed it) the draft is stale
// and dropped rather than laid over newer content.

export interface BriefDraft {
  product: string;
  audience: string;
  selling: string;
  keywords: string;
  landing: string;
  language: string;
  tone: string;
  brand: string;
  banned: string;
  business: string;
  notes: string;
  budget: string;
  strategy: string;
  target: string;
  startDate: string;
  endDate: string;
}

/** How long after the last keystroke the draft is written. */
export const briefDraftPause = 400;

const key = (campaignId: number) => `imaphub.brief.${campaignId}`;

/** The draft typed on this version of the campaign, or null (none, or one of another version, which is dropped). */
export function readBriefDraft(campaignId: number, version: number): Partial<BriefDraft> | null {
  try {
    const raw = localStorage.getItem(key(campaignId));
    if (!raw) return null;
    const d = JSON.parse(raw) as { version?: unknown; fields?: unknown };
    if (d.version !== version || typeof d.fields !== 'object' || d.fields === null) {
      localStorage.removeItem(key(campaignId));
      return null;
    }
    const out: Partial<BriefDraft> = {};
    for (const [k, v] of Object.entries(d.fields)) if (typeof v === 'string') out[k as keyof BriefDraft] = v;
    return out;
  } catch {
    return null;
  }
}

/** Writes the draft; false when the browser keeps no storage (then nothing is said to be saved). */
export function writeBriefDraft(campaignId: number, version: number, fields: BriefDraft): boolean {
  try {
    localStorage.setItem(key(campaignId), JSON.stringify({ version, fields }));
    return true;
  } catch {
    return false;
  }
}
