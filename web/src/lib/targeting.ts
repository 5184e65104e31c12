// The languages and countries campaigns can target, as the server's
// publisher knows them (GET /api/google-ads/targeting); asked once a page.
import { api, unwrap } from './api/client';

let cached: Promise<{ languages: string[]; countries: string[] }> | null = null;

export function targeting(): Promise<{ languages: string[]; countries: string[] }> {
  cached ??= unwrap(api.GET('/api/google-ads/targeting')).then(
    (t) => ({ languages: t.languages.map((x) => x.code), countries: t.countries.map((x) => x.code) }),
    (e: unknown) => {
      cached = null; // asked again next time
      throw e;
    },
  );
  return cached;
}
