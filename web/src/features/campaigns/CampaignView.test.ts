// The campaign screen against a stand-in server (lib/testserver.ts): every
// lifecycle event and edit names the version on screen, and a change made
// elsewhere meanwhile is reported, reloaded and can be acted on again.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../lib/api/client';
import { money } from '../../lib/format';
import { t } from '../../lib/i18n.svelte';
import { session } from '../../lib/session.svelte';
import { TestServer } from '../../lib/testserver';
import CampaignView from './CampaignView.svelte';

let server: TestServer;
beforeEach(() => {
  server = new TestServer();
  vi.stubGlobal('fetch', server.fetch);
  session.me = { role: 'publisher', via: 'session', user: { id: 1, email: 'p@example.com', name: 'P', role: 'publisher' } } as Me;
});
afterEach(() => {
  vi.unstubAllGlobals();
  session.me = null;
});

const treeLoads = () => server.seen.filter((s) => s.method === 'GET' && s.path === '/api/campaigns/3/tree').length;

describe('CampaignView', () => {
  it('approval names the version on screen; after a change elsewhere it is refused, reloaded, and can be sent again', async () => {
    render(CampaignView, { id: 3 });
    const approve = await screen.findByRole('button', { name: t('event.approve') });
    server.changeElsewhere((s) => (s.campaign = { ...s.campaign, budget_micros: 99_000_000 }));
    await fireEvent.click(approve);
    await screen.findByText(t('common.changedSince'));
    expect(server.campaign.state).toBe('review');
    // The reload shows the change.
    await screen.findByText(new RegExp(money(99_000_000, 'EUR').replace(/[.$]/g, '\\$&')));
    expect(treeLoads()).toBe(2);
    await fireEvent.click(screen.getByRole('button', { name: t('event.approve') }));
    await waitFor(() => expect(server.campaign.state).toBe('approved'));
    expect(server.writes()).toEqual(['POST /api/campaigns/3/approve "5"', 'POST /api/campaigns/3/approve "6"']);
  });

  it('an edit saved over a change from elsewhere is refused and reloaded; the form keeps what was typed and saves on the new version', async () => {
    render(CampaignView, { id: 3 });
    await fireEvent.click(await screen.findByRole('button', { name: t('common.edit') }));
    const budget = screen.getByLabelText(new RegExp(t('campaigns.budget')));
    await fireEvent.input(budget, { target: { value: '50' } });
    server.changeElsewhere((s) => (s.campaign = { ...s.campaign, name: 'Winterreifen Nord' }));
    await fireEvent.click(screen.getByRole('button', { name: t('common.save') }));
    await screen.findByText(t('common.changedSince'));
    await screen.findByRole('heading', { level: 1, name: 'Winterreifen Nord' });
    expect((screen.getByLabelText(new RegExp(t('campaigns.budget'))) as HTMLInputElement).value).toBe('50');
    await fireEvent.click(screen.getByRole('button', { name: t('common.save') }));
    await waitFor(() => expect(server.campaign.budget_micros).toBe(50_000_000));
    expect(server.writes()).toEqual(['PATCH /api/campaigns/3 "5"', 'PATCH /api/campaigns/3 "6"']);
  });

  it('a draft with nothing in it cannot be submitted, and the screen says what to do', async () => {
    server.campaign = { ...server.campaign, state: 'draft', allowed_events: ['archive', 'generate', 'submit'] };
    server.noAds = true;
    const { unmount } = render(CampaignView, { id: 3 });
    const submit = await screen.findByRole('button', { name: t('event.submit') });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('submit-why').textContent).toBe(t('campaigns.nothingToReview'));
    expect(submit.getAttribute('aria-describedby')).toBe('submit-why');
    unmount();
    server.noAds = false;
    render(CampaignView, { id: 3 });
    const ready = await screen.findByRole('button', { name: t('event.submit') });
    expect((ready as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId('submit-why')).toBeNull();
  });
});
