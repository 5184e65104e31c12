import { describe, expect, it } from 'vitest';
import type { PreviewText } from './combos';
import { GroupCombinations, type PreviewImage } from './pmax';

const txt = (field: string, text: string): PreviewText => ({ field, text });
const img = (assetId: number, fieldType: string): PreviewImage => ({ assetId, fieldType, width: 1200, height: 628 });

const texts = [
  txt('HEADLINE', 'Winterreifen kaufen'),
  txt('HEADLINE', 'Montage vor Ort'),
  txt('HEADLINE', 'Reifen Müller'),
  txt('HEADLINE', 'Kostenlose Lieferung'),
  txt('LONG_HEADLINE', 'Winterreifen aller Marken mit Montage in Ihrer Nähe'),
  txt('LONG_HEADLINE', 'Sicher durch den Winter mit Reifen vom Profi'),
  txt('DESCRIPTION', 'Jetzt bestellen.'),
  txt('DESCRIPTION', 'Über 300 Werkstätten deutschlandweit.'),
  txt('BUSINESS_NAME', 'Reifen Müller'),
];

describe('GroupCombinations', () => {
  it('numbers every pick of headline, long headline, description and images once', () => {
    const images = [img(1, 'MARKETING_IMAGE'), img(2, 'MARKETING_IMAGE'), img(3, 'SQUARE_MARKETING_IMAGE'), img(4, 'LOGO')];
    const g = new GroupCombinations(texts, images);
    expect(g.count).toBe(4 * 2 * 2 * 2 * 1 * 1);
    const seen = new Set<string>();
    for (let n = 0; n < g.count; n++) {
      const c = g.at(n);
      expect(c.businessName).toBe('Reifen Müller');
      expect(c.headlines).toHaveLength(3);
      expect(new Set(c.headlines).size).toBe(3);
      expect(c.square?.assetId).toBe(3);
      expect(c.logo?.assetId).toBe(4);
      seen.add(JSON.stringify([c.headlines[0], c.longHeadline, c.description, c.landscape?.assetId]));
    }
    expect(seen.size).toBe(g.count);
    expect(g.at(g.count)).toEqual(g.at(0));
  });

  it('changes the card headline, description and image from one combination to the next', () => {
    const g = new GroupCombinations(texts, [img(1, 'MARKETING_IMAGE'), img(2, 'MARKETING_IMAGE'), img(3, 'MARKETING_IMAGE')]);
    const a = g.at(0);
    const b = g.at(1);
    expect(b.headlines[0]).not.toBe(a.headlines[0]);
    expect(b.longHeadline).not.toBe(a.longHeadline);
    expect(b.description).not.toBe(a.description);
    expect(b.landscape?.assetId).not.toBe(a.landscape?.assetId);
  });

  it('takes a square image from a portrait one and a logo from a landscape logo when there is no better kind', () => {
    const c = new GroupCombinations(texts, [img(7, 'PORTRAIT_MARKETING_IMAGE'), img(8, 'LANDSCAPE_LOGO')]).at(0);
    expect(c.landscape).toBeNull();
    expect(c.square?.assetId).toBe(7);
    expect(c.logo?.assetId).toBe(8);
  });

  it('without images or long headlines still has cards: a short headline stands in, images are absent', () => {
    const g = new GroupCombinations([txt('HEADLINE', 'Reifen'), txt('DESCRIPTION', 'Günstig.')], [], 'reifen.example');
    expect(g.count).toBe(1);
    expect(g.empty).toBe(false);
    expect(g.at(0)).toEqual({ headlines: ['Reifen'], longHeadline: 'Reifen', description: 'Günstig.', businessName: 'reifen.example', landscape: null, square: null, logo: null });
  });

  it('is empty without texts, and leaves out blank ones', () => {
    const g = new GroupCombinations([txt('HEADLINE', ' '), txt('BUSINESS_NAME', '')], [img(1, 'MARKETING_IMAGE')], 'Fallback');
    expect(g.empty).toBe(true);
    expect(g.at(0).businessName).toBe('Fallback');
    expect(g.at(0).headlines).toEqual([]);
  });
});
