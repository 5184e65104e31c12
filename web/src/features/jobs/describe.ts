// How the jobs page names a job's kind and its subject, in the UI's language.
import { catalogs, type Locale, type MessageKey, format } from '../../lib/i18n.svelte';
import { formatCustomerId } from '../../lib/googleads';
import type { Schemas } from '../../lib/api/client';

/** kindLabel names a job kind; a kind the UI does not know shows as it is. */
export function kindLabel(locale: Locale, kind: string): string {
  const key = `jobkind.${kind}` as MessageKey;
  return catalogs[locale][key] ?? kind;
}

/** What a job works on: its text, and the page to open when there is one. */
export interface SubjectView {
  text: string;
  href?: string;
}

export function subjectView(locale: Locale, s: Schemas['Subject'] | undefined): SubjectView | undefined {
  if (!s) return undefined;
  switch (s.type) {
    case 'campaign':
      if (!s.name) return { text: format(catalogs[locale]['jobs.gone'], { id: s.id }) };
      return { text: s.name, href: `/campaigns/${s.id}` };
    case 'google_ads_account':
      return { text: format(catalogs[locale]['jobs.account'], { id: formatCustomerId(String(s.id)) }) };
    default:
      return { text: `${s.type} ${s.id}` };
  }
}

/** How long to wait before the next refresh of the list. */
export function refreshDelay(jobs: readonly Schemas['Job'][]): number {
  return jobs.some((j) => j.state === 'queued' || j.state === 'running') ? 2000 : 10000;
}
