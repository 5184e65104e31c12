// The review board: one Tile per text in the campaign. Each tile's fields
// are separate $state, so editing one tile re-renders that tile only; the
// list itself changes only when tiles are added or removed.
import type { Campaign } from '../../lib/api/client';
import { t as say, type Locale } from '../../lib/i18n.svelte';
import { validateTexts, type Rules, type ValidationResult } from '../../lib/validate';
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

/** The rules a campaign's brief sets for its texts, as POST /api/validate takes them (empty ones left out). */
export function rulesOf(c: Pick<Campaign, 'brief'> | null | undefined): Rules {
  const b = c?.brief;
  const out: Rules = {};
  if (b?.brand_terms?.length) out.allow = b.brand_terms;
  if (b?.banned_terms?.length) out.banned = b.banned_terms;
  if (b?.business_name) out.business_name = b.business_name;
  if (b?.keywords?.length) out.keywords = b.keywords;
  return out;
}

/** Which link a tile shows: the same link on a reloaded board is the same tile. */
const linkKey = (t: Tile) => `${t.owner}-${t.ownerId}-${t.field}-${t.linkId}`;

export class Board {
  tiles = $state.raw<Tile[]>([]);
  /** Items the running job accepted so far, in arrival order. */
  arrivals = $state.raw<StreamItem[]>([]);
  /** The version of each ad as the board shows it, by ad id: its If-Match. */
  adVersions = new Map<number, number>();
  /** The version of each asset group as the board shows it, by id. */
  groupVersions = new Map<number, number>();
  /** Tile changes on their way to the server. */
  pending = $state(0);
  /** Whether the offline writer (no language model configured) wrote copy the stream delivered. */
  offline = $state(false);
  /** The campaign's rules every check sends (its brief's banned terms, brand terms …), as the tree last loaded showed them. */
  rules: Rules = {};

  replace(tiles: Tile[], adVersions?: Map<number, number>, groupVersions?: Map<number, number>): void {
    this.tiles = tiles;
    if (adVersions) this.adVersions = adVersions;
    if (groupVersions) this.groupVersions = groupVersions;
  }

  /**
   * sync makes the board show a reloaded campaign (fresh, from its tree)
   * while keeping what the person is doing: a tile whose link is still there
   * stays the same tile (its DOM, its check result, an unsaved edit) and
   * takes the server's text, pin and position; links that are gone leave,
   * new ones arrive. Returns the tiles whose text needs checking.
   */
  sync(fresh: Tile[], adVersions: Map<number, number>, groupVersions = new Map<number, number>()): Tile[] {
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
    this.groupVersions = groupVersions;
    return unchecked;
  }

  remove(t: Tile): void {
    this.tiles = this.tiles.filter((x) => x !== t);
  }

  /** An item the stream delivered; one the board already shows (the same event again, after a reload resumed the stream) is ignored. */
  arrived(item: StreamItem): void {
    if (item.seq !== undefined && this.arrivals.some((a) => a.seq === item.seq)) return;
    this.arrivals = [...this.arrivals, item];
    if (item.source === 'offline') this.offline = true;
  }

  /** The board's texts, and those not known to be valid: with a violation, or without an answer (a failed check). */
  counts(): { total: number; invalid: number } {
    let invalid = 0;
    for (const t of this.tiles) if (!t.result?.valid) invalid++;
    return { total: this.tiles.length, invalid };
  }

  /** Checks every tile (or the given ones) through the API, in batches, in the given language. */
  async validateAll(lang: Locale, tiles: Tile[] = this.tiles): Promise<{ total: number; invalid: number }> {
    if (tiles.length === 0) return this.counts();
    const texts = tiles.map((t) => t.text);
    const results = await validateTexts(
      tiles.map((t, i) => ({ field: t.field, text: texts[i]!, language: t.language || undefined })),
      lang,
      undefined,
      this.rules,
    );
    // A tile edited meanwhile keeps waiting for its own check.
    tiles.forEach((t, i) => {
      if (t.text === texts[i]) t.result = results[i] ?? null;
    });
    return this.counts();
  }

  /**
   * check asks the API about the given tiles' texts as they are now, in one
   * go, and gives each tile its answer unless its text changed meanwhile.
   * When the request fails, those tiles get the error in place of an answer
   * (no result: such a text is not known to be valid). Answers the tiles
   * that got an answer or the error; none once signal is aborted.
   */
  async check(tiles: Tile[], lang: Locale, signal?: AbortSignal): Promise<Tile[]> {
    const texts = tiles.map((t) => t.text);
    const unchanged = () => tiles.filter((t, i) => t.text === texts[i]);
    let results: ValidationResult[];
    try {
      results = await validateTexts(
        tiles.map((t, i) => ({ field: t.field, text: texts[i]!, language: t.language || undefined })),
        lang,
        signal,
        this.rules,
      );
    } catch (e) {
      if (signal?.aborted) return [];
      const out = unchanged();
      for (const t of out) {
        t.result = null;
        // In words, not the browser's or the server's message.
        t.error = say(e instanceof TypeError ? 'tile.checkFailed.offline' : 'tile.checkFailed');
      }
      return out;
    }
    if (signal?.aborted) return [];
    const failed = [say('tile.checkFailed'), say('tile.checkFailed.offline')];
    tiles.forEach((t, i) => {
      if (t.text !== texts[i]) return;
      t.result = results[i] ?? null;
      if (failed.includes(t.error)) t.error = '';
    });
    return unchanged();
  }
}

/** How long the checker waits after the last edit before it asks: one request per pause, not per keystroke. */
export const checkPause = 150;

/**
 * TextChecker checks the board's texts the wizard machine names, by tile key
 * with the number of the edit each check is for: checkPause after the last
 * request, all that are due in one batch. It reports the keys answered for
 * their newest edit, with the board's counts once the answers are applied;
 * an answer for a text edited again meanwhile is neither applied nor
 * reported (the newer check is due). stop() drops what is under way.
 */
export class TextChecker {
  private readonly newest = new Map<string, number>();
  private readonly due = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly stopped = new AbortController();

  constructor(
    private readonly board: Board,
    private readonly lang: () => Locale,
    private readonly report: (seqs: Record<string, number>, counts: { total: number; invalid: number }) => void,
  ) {}

  request(seqs: Record<string, number>): void {
    for (const [k, n] of Object.entries(seqs)) {
      this.newest.set(k, n);
      this.due.add(k);
    }
    if (this.due.size > 0) this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.stopped.abort();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), checkPause);
  }

  private async flush(): Promise<void> {
    const batch = [...this.due].map((k) => [k, this.newest.get(k)!] as const);
    this.due.clear();
    const byKey = new Map(this.board.tiles.map((t) => [t.key, t]));
    const tiles = batch.flatMap(([k]) => byKey.get(k) ?? []);
    const answered = new Set(tiles.length > 0 ? await this.board.check(tiles, this.lang(), this.stopped.signal) : []);
    if (this.stopped.signal.aborted) return;
    const seqs: Record<string, number> = {};
    for (const [k, n] of batch) {
      if (this.newest.get(k) !== n) continue;
      const t = byKey.get(k);
      if (t && !answered.has(t)) {
        // Its text changed with no request for it: ask again.
        this.due.add(k);
        continue;
      }
      // A tile no longer on the board needs no answer.
      if (t) t.checking = false;
      seqs[k] = n;
    }
    if (this.due.size > 0) this.schedule();
    if (Object.keys(seqs).length > 0) this.report(seqs, this.board.counts());
  }
}
