// The ad preview's texts in English and German; they load with the screen
// that shows the preview, in the interface's language.
import { i18n, message, type Locale } from '../../lib/i18n.svelte';

const en = {
  'preview.show': 'Preview',
  'preview.hide': 'Hide preview',
  'preview.region': 'Ad preview: {name}',
  'preview.sponsored': 'Sponsored',
  'preview.next': 'Next combination',
  'preview.play': 'Cycle automatically',
  'preview.pause': 'Pause cycling',
  'preview.combination': 'Combination {n} of {total}',
  'preview.device': 'Device',
  'preview.desktop': 'Desktop',
  'preview.mobile': 'Mobile',
  'preview.empty': 'No texts to preview yet.',
  'preview.note': 'An example: Google assembles the texts itself, and not every combination shows every text.',
  'preview.searchResult': 'Search result',
  'preview.card.search': 'Google Search',
  'preview.card.discover': 'Discover',
  'preview.card.gmail': 'Gmail',
  'preview.card.youtube': 'YouTube',
  'preview.cta': 'Learn more',
  'preview.noImage': 'No landscape image in this asset group',
  'preview.image': 'Image of the asset group',
  'preview.logo': 'Logo of {name}',
};

export type PreviewKey = keyof typeof en;

const de: Record<PreviewKey, string> = {
  'preview.show': 'Vorschau',
  'preview.hide': 'Vorschau schließen',
  'preview.region': 'Anzeigenvorschau: {name}',
  'preview.sponsored': 'Gesponsert',
  'preview.next': 'Nächste Kombination',
  'preview.play': 'Automatisch wechseln',
  'preview.pause': 'Wechsel anhalten',
  'preview.combination': 'Kombination {n} von {total}',
  'preview.device': 'Gerät',
  'preview.desktop': 'Desktop',
  'preview.mobile': 'Mobil',
  'preview.empty': 'Noch keine Texte für eine Vorschau.',
  'preview.note': 'Ein Beispiel: Google stellt die Texte selbst zusammen, und nicht jede Kombination zeigt jeden Text.',
  'preview.searchResult': 'Suchergebnis',
  'preview.card.search': 'Google Suche',
  'preview.card.discover': 'Discover',
  'preview.card.gmail': 'Gmail',
  'preview.card.youtube': 'YouTube',
  'preview.cta': 'Mehr erfahren',
  'preview.noImage': 'Kein Bild im Querformat in dieser Asset-Gruppe',
  'preview.image': 'Bild der Asset-Gruppe',
  'preview.logo': 'Logo von {name}',
};

export const previewCatalogs: Record<Locale, Record<PreviewKey, string>> = { en, de };

/** A preview text in the interface language. */
export function pt(key: PreviewKey, params?: Record<string, string | number>): string {
  return message(previewCatalogs[i18n.locale], key, params);
}
