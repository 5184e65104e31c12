import { i18n } from './i18n.svelte';

export function money(micros: number, currency: string): string {
  return i18n.number(micros / 1_000_000, { style: 'currency', currency });
}

export function dateTime(iso: string | undefined | null): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(i18n.locale === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}
