// The campaign form's language and country pickers against a stand-in
// server that names what Google Ads can target.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../../lib/i18n.svelte';
import CampaignForm from './CampaignForm.svelte';

afterEach(() => vi.unstubAllGlobals());

function server() {
  const posted: unknown[] = [];
  const fetch = async (input: Request | string | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(req.url);
    const json = (status: number, b: unknown) => new Response(JSON.stringify(b), { status, headers: { 'Content-Type': 'application/json' } });
    if (url.pathname === '/api/google-ads/targeting') {
      const opt = (code: string) => ({ code, resource: `x/${code}` });
      return json(200, { languages: ['de', 'en', 'fr', 'it', 'ja'].map(opt), countries: ['AT', 'CH', 'DE', 'FR', 'JP'].map(opt) });
    }
    if (url.pathname === '/api/campaigns' && req.method === 'POST') {
      const b = await req.json();
      posted.push(b);
      return json(201, { id: 5, ...b, state: 'draft', version: 1, allowed_events: [], created_at: '', updated_at: '' });
    }
    return json(404, { status: 404 });
  };
  return { fetch, posted };
}

describe('CampaignForm pickers', () => {
  it('offers countries by their German names, filters them, and sends the codes', async () => {
    i18n.set('de');
    const s = server();
    vi.stubGlobal('fetch', s.fetch);
    const saved: unknown[] = [];
    render(CampaignForm, { oncancel: () => {}, onsaved: (c: unknown) => saved.push(c) });
    const filter = await screen.findByLabelText('Länder: Nach Namen suchen …');
    // Popular ones first, German names.
    expect(screen.getByLabelText(/Österreich/)).toBeTruthy();
    await fireEvent.input(filter, { target: { value: 'schwei' } });
    const ch = screen.getByLabelText(/Schweiz/) as HTMLInputElement;
    expect(screen.queryByLabelText(/Frankreich/)).toBeNull();
    await fireEvent.click(ch);
    // The chosen ones as chips that can be removed.
    expect(screen.getByRole('button', { name: 'Schweiz entfernen' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Deutsch entfernen' }));
    expect(screen.getByText('Bitte mindestens einen Eintrag wählen.')).toBeTruthy();
    const langFilter = screen.getByLabelText('Sprachen: Nach Namen suchen …');
    await fireEvent.input(langFilter, { target: { value: 'japan' } });
    await fireEvent.click(screen.getByLabelText(/Japanisch/));
    await fireEvent.input(screen.getByLabelText(/^Name/), { target: { value: 'Sommer' } });
    await fireEvent.input(screen.getByLabelText(/Tagesbudget/), { target: { value: '20' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Anlegen' }));
    await waitFor(() => expect(s.posted).toHaveLength(1));
    expect(s.posted[0]).toMatchObject({ languages: ['ja'], locations: ['DE', 'CH'] });
  });
});
