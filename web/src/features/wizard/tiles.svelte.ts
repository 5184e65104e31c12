// The review board: one Tile per text in the campaign. Each tile's fields
// are separate $state, so editing one tile re-renders that tile only; the
// list itself changes only when tiles are added or removed.
import type { Locale } from '../../lib/i18n.svelte';
import { validateTexts, type ValidationResult } from '../../lib/validate';
import type { StreamItem } from '../../lib/jobstream';

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
  /** Stable for the tile's life on the board (its DOM identity). */
  key: string;
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

/** Which link a tile shows: the same link on a reloaded board is the same tile. */
const linkKey = (t: Tile) => `${t.owner}-${t.ownerId}-${t.field}-${t.linkId}`;

export class Board {
  tiles = $state.raw<Tile[]>([]);
  /** Items the running job accepted so far, in arrival order. */
  arrivals = $state.raw<StreamItem[]>([]);
  /** The version of each ad as the board shows it, by ad id: its If-Match. */
  adVersions = new Map<number, number>();
  /** Tile changes on their way to the server. */
  pending = $state(0);

  replace(tiles: Tile[], adVersions?: Map<number, number>): void {
    this.tiles = tiles;
    if (adVersions) this.adVersions = adVersions;
  }

  /**
   * sync makes the board show a reloaded campaign (fresh, from its tree)
   * while keeping what the person is doing: a tile whose link is still there
   * stays the same tile (its DOM, its check result, an unsaved edit) and
   * takes the server's text, pin and position; links that are gone leave,
   * new ones arrive. Returns the tiles whose text needs checking.
   */
  sync(fresh: Tile[], adVersions: Map<number, number>): Tile[] {
    const old = new Map(this.tiles.map((t) => [linkKey(t), t]));
    const out: Tile[] = [];
    const unchecked: Tile[] = [];
    const added: Tile[] = [];
    for (const f of fresh) {
      const t = old.get(linkKey(f));
      if (!t) {
        out.push(f);
        added.push(f);
        unchecked.push(f);
        continue;
      }
      old.delete(linkKey(f));
      t.index = f.index;
      t.assetId = f.assetId;
      t.pinned = f.pinned;
      if (t.saved !== f.saved) {
        const edited = t.dirty;
        t.saved = f.saved;
        // An unsaved edit stays on screen (Save sends it, against the new
        // version); an untouched tile shows the server's text.
        if (!edited) {
          t.text = f.saved;
          t.result = null;
          unchecked.push(t);
        }
      }
      out.push(t);
    }
    // A kept tile keeps the key it was born with; a new link may have the
    // id an old one of a kept tile had.
    const keys = new Set(out.filter((t) => !added.includes(t)).map((t) => t.key));
    let n = 0;
    for (const t of added) {
      while (keys.has(t.key)) t.key = `${linkKey(t)}~${++n}`;
      keys.add(t.key);
    }
    this.tiles = out;
    this.adVersions = adVersions;
    return unchecked;
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

  /** Checks every tile (or the given ones) through the API, in batches, in the given language. */
  async validateAll(lang: Locale, tiles: Tile[] = this.tiles): Promise<{ total: number; invalid: number }> {
    if (tiles.length === 0) return this.counts();
    const texts = tiles.map((t) => t.text);
    const results = await validateTexts(
      tiles.map((t, i) => ({ field: t.field, text: texts[i]!, language: t.language || undefined })),
      lang,
    );
    // A tile edited meanwhile keeps waiting for its own check.
    tiles.forEach((t, i) => {
      if (t.text === texts[i]) t.result = results[i] ?? null;
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
