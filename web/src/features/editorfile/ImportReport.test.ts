// The Editor import report: every finding at its row and column, refused
// and imported files worded for the marketer, in English and German; the
// import form shows the server's report of a refused file.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '../../lib/api/client';
import { i18n } from '../../lib/i18n.svelte';
import ImportEditorFile from './ImportEditorFile.svelte';
import ImportReport from './ImportReport.svelte';
import { editorCatalogs, et } from './messages';

const refused: Schemas['ImportReport'] = {
  imported: false,
  encoding: 'UTF-16LE',
  separator: 'tab',
  errors: 2,
  warnings: 1,
  rows: [
    { row: 1, entity: 'header', status: 'warning', problems: [{ severity: 'warning', column: 'Labels', message: 'not a Google Ads Editor column IMAP Hub reads; its cells are ignored' }] },
    { row: 2, entity: 'campaign', name: 'Winter', status: 'ok' },
    { row: 3, entity: 'ad_group', name: 'Winterreifen', status: 'ok' },
    {
      row: 7,
      entity: 'ad',
      name: 'Winterreifen',
      status: 'error',
      problems: [
        { severity: 'error', column: 'Headline 3', message: 'Headline is 34 characters wide; the limit is 30.', code: 'TOO_LONG', value: 'Winterreifen günstig online kaufen' },
        { severity: 'error', column: 'Headline 3 position', message: 'must be empty (not pinned) or a position from 1 to 3', value: '4' },
      ],
    },
  ],
};

afterEach(() => {
  i18n.set('en');
  vi.unstubAllGlobals();
});

describe('ImportReport', () => {
  it('says nothing was imported and lists each finding at its row and column; all rows on request', async () => {
    i18n.set('en');
    render(ImportReport, { report: refused });
    expect(screen.getByRole('status').textContent).toContain(et('editor.refused', { errors: 2 }));
    expect(screen.getByRole('status').textContent).toContain('3 rows · 2 errors · 1 warnings');
    const row7 = screen.getByRole('row', { name: /^7 / });
    expect(within(row7).getByText(/Headline 3: Headline is 34 characters wide; the limit is 30\./)).toBeTruthy();
    expect(within(row7).getByText(/Headline 3 position: must be empty/)).toBeTruthy();
    expect(within(row7).getByText('Responsive search ad')).toBeTruthy();
    expect(screen.getByRole('row', { name: /^1 Header/ })).toBeTruthy();
    // Rows without findings are hidden until asked for.
    expect(screen.queryByRole('row', { name: /^2 / })).toBeNull();
    await fireEvent.click(screen.getByRole('checkbox', { name: et('editor.onlyProblems') }));
    expect(within(screen.getByRole('row', { name: /^2 / })).getByText('OK')).toBeTruthy();
  });

  it('speaks German, and an imported file says so', () => {
    i18n.set('de');
    render(ImportReport, { report: { ...refused, imported: true, campaign_id: 9, errors: 0, rows: refused.rows.slice(0, 3) } });
    expect(screen.getByRole('status').textContent).toContain('Als neue Kampagne im Entwurf importiert.');
    expect(screen.getByRole('heading', { name: 'Importbericht' })).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Zeile' })).toBeTruthy();
    expect(within(screen.getByRole('row', { name: /^1 Kopfzeile/ })).getByText(/Hinweis/)).toBeTruthy();
  });

  it('has every text in both languages', () => {
    expect(Object.keys(editorCatalogs.de).sort()).toEqual(Object.keys(editorCatalogs.en).sort());
    for (const [k, v] of Object.entries(editorCatalogs.de)) expect(v, k).not.toBe('');
  });
});

describe('ImportEditorFile', () => {
  it('uploads the file as a form and shows the report of a refused file', async () => {
    i18n.set('en');
    const seen: { url: string; body: unknown }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      seen.push({ url, body: init.body });
      return new Response(JSON.stringify({ status: 422, detail: 'the file has 2 errors; nothing was imported', report: refused }), {
        status: 422,
        headers: { 'Content-Type': 'application/problem+json' },
      });
    });
    render(ImportEditorFile, {});
    await fireEvent.click(screen.getByRole('button', { name: et('editor.submit') }));
    expect(screen.getByRole('alert').textContent).toBe(et('editor.noFile'));
    const input = screen.getByLabelText(et('editor.file')) as HTMLInputElement;
    const file = new File(['Campaign\tHeadline 1\r\n'], 'winter.csv', { type: 'text/csv' });
    await fireEvent.change(input, { target: { files: [file] } });
    await fireEvent.input(screen.getByLabelText(et('editor.name')), { target: { value: 'Kopie' } });
    await fireEvent.click(screen.getByRole('button', { name: et('editor.submit') }));
    await screen.findByTestId('import-report');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/api/campaigns/import?format=editor&name=Kopie');
    expect((seen[0]!.body as FormData).get('file')).toBeInstanceOf(File);
    expect(screen.getByText(/Headline 3: Headline is 34 characters wide/)).toBeTruthy();
    expect(screen.queryByRole('link', { name: et('editor.openCampaign') })).toBeNull();
  });
});
