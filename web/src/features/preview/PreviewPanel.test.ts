// The preview as the review shows it: opened per ad or asset group, from the
// texts on the board (edits and pins included) and the tree's URL, paths and
// images; it cycles on a timer unless motion is reduced, steps on request,
// and says only those steps to screen readers.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CampaignTree } from '../../lib/api/client';
import { i18n } from '../../lib/i18n.svelte';
import { Tile } from '../wizard/tiles.svelte';
import { cycleEvery } from './cycle.svelte';
import { lineLimits } from './combos';
import PreviewPanel from './PreviewPanel.svelte';

const tree = {
  campaign: { id: 3, name: 'Winter', type: 'SEARCH', final_url: 'https://www.reifen-mueller.example/', brief: { business_name: 'Reifen Müller' } },
  ad_groups: [{ id: 2, name: 'Winterreifen', ads: [{ id: 4, ad_group_id: 2, final_urls: ['https://www.reifen-mueller.example/winter'], path1: 'Winterreifen', path2: 'Montage', headlines: [], descriptions: [] }] }],
  asset_groups: [
    {
      id: 9,
      name: 'Alle Reifen',
      final_urls: ['https://shop.reifen-mueller.example/'],
      path1: '',
      path2: '',
      assets: [
        { link_id: 1, asset_id: 51, type: 'IMAGE', field_type: 'MARKETING_IMAGE', width: 1200, height: 628 },
        { link_id: 2, asset_id: 52, type: 'IMAGE', field_type: 'LOGO', width: 128, height: 128 },
      ],
    },
    { id: 10, name: 'Ohne Bilder', final_urls: [], path1: '', path2: '', assets: [] },
  ],
  counts: {},
} as unknown as CampaignTree;

let link = 0;
const tile = (field: string, text: string, pinned: string | null = null, owner: 'ad' | 'asset_group' = 'ad', ownerId = 4) =>
  new Tile({ owner, ownerId, adGroupId: 2, linkId: ++link, assetId: link, field, index: 0, language: 'de', text, pinned });

const adTexts = () => [
  tile('HEADLINE', 'Winterreifen kaufen'),
  tile('HEADLINE', 'Reifen Müller', 'HEADLINE_1'),
  tile('HEADLINE', 'Montage vor Ort'),
  tile('HEADLINE', 'Kostenlose Lieferung'),
  tile('DESCRIPTION', 'Alle Marken zu fairen Preisen.'),
  tile('DESCRIPTION', 'Termin online buchen.'),
];

/** Stands in for the browser's reduced-motion setting. */
function reducedMotion(reduce: boolean) {
  vi.stubGlobal('matchMedia', (q: string) => ({ matches: reduce && q.includes('reduce'), media: q }));
}

beforeEach(() => {
  i18n.set('de');
  reducedMotion(false);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  i18n.set('de');
});

const open = async (name = 'Vorschau: Winterreifen · RSA 1') => fireEvent.click(screen.getByRole('button', { name }));
const headline = () => screen.getByTestId('preview-headline').textContent ?? '';

