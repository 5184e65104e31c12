import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import BriefForm from './BriefForm.svelte';
import type { Brief, Campaign } from '../../lib/api/client';
import { t } from '../../lib/i18n.svelte';
import { briefDraftPause } from './briefDraft';

const campaign = (brief: Partial<Brief>, version = 5, final_url = 'https://www.reifen-mueller.example/', more: Partial<Campaign> = {}) => ({
  brief: brief as Brief, final_url, version, type: 'SEARCH' as const, budget_micros: 45_000_000, currency: 'EUR', bidding_strategy: 'MAXIMIZE_CLICKS' as const, ...more,
});

beforeEach(() => localStorage.clear());
afterEach(() => vi.useRealTimers());

describe('BriefForm', () => {
  it('sends one selling point per line, commas and all', async () => {
    const sent: Brief[] = [];
    const brief = { product: 'Winterreifen', landing_page: 'https://www.reifen-mueller.example/', language: 'de', selling_points: [] };
    const { container } = render(BriefForm, { campaignId: 3, campaign: campaign(brief), busy: false, error: null, onnext: (b: Brief) => sent.push(b) });
    const selling = container.querySelector<HTMLTextAreaElement>('#brief-selling')!;
    await fireEvent.input(selling, { target: { value: 'Reifen von Pirelli, Continental und Michelin\nMontage in 30 Minuten, ohne Termin' } });
    const keywords = container.querySelector<HTMLTextAreaElement>('#brief-keywords')!;
    await fireEvent.input(keywords, { target: { value: 'winterreifen 205/55 r16\nreifen, günstig' } });
    await fireEvent.submit(container.querySelector('form')!);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.selling_points).toEqual(['Reifen von Pirelli, Continental und Michelin', 'Montage in 30 Minuten, ohne Termin']);
    expect(sent[0]!.keywords).toEqual(['winterreifen 205/55 r16', 'reifen, günstig']);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("carries the campaign's landing page into an empty brief and shows an example in each empty field", () => {
    const { container } = render(BriefForm, { campaignId: 3, campaign: campaign({}), busy: false, error: null, onnext: () => {} });
    expect(container.querySelector<HTMLInputElement>('#brief-landing')!.value).toBe('https://www.reifen-mueller.example/');
    for (const id of ['product', 'audience', 'selling', 'keywords', 'tone', 'business', 'brand', 'banned', 'notes']) {
      expect(container.querySelector<HTMLInputElement>(`#brief-${id}`)!.placeholder, id).not.toBe('');
    }
  });

  it('a disabled Next says why, next to it and tied to it', async () => {
    const { container } = render(BriefForm, { campaignId: 3, campaign: campaign({}), busy: false, error: null, onnext: () => {} });
    const next = screen.getByRole('button', { name: t('wizard.next') }) as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    const why = () => document.getElementById(next.getAttribute('aria-describedby') ?? '')?.textContent;
    expect(why()).toBe(t('wizard.why.product'));
    await fireEvent.input(container.querySelector('#brief-product')!, { target: { value: 'Winterreifen' } });
    expect(why()).toBe(t('wizard.why.selling'));
    await fireEvent.input(container.querySelector('#brief-selling')!, { target: { value: 'Montage in 2 Tagen' } });
    expect(next.disabled).toBe(false);
    expect(next.getAttribute('aria-describedby')).toBeNull();
  });

  it('is saved as a draft while typed and restored on the same version of the campaign, not on a newer one', async () => {
    vi.useFakeTimers();
    const first = render(BriefForm, { campaignId: 3, campaign: campaign({ product: 'Reifen' }), busy: false, error: null, onnext: () => {} });
    await fireEvent.input(first.container.querySelector('#brief-audience')!, { target: { value: 'Autofahrer in München' } });
    expect(screen.getByTestId('brief-draft').textContent).toBe('');
    await vi.advanceTimersByTimeAsync(briefDraftPause);
    expect(screen.getByTestId('brief-draft').textContent).toBe(t('wizard.draftSaved'));
    first.unmount();

    const again = render(BriefForm, { campaignId: 3, campaign: campaign({ product: 'Reifen' }), busy: false, error: null, onnext: () => {} });
    expect(again.container.querySelector<HTMLInputElement>('#brief-audience')!.value).toBe('Autofahrer in München');
    expect(screen.getByTestId('brief-draft').textContent).toBe(t('wizard.draftRestored'));
    again.unmount();

    // Someone changed the campaign meanwhile: the draft is not laid over it.
    const newer = render(BriefForm, { campaignId: 3, campaign: campaign({ product: 'Reifen', audience: 'Flotten' }, 6), busy: false, error: null, onnext: () => {} });
    expect(newer.container.querySelector<HTMLInputElement>('#brief-audience')!.value).toBe('Flotten');
    expect(localStorage.getItem('imaphub.brief.3')).toBeNull();
  });

  it('sets the daily budget, a bidding strategy of Google with its target, and the run; each is checked before Next', async () => {
    const sent: [Brief, Record<string, unknown>][] = [];
    const brief = { product: 'Winterreifen', landing_page: 'https://www.reifen-mueller.example/', language: 'de', selling_points: ['Montage in 2 Tagen'] };
    const { container } = render(BriefForm, { campaignId: 3, campaign: campaign(brief), busy: false, error: null, onnext: (b: Brief, s: Record<string, unknown>) => sent.push([b, s]) });
    const next = screen.getByRole('button', { name: t('wizard.next') }) as HTMLButtonElement;
    const why = () => document.getElementById(next.getAttribute('aria-describedby') ?? '')?.textContent;
    const strategy = container.querySelector<HTMLSelectElement>('#brief-strategy')!;
    expect([...strategy.options].map((o) => o.value)).toEqual(['MAXIMIZE_CLICKS', 'MAXIMIZE_CONVERSIONS', 'MAXIMIZE_CONVERSION_VALUE', 'TARGET_CPA', 'TARGET_ROAS', 'MANUAL_CPC']);
    expect(container.querySelector<HTMLInputElement>('#brief-budget')!.value).toBe('45');

    await fireEvent.input(container.querySelector('#brief-budget')!, { target: { value: '0' } });
    expect(why()).toBe(t('wizard.why.budget'));
    await fireEvent.input(container.querySelector('#brief-budget')!, { target: { value: '60,50' } });
    [...strategy.options].find((o) => o.value === 'TARGET_CPA')!.selected = true;
    await fireEvent.change(strategy);
    expect(why()).toBe(t('wizard.why.target'));
    await fireEvent.input(container.querySelector('#brief-target')!, { target: { value: '12,5' } });
    await fireEvent.input(container.querySelector('#brief-start')!, { target: { value: '2026-03-01' } });
    await fireEvent.input(container.querySelector('#brief-end')!, { target: { value: '2026-02-01' } });
    expect(why()).toBe(t('valid.endBeforeStart'));
    expect(next.disabled).toBe(true);
    await fireEvent.input(container.querySelector('#brief-end')!, { target: { value: '2026-03-31' } });
    expect(next.disabled).toBe(false);
    await fireEvent.submit(container.querySelector('form')!);
    expect(sent[0]![1]).toEqual({ budget_micros: 60_500_000, bidding_strategy: 'TARGET_CPA', target_cpa_micros: 12_500_000, start_date: '2026-03-01', end_date: '2026-03-31' });
  });

  it('Performance Max offers the conversion strategies only; a target ROAS is given in percent', async () => {
    const sent: Record<string, unknown>[] = [];
    const brief = { product: 'Winterreifen', landing_page: 'https://www.reifen-mueller.example/', language: 'de', selling_points: ['Montage in 2 Tagen'] };
    const c = campaign(brief, 5, 'https://www.reifen-mueller.example/', { type: 'PERFORMANCE_MAX', bidding_strategy: 'TARGET_ROAS', target_roas: 3.5 });
    const { container } = render(BriefForm, { campaignId: 4, campaign: c, busy: false, error: null, onnext: (_b: Brief, s: Record<string, unknown>) => sent.push(s) });
    expect([...container.querySelector<HTMLSelectElement>('#brief-strategy')!.options].map((o) => o.value)).toEqual(['MAXIMIZE_CONVERSIONS', 'MAXIMIZE_CONVERSION_VALUE', 'TARGET_CPA', 'TARGET_ROAS']);
    expect(container.querySelector<HTMLInputElement>('#brief-target')!.value).toBe('350');
    await fireEvent.input(container.querySelector('#brief-target')!, { target: { value: '400' } });
    await fireEvent.submit(container.querySelector('form')!);
    expect(sent[0]).toEqual({ budget_micros: 45_000_000, bidding_strategy: 'TARGET_ROAS', target_roas: 4, start_date: '', end_date: '' });
  });
});
