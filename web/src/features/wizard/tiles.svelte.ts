// The review board: one Tile per text in the campaign. Each tile's fields
// are separate $state, so editing one tile re-renders that tile only; the
// list itself changes only when tiles are added or removed.
import type { Locale } from '../../lib/i18n.svelte';
import { validateTexts, type ValidationResult } from '../../lib/validate';
import type { StreamItem } from './wizard.machine';

export type TileOwner = 'ad' | 'asset_group';

export interface TileInit {
  owner: TileOwner;
  ownerId: number;
  /** The ad group of an ad (generation is requested per ad group). */
  adGroupId?: number;
  linkId: number;
  assetId: number;
  field: string;
  /** Position among the owner's texts of this field, from 0. */
  index: number;
  language: string;
  text: string;
  pinned?: string | null;
}

export class Tile {
  readonly key: string;
  readonly owner: TileOwner;
  readonly ownerId: number;
  readonly adGroupId: number | undefined;
  readonly field: string;
  readonly language: string;
  index: number;
  linkId = $state(0);
  assetId = $state(0);
  text = $state('');
  /** The text as the server has it; differs from text while editing. */
  saved = $state('');
  pinned = $state<string | null>(null);
  result = $state.raw<ValidationResult | null>(null);
  checking = $state(false);
  busy = $state(false);
  error = $state('');
  dirty = $derived(this.text !== this.saved);

  constructor(init: TileInit) {
    this.key = `${init.owner}-${init.ownerId}-${init.field}-${init.linkId}`;
    this.owner = init.owner;
    this.ownerId = init.ownerId;
    this.adGroupId = init.adGroupId;
    this.field = init.field;
    this.language = init.language;
    this.index = init.index;
    this.linkId = init.linkId;
    this.assetId = init.assetId;
    this.text = init.text;
    this.saved = init.text;
    this.pinned = init.pinned ?? null;
  }

  /** The slot name the generate endpoint takes ("headlines[3]"). */
  get slot(): string {
    return `${slotField(this.field)}[${this.index}]`;
  }
}

export function slotField(field: string): string {
  switch (field) {
    case 'HEADLINE':
      return 'headlines';
    case 'DESCRIPTION':
      return 'descriptions';
    case 'LONG_HEADLINE':
      return 'long_headlines';
    case 'BUSINESS_NAME':
      return 'business_name';
    default:
      return field.toLowerCase();
  }
}

export class Board {
  tiles = $state.raw<Tile[]>([]);
  /** Items the running job accepted so far, in arrival order. */
  arrivals = $state.raw<StreamItem[]>([]);

  replace(tiles: Tile[]): void {
    this.tiles = tiles;
  }

  remove(t: Tile): void {
    this.tiles = this.tiles.filter((x) => x !== t);
  }

  arrived(item: StreamItem): void {
    this.arrivals = [...this.arrivals, item];
  }

  counts(): { total: number; invalid: number } {
    let invalid = 0;
    for (const t of this.tiles) if (t.result && !t.result.valid) invalid++;
    return { total: this.tiles.length, invalid };
  }

  /** Checks every tile through the API (in batches) in the given language. */
  async validateAll(lang: Locale): Promise<{ total: number; invalid: number }> {
    const tiles = this.tiles;
    const results = await validateTexts(
      tiles.map((t) => ({ field: t.field, text: t.text, language: t.language || undefined })),
      lang,
    );
    tiles.forEach((t, i) => {
      t.result = results[i] ?? null;
    });
    return this.counts();
  }
}

/**
 * validateTile checks one tile's current text; an answer for a text that was
 * edited again meanwhile is dropped, so the newest keystroke always wins.
 */
export async function validateTile(t: Tile, lang: Locale): Promise<void> {
  const text = t.text;
  t.checking = true;
  try {
    const [r] = await validateTexts([{ field: t.field, text, language: t.language || undefined }], lang);
    if (t.text === text && r) t.result = r;
  } catch (e) {
    t.error = e instanceof Error ? e.message : String(e);
  } finally {
    if (t.text === text) t.checking = false;
  }
}
