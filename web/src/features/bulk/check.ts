// Live checks of texts as the tiles make them: POST /api/validate, the
// server's policy package, here with the campaign's brief (brand terms,
// banned terms, business name), so a preview flags what saving would refuse.
import { api, unwrap, type Brief, type Schemas } from '../../lib/api/client';
import { batchSize } from '../../lib/validate';
import type { Locale } from '../../lib/i18n.svelte';

export type Check = Schemas['ValidationResult'];

/** The cache key of a text checked as a field type. */
export function checkKey(field: string, text: string): string {
  return `${field}\u0000${text}`;
}

/**
 * TextChecks remembers each (field, text)'s verdict, so the grid, the
 * preview and an edit ask the server about each text once per language.
 */
export class TextChecks {
  private cache = new Map<string, Check>();
  private locale: Locale | null = null;

  constructor(
    private brief: Brief,
    private language: string,
  ) {}

  get(field: string, text: string): Check | undefined {
    return this.cache.get(checkKey(field, text));
  }

  /** Checks the texts not known yet; answers whether any was new. */
  async ensure(items: readonly { field: string; text: string }[], lang: Locale, signal?: AbortSignal): Promise<boolean> {
    if (this.locale !== lang) {
      this.cache.clear();
      this.locale = lang;
    }
    const seen = new Set<string>();
    const todo = items.filter((it) => {
      const k = checkKey(it.field, it.text);
      if (this.cache.has(k) || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    for (let i = 0; i < todo.length; i += batchSize) {
      const chunk = todo.slice(i, i + batchSize);
      const res = await unwrap(
        api.POST('/api/validate', {
          params: { query: { lang } },
          body: {
            items: chunk.map((it) => ({ field: it.field, text: it.text, language: this.language || undefined })),
            allow: this.brief.brand_terms ?? undefined,
            banned: this.brief.banned_terms ?? undefined,
            business_name: this.brief.business_name || undefined,
          },
          ...(signal ? { signal } : {}),
        }),
      );
      if (signal?.aborted) return false;
      chunk.forEach((it, j) => {
        const r = res.items[j];
        if (r) this.cache.set(checkKey(it.field, it.text), r);
      });
    }
    return todo.length > 0;
  }
}
