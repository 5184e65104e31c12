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
});
