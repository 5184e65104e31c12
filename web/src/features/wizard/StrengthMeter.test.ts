import { render, screen, waitFor } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../../lib/i18n.svelte';
import type { AdStrength } from '../../lib/strength';
import StrengthMeter from './StrengthMeter.svelte';
import { checkPause, Tile } from './tiles.svelte';

const headline = (text: string, linkId: number, pinned: string | null = null) =>
  new Tile({ owner: 'ad', ownerId: 4, adGroupId: 2, linkId, assetId: linkId, field: 'HEADLINE', index: linkId, language: 'de', text, pinned });
const description = (text: string, linkId: number) =>
  new Tile({ owner: 'ad', ownerId: 4, adGroupId: 2, linkId, assetId: linkId, field: 'DESCRIPTION', index: linkId, language: 'de', text });

const stored: AdStrength = {
  rating: 'POOR',
  score: 41,
  actions: [{ code: 'ADD_HEADLINES', count: 8, field: 'HEADLINE', message: { de: 'Fügen Sie 8 weitere Überschriften hinzu', en: 'Add 8 more headlines' } }],
};
const good: AdStrength = {
  rating: 'GOOD',
  score: 80,
  actions: [{ code: 'SIMILAR_TEXTS', items: ['headlines[0]', 'headlines[1]'], message: { de: 'Die Überschriften 1 und 2 sind sich zu ähnlich', en: 'Headlines 1 and 2 are too similar' } }],
};

/** Answers POST /api/ad-strength with the given estimate, recording each body. */
function strengthServer(answer: AdStrength) {
  const bodies: unknown[] = [];
  vi.stubGlobal('fetch', async (req: Request) => {
    expect(new URL(req.url).pathname).toBe('/api/ad-strength');
    bodies.push(await req.json());
    return new Response(JSON.stringify(answer), { headers: { 'Content-Type': 'application/json' } });
  });
  return bodies;
}

afterEach(() => {
  vi.unstubAllGlobals();
  i18n.set('de');
});

describe('StrengthMeter', () => {
  it('shows the stored estimate on a five-step meter with its actions in the interface language, without asking', () => {
    const bodies = strengthServer(good);
    i18n.set('de');
    const tiles = [headline('Winterreifen kaufen', 1), headline('Reifen Müller', 2), headline('Montage vor Ort', 3), description('Kostenlose Montage.', 4), description('Einlagerung inklusive.', 5)];
    render(StrengthMeter, { tiles, stored, strengthContext: { type: 'RESPONSIVE_SEARCH_AD', language: 'de' }, label: 'RSA #4' });
    const meter = screen.getByRole('meter', { name: 'Anzeigeneffektivität: RSA #4' });
    expect(meter.getAttribute('value')).toBe('1');
    expect(meter.getAttribute('max')).toBe('4');
    expect(screen.getByText('Schlecht')).toBeTruthy();
    expect(screen.getByText('Fügen Sie 8 weitere Überschriften hinzu')).toBeTruthy();
    i18n.set('en');
    flushSync();
    expect(screen.getByText('Poor')).toBeTruthy();
    expect(screen.getByText('Add 8 more headlines')).toBeTruthy();
    expect(bodies).toHaveLength(0);
  });

  it('rates the set as edited a pause after the last keystroke, with pins and keywords, and falls back to the stored estimate when the edit is undone', async () => {
    const bodies = strengthServer(good);
    i18n.set('en');
    const tiles = [headline('Winterreifen kaufen', 1, 'HEADLINE_1'), headline('Reifen Müller', 2), headline('Montage vor Ort', 3), description('Kostenlose Montage.', 4), description('Einlagerung inklusive.', 5)];
    const { container } = render(StrengthMeter, { tiles, stored, strengthContext: { type: 'RESPONSIVE_SEARCH_AD', language: 'de', keywords: ['winterreifen'] }, label: 'RSA #4' });
    tiles[1]!.text = 'Günstige';
    flushSync();
    tiles[1]!.text = 'Günstige Winterreifen kaufen';
    flushSync();
    await waitFor(() => expect(screen.getByText('Headlines 1 and 2 are too similar')).toBeTruthy(), { timeout: checkPause * 10 });
    expect(bodies).toEqual([
      {
        type: 'RESPONSIVE_SEARCH_AD', language: 'de', keywords: ['winterreifen'],
        headlines: [{ text: 'Winterreifen kaufen', pin: 'HEADLINE_1' }, { text: 'Günstige Winterreifen kaufen' }, { text: 'Montage vor Ort' }],
        descriptions: [{ text: 'Kostenlose Montage.' }, { text: 'Einlagerung inklusive.' }],
      },
    ]);
    expect(container.querySelector('[data-testid=ad-strength]')?.getAttribute('data-rating')).toBe('GOOD');
    expect(screen.getByText('(unsaved texts)')).toBeTruthy();
    tiles[1]!.text = 'Reifen Müller';
    flushSync();
    expect(container.querySelector('[data-testid=ad-strength]')?.getAttribute('data-rating')).toBe('POOR');
    expect(bodies).toHaveLength(1);
  });

  it('asks about an asset group with its long headlines, business name and images, and no pins', async () => {
    const bodies = strengthServer(good);
    const t = (field: string, text: string, linkId: number) =>
      new Tile({ owner: 'asset_group', ownerId: 9, linkId, assetId: linkId, field, index: 0, language: 'de', text });
    const tiles = [t('BUSINESS_NAME', 'Reifen Müller', 1), t('HEADLINE', 'Reifen eins', 2), t('LONG_HEADLINE', 'Reifen für den ganzen Winter', 3), t('DESCRIPTION', 'Montage vor Ort.', 4)];
    render(StrengthMeter, { tiles, stored: null, strengthContext: { type: 'ASSET_GROUP', language: 'de', images: ['MARKETING_IMAGE', 'LOGO'] }, label: 'Winter' });
    expect(screen.queryByRole('meter')).toBeNull();
    tiles[1]!.text = 'Reifen zwei';
    flushSync();
    await waitFor(() => expect(bodies).toHaveLength(1), { timeout: checkPause * 10 });
    expect(bodies[0]).toEqual({
      type: 'ASSET_GROUP', language: 'de', business_name: 'Reifen Müller', images: ['MARKETING_IMAGE', 'LOGO'],
      headlines: [{ text: 'Reifen zwei' }], long_headlines: ['Reifen für den ganzen Winter'], descriptions: [{ text: 'Montage vor Ort.' }],
    });
    await waitFor(() => expect(screen.getByRole('meter')).toBeTruthy());
  });
});
