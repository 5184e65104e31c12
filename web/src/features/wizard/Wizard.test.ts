// The wizard screen against a stand-in server (lib/testserver.ts, whose
// /api/validate has the width rule: over 30 characters is a violation): an
// edited text is checked inside the machine, which the review shows, and
// the approve button follows the machine.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../lib/api/client';
import { i18n, t } from '../../lib/i18n.svelte';
import { session } from '../../lib/session.svelte';
import { TestServer } from '../../lib/testserver';
import Wizard from './Wizard.svelte';

let server: TestServer;
const locale = i18n.locale;
beforeEach(() => {
  server = new TestServer();
  vi.stubGlobal('fetch', server.fetch);
  session.me = { role: 'publisher', via: 'session', user: { id: 1, email: 'p@example.com', name: 'P', role: 'publisher' } } as Me;
});
afterEach(() => {
  vi.unstubAllGlobals();
  session.me = null;
  i18n.locale = locale;
});

const summary = () => screen.getByTestId('review-summary').textContent?.trim();
const approveButton = () => screen.getByRole('button', { name: t('wizard.approve') }) as HTMLButtonElement;
const boxes = () => screen.getAllByRole('textbox') as HTMLTextAreaElement[];
const validations = () => server.seen.filter((s) => s.path === '/api/validate');

describe('Wizard review', () => {
  it('an edited text is being checked: the review says so and approval waits; an invalid answer keeps it off, a valid one turns it on', async () => {
    render(Wizard, { campaignId: 3 });
    await screen.findByText(t('wizard.allValid', { total: 5 }));
    expect(approveButton().disabled).toBe(false);
    const box = boxes()[0]!;

    await fireEvent.input(box, { target: { value: 'Reifen eins, jetzt viel zu lang für eine Anzeige' } });
    expect(summary()).toBe(t('wizard.checkingCount', { n: 1, total: 5 }));
    expect(approveButton().disabled).toBe(true);
    expect(boxes()[0]).toBe(box); // the board stays: no "checking every text" screen
    expect(screen.getByText(t('wizard.step.review'), { selector: 'li' }).getAttribute('aria-current')).toBe('step');
    await screen.findByText(t('wizard.invalidCount', { n: 1, total: 5 }));
    expect(approveButton().disabled).toBe(true);

    await fireEvent.input(box, { target: { value: 'Reifen eins neu' } });
    expect(approveButton().disabled).toBe(true);
    await screen.findByText(t('wizard.allValid', { total: 5 }));
    expect(approveButton().disabled).toBe(false);
    await fireEvent.click(approveButton());
    await screen.findByText(t('wizard.done'));
    expect(server.writes()).toEqual(['POST /api/campaigns/3/approve "5"']);
  });

  it('a language switch checks every text again, in the new language, before approval', async () => {
    const langs: (string | null)[] = [];
    vi.stubGlobal('fetch', async (req: Request) => {
      const url = new URL(req.url);
      if (url.pathname === '/api/validate') langs.push(url.searchParams.get('lang'));
      return server.fetch(req);
    });
    render(Wizard, { campaignId: 3 });
    await screen.findByText(t('wizard.allValid', { total: 5 }));
    const other = i18n.locale === 'de' ? 'en' : 'de';
    i18n.locale = other;
    await screen.findByText(t('wizard.checkingCount', { n: 5, total: 5 }));
    expect(approveButton().disabled).toBe(true);
    await screen.findByText(t('wizard.allValid', { total: 5 }));
    expect(approveButton().disabled).toBe(false);
    expect(langs).toEqual([locale, other]);
    expect(validations().map((v) => (v.body as { items: unknown[] }).items.length)).toEqual([5, 5]);
  });

  it('the texts are read-only while the approval is under way', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    vi.stubGlobal('fetch', async (req: Request) => {
      if (new URL(req.url).pathname.endsWith('/approve')) await held;
      return server.fetch(req);
    });
    render(Wizard, { campaignId: 3 });
    await screen.findByText(t('wizard.allValid', { total: 5 }));
    expect(boxes().every((b) => !b.readOnly)).toBe(true);
    await fireEvent.click(approveButton());
    await waitFor(() => expect(boxes().every((b) => b.readOnly)).toBe(true));
    release();
    await screen.findByText(t('wizard.done'));
  });

  it("the live check uses the campaign's banned terms: such a text is shown invalid before any save", async () => {
    server.campaign = { ...server.campaign, brief: { ...server.campaign.brief, banned_terms: ['gratis'] } };
    render(Wizard, { campaignId: 3 });
    await screen.findByText(t('wizard.allValid', { total: 5 }));
    await fireEvent.input(boxes()[0]!, { target: { value: 'Gratis Reifen' } });
    await screen.findByText(t('wizard.invalidCount', { n: 1, total: 5 }));
    expect(validations().at(-1)!.body).toMatchObject({ banned: ['gratis'] });
    const saves = screen.getAllByRole('button', { name: t('tile.save') }) as HTMLButtonElement[];
    expect(saves[0]!.disabled).toBe(true);
    expect(approveButton().disabled).toBe(true);
  });

  it("a save refused by a rule shows the rule's message at the text in the interface language, never the server's, and the summary counts it", async () => {
    render(Wizard, { campaignId: 3 });
    await screen.findByText(t('wizard.allValid', { total: 5 }));
    // Someone bans a term after the board was loaded: the board's check does not know it yet.
    server.changeElsewhere((s) => (s.campaign = { ...s.campaign, brief: { ...s.campaign.brief, banned_terms: ['gratis'] } }));
    const box = boxes()[0]!;
    await fireEvent.input(box, { target: { value: 'Gratis Reifen' } });
    await screen.findByText(t('wizard.allValid', { total: 5 }));
    const save = (screen.getAllByRole('button', { name: t('tile.save') }) as HTMLButtonElement[])[0]!;
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);
    await screen.findByText(t('tile.refused'));
    await screen.findByText(t('wizard.invalidCount', { n: 1, total: 5 }));
    const tile = box.closest('article')!;
    await waitFor(() => expect(tile.querySelector('.violations')?.textContent).toContain(i18n.locale === 'de' ? 'enthält einen verbotenen Begriff' : 'contains a banned term'));
    expect(document.body.textContent).not.toContain('body.headlines');
    expect(approveButton().disabled).toBe(true);
  });

  it('the live region says the step in words, never the machine state; focus moves to the new step\'s heading', async () => {
    render(Wizard, { campaignId: 3 });
    await screen.findByText(t('wizard.allValid', { total: 5 }));
    const live = screen.getByTestId('wizard-announce');
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent).toBe(t('wizard.announce.review'));
    expect(live.textContent).not.toMatch(/[{}"]/);
    await fireEvent.click(approveButton());
    await screen.findByText(t('wizard.done'));
    expect(screen.getByTestId('wizard-announce').textContent).toBe(t('wizard.announce.done'));
    await waitFor(() => expect(document.activeElement?.textContent).toBe(t('wizard.step.approve')));
    expect(document.activeElement?.tagName).toBe('H2');
  });
});
