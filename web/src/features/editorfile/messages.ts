// The Google Ads Editor file screens' texts in English and German; they load
// with the screens (as the reports' do), in the interface's language.
import { format, i18n, type Locale } from '../../lib/i18n.svelte';

const en = {
  'editor.export': 'Export for Google Ads Editor',
  'editor.exportHint': 'A file Google Ads Editor opens: the campaign, locations, ad groups, keywords, ads and asset groups (without images).',
  'editor.import': 'Import Editor file',
  'editor.importTitle': 'Import a Google Ads Editor file',
  'editor.importHint':
    'The file becomes a new draft campaign; no existing campaign is changed. A file with errors is not imported at all: fix the rows listed and import it again.',
  'editor.file': 'Editor file (CSV, UTF-16 or UTF-8, tab- or comma-separated)',
  'editor.name': 'Name of the new campaign (optional; default: the name in the file)',
  'editor.submit': 'Import',
  'editor.cancel': 'Close',
  'editor.importing': 'Importing…',
  'editor.noFile': 'Choose a file first.',
  'editor.imported': 'Imported as a new draft campaign.',
  'editor.openCampaign': 'Open the new campaign',
  'editor.refused': 'Not imported: {errors} errors. Nothing was saved.',
  'editor.summary': '{rows} rows · {errors} errors · {warnings} warnings',
  'editor.report': 'Import report',
  'editor.row': 'Row',
  'editor.entity': 'Entity',
  'editor.what': 'Name',
  'editor.result': 'Result',
  'editor.column': 'Column',
  'editor.status.ok': 'OK',
  'editor.status.warning': 'Warning',
  'editor.status.error': 'Error',
  'editor.entity.header': 'Header',
  'editor.entity.campaign': 'Campaign',
  'editor.entity.location': 'Location',
  'editor.entity.ad_group': 'Ad group',
  'editor.entity.keyword': 'Keyword',
  'editor.entity.ad': 'Responsive search ad',
  'editor.entity.asset_group': 'Asset group',
  'editor.onlyProblems': 'Show only rows with findings',
};

export type EditorKey = keyof typeof en;

const de: Record<EditorKey, string> = {
  'editor.export': 'Für Google Ads Editor exportieren',
  'editor.exportHint': 'Eine Datei für Google Ads Editor: Kampagne, Standorte, Anzeigengruppen, Keywords, Anzeigen und Asset-Gruppen (ohne Bilder).',
  'editor.import': 'Editor-Datei importieren',
  'editor.importTitle': 'Google-Ads-Editor-Datei importieren',
  'editor.importHint':
    'Aus der Datei wird eine neue Kampagne im Entwurf; bestehende Kampagnen bleiben unverändert. Eine Datei mit Fehlern wird gar nicht importiert: Korrigieren Sie die genannten Zeilen und importieren Sie sie erneut.',
  'editor.file': 'Editor-Datei (CSV, UTF-16 oder UTF-8, mit Tabulatoren oder Kommas getrennt)',
  'editor.name': 'Name der neuen Kampagne (optional; sonst der Name aus der Datei)',
  'editor.submit': 'Importieren',
  'editor.cancel': 'Schließen',
  'editor.importing': 'Wird importiert …',
  'editor.noFile': 'Bitte zuerst eine Datei wählen.',
  'editor.imported': 'Als neue Kampagne im Entwurf importiert.',
  'editor.openCampaign': 'Neue Kampagne öffnen',
  'editor.refused': 'Nicht importiert: {errors} Fehler. Es wurde nichts gespeichert.',
  'editor.summary': '{rows} Zeilen · {errors} Fehler · {warnings} Hinweise',
  'editor.report': 'Importbericht',
  'editor.row': 'Zeile',
  'editor.entity': 'Art',
  'editor.what': 'Name',
  'editor.result': 'Ergebnis',
  'editor.column': 'Spalte',
  'editor.status.ok': 'OK',
  'editor.status.warning': 'Hinweis',
  'editor.status.error': 'Fehler',
  'editor.entity.header': 'Kopfzeile',
  'editor.entity.campaign': 'Kampagne',
  'editor.entity.location': 'Standort',
  'editor.entity.ad_group': 'Anzeigengruppe',
  'editor.entity.keyword': 'Keyword',
  'editor.entity.ad': 'Responsive Suchanzeige',
  'editor.entity.asset_group': 'Asset-Gruppe',
  'editor.onlyProblems': 'Nur Zeilen mit Befunden zeigen',
};

export const editorCatalogs: Record<Locale, Record<EditorKey, string>> = { en, de };

/** An Editor file screen's text in the interface language. */
export function et(key: EditorKey, params?: Record<string, string | number>): string {
  return format(editorCatalogs[i18n.locale][key], params);
}
