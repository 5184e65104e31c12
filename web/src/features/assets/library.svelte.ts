// The asset library's state: every asset loaded once (pages of 500), the
// filter, and validity results that arrive in the background.
import { api, unwrap } from '../../lib/api/client';
import { earlyFetch } from '../../lib/early';
import { assetPage } from '../../lib/firstreads';
import { i18n } from '../../lib/i18n.svelte';
import { validateTexts } from '../../lib/validate';
import { applyFilter, emptyFilter, index, languages, type Filter, type Indexed } from './filter';

/**
 * What "valid" is judged against: AUTO asks whether a text can serve as a
 * headline or, if it is too long for one, as a description — so a good
 * description is not shown with violations for exceeding a headline's 30
 * characters. The others judge every text against one field's limits.
 */
export const validityFields = ['AUTO', 'HEADLINE', 'DESCRIPTION', 'LONG_HEADLINE', 'BUSINESS_NAME'] as const;
export type ValidityField = (typeof validityFields)[number];

export class Library {
  all = $state.raw<Indexed[]>([]);
  loading = $state(false);
  error = $state('');
  filter = $state<Filter>({ ...emptyFilter });
  /** Which field's limits "valid" is judged against. */
  field = $state<ValidityField>('AUTO');
  validity = $state.raw<Map<number, boolean>>(new Map());
  validityError = $state('');

  results = $derived(applyFilter(this.all, this.filter, this.validity));
  languages = $derived(languages(this.all));

  async load(): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      const acc: Indexed[] = [];
      let cursor: string | undefined;
      do {
        // The first page may be the read the page started (lib/firstreads.ts).
        const page = await unwrap(api.GET('/api/assets', { params: { query: { ...assetPage, cursor } }, fetch: earlyFetch }));
        for (const a of page.items) acc.push(index(a));
        this.all = acc.slice();
        cursor = page.next_cursor || undefined;
      } while (cursor);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
    void this.checkValidity();
  }

  /** Validates every text asset against the chosen field, in batches. */
  async checkValidity(): Promise<void> {
    const field = this.field;
    const texts = this.all.filter((x) => x.asset.type === 'TEXT');
    this.validityError = '';
    const check = async (f: Exclude<ValidityField, 'AUTO'>, list: Indexed[]) => {
      const results = await validateTexts(
        list.map((x) => ({ field: f, text: x.asset.text ?? '', language: x.asset.language || undefined })),
        i18n.locale,
      );
      const m = new Map<number, boolean>();
      list.forEach((x, i) => {
        const r = results[i];
        if (r) m.set(x.asset.id, r.valid);
      });
      return m;
    };
    try {
      const m = await check(field === 'AUTO' ? 'HEADLINE' : field, texts);
      if (field === 'AUTO') {
        // Texts that fail as a headline get a second chance as a description.
        const again = texts.filter((x) => m.get(x.asset.id) === false);
        if (again.length > 0) for (const [id, ok] of await check('DESCRIPTION', again)) m.set(id, ok);
      }
      if (field !== this.field) return; // the choice changed meanwhile
      this.validity = m;
    } catch (e) {
      this.validity = new Map();
      this.validityError = e instanceof Error ? e.message : String(e);
    }
  }
}