describe('PreviewPanel for a responsive search ad', () => {
  it('opens from its toggle as a labelled region with the sponsored label, the display URL and the pinned headline first', async () => {
    render(PreviewPanel, { tree, texts: adTexts(), adId: 4, label: 'Winterreifen · RSA 1' });
    const toggle = screen.getByRole('button', { name: 'Vorschau: Winterreifen · RSA 1' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('region')).toBeNull();
    await open();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const region = screen.getByRole('region', { name: 'Anzeigenvorschau: Winterreifen · RSA 1' });
    expect(toggle.getAttribute('aria-controls')).toBe(region.id);
    expect(within(region).getByText('Gesponsert')).toBeTruthy();
    expect(within(region).getByText('Reifen Müller', { selector: '.name' })).toBeTruthy();
    expect(screen.getByTestId('preview-url').textContent).toBe('www.reifen-mueller.example/Winterreifen/Montage');
    expect(headline().startsWith('Reifen Müller | ')).toBe(true);
    expect(headline().split(' | ')).toHaveLength(3);
    // 3 × 2 orders of the unpinned headlines, 2 of the descriptions.
    expect(screen.getByTestId('preview-counter').textContent).toBe('Kombination 1 von 12');
    await fireEvent.click(screen.getByRole('button', { name: 'Vorschau schließen: Winterreifen · RSA 1' }));
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('steps to the next combination on request, keeps the pinned headline first, stops cycling and announces the step', async () => {
    vi.useFakeTimers();
    render(PreviewPanel, { tree, texts: adTexts(), adId: 4, label: 'Winterreifen · RSA 1' });
    await open();
    expect(screen.getByRole('button', { name: 'Wechsel anhalten' })).toBeTruthy();
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      seen.add(headline() + screen.getByTestId('preview-description').textContent);
      expect(headline().startsWith('Reifen Müller | ')).toBe(true);
      await fireEvent.click(screen.getByRole('button', { name: 'Nächste Kombination' }));
    }
    expect(seen.size).toBe(12);
    expect(screen.getByTestId('preview-counter').textContent).toBe('Kombination 1 von 12');
    expect(screen.getByTestId('preview-announce').textContent).toBe('Kombination 1 von 12');
    expect(screen.getByTestId('preview-announce').getAttribute('aria-live')).toBe('polite');
    // A step stops the cycling: what was stepped to stays.
    const shown = headline();
    vi.advanceTimersByTime(cycleEvery * 3);
    flushSync();
    expect(headline()).toBe(shown);
    expect(screen.getByRole('button', { name: 'Automatisch wechseln' })).toBeTruthy();
  });

  it('cycles by itself without announcing each change, and pauses on request', async () => {
    vi.useFakeTimers();
    render(PreviewPanel, { tree, texts: adTexts(), adId: 4, label: 'Winterreifen · RSA 1' });
    await open();
    const first = headline();
    vi.advanceTimersByTime(cycleEvery);
    flushSync();
    expect(screen.getByTestId('preview-counter').textContent).toBe('Kombination 2 von 12');
    expect(headline()).not.toBe(first);
    expect(screen.getByTestId('preview-announce').textContent).toBe('');
    await fireEvent.click(screen.getByRole('button', { name: 'Wechsel anhalten' }));
    vi.advanceTimersByTime(cycleEvery * 5);
    flushSync();
    expect(screen.getByTestId('preview-counter').textContent).toBe('Kombination 2 von 12');
    await fireEvent.click(screen.getByRole('button', { name: 'Automatisch wechseln' }));
    vi.advanceTimersByTime(cycleEvery);
    flushSync();
    expect(screen.getByTestId('preview-counter').textContent).toBe('Kombination 3 von 12');
    // Closed, it leaves no timer behind.
    await fireEvent.click(screen.getByRole('button', { name: /^Vorschau schließen/ }));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not cycle by itself when the person asked for reduced motion', async () => {
    vi.useFakeTimers();
    reducedMotion(true);
    render(PreviewPanel, { tree, texts: adTexts(), adId: 4, label: 'Winterreifen · RSA 1' });
    await open();
    expect(screen.getByRole('button', { name: 'Automatisch wechseln' })).toBeTruthy();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(cycleEvery * 3);
    flushSync();
    expect(screen.getByTestId('preview-counter').textContent).toBe('Kombination 1 von 12');
  });

  it('shows the mobile width with the headline line shortened as on a phone', async () => {
    reducedMotion(true);
    const long = [
      tile('HEADLINE', 'Winterreifen zum besten Preis', 'HEADLINE_1'),
      tile('HEADLINE', 'Kostenlose Montage vor Ort', 'HEADLINE_2'),
      tile('HEADLINE', 'Über 300 Partnerwerkstätten', 'HEADLINE_3'),
      tile('DESCRIPTION', 'Winterreifen aller Marken zu fairen Preisen. Jetzt online bestellen und Termin sichern.'),
    ];
    render(PreviewPanel, { tree, texts: long, adId: 4, label: 'Winterreifen · RSA 1' });
    await open();
    const desktop = screen.getByRole('button', { name: 'Desktop' });
    const mobile = screen.getByRole('button', { name: 'Mobil' });
    expect(desktop.getAttribute('aria-pressed')).toBe('true');
    const wide = headline();
    await fireEvent.click(mobile);
    expect(mobile.getAttribute('aria-pressed')).toBe('true');
    expect(desktop.getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByTestId('ad-preview').querySelector('[data-device=mobile]')).not.toBeNull();
    const narrow = headline();
    expect(narrow.startsWith('Winterreifen zum besten Preis | Kostenlose Montage vor Ort')).toBe(true);
    expect(narrow.endsWith('…')).toBe(true);
    expect([...narrow].length).toBeLessThanOrEqual(lineLimits.mobile.headline);
    expect(narrow.length).toBeLessThan(wide.length);
    // One combination only: nothing to step through.
    expect(screen.queryByRole('button', { name: 'Nächste Kombination' })).toBeNull();
  });

  it('follows an edit and a new pin on the board while open', async () => {
    reducedMotion(true);
    const texts = adTexts();
    render(PreviewPanel, { tree, texts, adId: 4, label: 'Winterreifen · RSA 1' });
    await open();
    texts[1]!.text = 'Reifen Müller GmbH';
    flushSync();
    expect(headline().startsWith('Reifen Müller GmbH | ')).toBe(true);
    texts[1]!.pinned = null;
    texts[3]!.pinned = 'HEADLINE_1';
    flushSync();
    expect(headline().startsWith('Kostenlose Lieferung | ')).toBe(true);
  });

  it('renders HTML in a text as text', async () => {
    reducedMotion(true);
    const xss = `<img src=x onerror="window.__pwned=1">`;
    render(PreviewPanel, { tree, texts: [tile('HEADLINE', xss, 'HEADLINE_1'), tile('DESCRIPTION', '<b>fett</b>')], adId: 4, label: 'RSA' });
    await open('Vorschau: RSA');
    expect(headline()).toBe(xss);
    expect(screen.getByTestId('preview-description').textContent).toBe('<b>fett</b>');
    expect(screen.getByTestId('ad-preview').querySelector('img, b')).toBeNull();
  });

  it('says so when there is no text yet', async () => {
    render(PreviewPanel, { tree, texts: [tile('HEADLINE', '  ')], adId: 4, label: 'RSA' });
    await open('Vorschau: RSA');
    expect(screen.getByText('Noch keine Texte für eine Vorschau.')).toBeTruthy();
    expect(screen.queryByTestId('search-result')).toBeNull();
  });

  it('speaks English in an English interface', async () => {
    reducedMotion(true);
    i18n.set('en');
    render(PreviewPanel, { tree, texts: adTexts(), adId: 4, label: 'Winter tyres · RSA 1' });
    await open('Preview: Winter tyres · RSA 1');
    const region = screen.getByRole('region', { name: 'Ad preview: Winter tyres · RSA 1' });
    expect(within(region).getByText('Sponsored')).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Device' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Next combination' }));
    expect(screen.getByTestId('preview-announce').textContent).toBe('Combination 2 of 12');
  });
});

describe('PreviewPanel for a Performance Max asset group', () => {
  const groupTexts = (id: number) => [
    tile('HEADLINE', 'Winterreifen kaufen', null, 'asset_group', id),
    tile('HEADLINE', 'Montage vor Ort', null, 'asset_group', id),
    tile('LONG_HEADLINE', 'Winterreifen aller Marken mit Montage in Ihrer Nähe', null, 'asset_group', id),
    tile('DESCRIPTION', 'Über 300 Werkstätten deutschlandweit.', null, 'asset_group', id),
    tile('BUSINESS_NAME', 'Reifen Müller', null, 'asset_group', id),
  ];

  it('shows search, Discover, Gmail and YouTube cards from the group\'s texts and images', async () => {
    reducedMotion(true);
    render(PreviewPanel, { tree, texts: groupTexts(9), assetGroupId: 9, label: 'Alle Reifen' });
    await open('Vorschau: Alle Reifen');
    const region = screen.getByRole('region', { name: 'Anzeigenvorschau: Alle Reifen' });
    for (const name of ['Google Suche', 'Discover', 'Gmail', 'YouTube']) expect(within(region).getByRole('heading', { name })).toBeTruthy();
    expect(screen.getByTestId('preview-url').textContent).toBe('shop.reifen-mueller.example');
    expect(screen.getByTestId('pmax-long-headline').textContent).toBe('Winterreifen aller Marken mit Montage in Ihrer Nähe');
    const images = [...region.querySelectorAll('img')].map((i) => i.getAttribute('src'));
    expect(images).toContain('/api/assets/51/content');
    expect(images).toContain('/api/assets/52/content');
    expect(within(region).getAllByRole('img', { name: 'Logo von Reifen Müller' }).length).toBeGreaterThan(0);
    // Two short headlines: the next combination leads with the other one.
    const searchHeadline = headline();
    await fireEvent.click(screen.getByRole('button', { name: 'Nächste Kombination' }));
    expect(headline()).not.toBe(searchHeadline);
  });

  it('without images says the landscape image is missing', async () => {
    reducedMotion(true);
    render(PreviewPanel, { tree, texts: groupTexts(10), assetGroupId: 10, label: 'Ohne Bilder' });
    await open('Vorschau: Ohne Bilder');
    expect(screen.getAllByText('Kein Bild im Querformat in dieser Asset-Gruppe').length).toBe(2);
    expect(screen.getByTestId('ad-preview').querySelector('img')).toBeNull();
    // The campaign's URL stands in for the group's missing one.
    expect(screen.getByTestId('preview-url').textContent).toBe('www.reifen-mueller.example');
  });
});
