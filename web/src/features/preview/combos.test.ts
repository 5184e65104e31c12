import { describe, expect, it } from 'vitest';
import { AdCombinations, displayUrl, lineLimits, resultLines, shiftedDigits, shorten, type Combination, type PreviewText } from './combos';

const h = (text: string, pinned: string | null = null): PreviewText => ({ field: 'HEADLINE', text, pinned });
const d = (text: string, pinned: string | null = null): PreviewText => ({ field: 'DESCRIPTION', text, pinned });

/** Every combination of an ad, from 0 to count - 1. */
function all(c: AdCombinations): Combination[] {
  return Array.from({ length: c.count }, (_, n) => c.at(n));
}
const key = (c: Combination) => JSON.stringify(c);

describe('shiftedDigits', () => {
  it('gives each number below the product its own digits, each below its radix', () => {
    const radix = [3, 1, 4, 2];
    const seen = new Set<string>();
    for (let k = 0; k < 24; k++) {
      const ds = shiftedDigits(k, radix);
      ds.forEach((x, i) => expect(x).toBeLessThan(radix[i]!));
      seen.add(ds.join(','));
    }
    expect(seen.size).toBe(24);
  });

  it('changes the higher digits on a step, not only the lowest', () => {
    expect(shiftedDigits(0, [4, 4])).toEqual([0, 0]);
    expect(shiftedDigits(1, [4, 4])).toEqual([1, 1]);
    expect(shiftedDigits(2, [4, 4])).toEqual([2, 2]);
  });
});

describe('AdCombinations', () => {
  it('without pins shows every order of three headlines and two descriptions once, then starts over', () => {
    const c = new AdCombinations([h('A'), h('B'), h('C'), d('X.'), d('Y.')]);
    expect(c.count).toBe(6 * 2);
    const combos = all(c);
    expect(new Set(combos.map(key)).size).toBe(12);
    for (const x of combos) {
      expect([...x.headlines].sort()).toEqual(['A', 'B', 'C']);
      expect([...x.descriptions].sort()).toEqual(['X.', 'Y.']);
    }
    expect(c.at(12)).toEqual(c.at(0));
    expect(c.at(-1)).toEqual(c.at(11));
  });

  it('with fifteen headlines and four descriptions numbers all 32,760 combinations distinctly', () => {
    const texts = [...Array.from({ length: 15 }, (_, i) => h(`Überschrift ${i + 1}`)), ...Array.from({ length: 4 }, (_, i) => d(`Beschreibung ${i + 1}.`))];
    const c = new AdCombinations(texts);
    expect(c.count).toBe(15 * 14 * 13 * 4 * 3);
    const keys = new Set<string>();
    let repeats = 0;
    for (let n = 0; n < c.count; n++) {
      const x = c.at(n);
      keys.add(x.headlines.join('|') + '/' + x.descriptions.join('|'));
      if (new Set(x.headlines).size !== 3 || new Set(x.descriptions).size !== 2) repeats++;
    }
    expect(keys.size).toBe(c.count);
    expect(repeats).toBe(0);
  });

  it('"next" changes the first headline and the first description, not only the last position', () => {
    const texts = [...Array.from({ length: 15 }, (_, i) => h(`H${i}`)), ...Array.from({ length: 4 }, (_, i) => d(`D${i}.`))];
    const c = new AdCombinations(texts);
    for (let n = 0; n < 10; n++) {
      expect(c.at(n + 1).headlines[0]).not.toBe(c.at(n).headlines[0]);
      expect(c.at(n + 1).descriptions[0]).not.toBe(c.at(n).descriptions[0]);
    }
  });

  it('always shows a text pinned to headline 1 first, and never elsewhere', () => {
    const c = new AdCombinations([h('Frei 1'), h('Gepinnt', 'HEADLINE_1'), h('Frei 2'), h('Frei 3'), d('Eins.'), d('Zwei.')]);
    expect(c.count).toBe(3 * 2 * 2);
    const combos = all(c);
    expect(new Set(combos.map(key)).size).toBe(c.count);
    for (const x of combos) {
      expect(x.headlines[0]).toBe('Gepinnt');
      expect(x.headlines.slice(1)).not.toContain('Gepinnt');
      expect(x.headlines).toHaveLength(3);
    }
  });

  it('rotates several texts pinned to one position among themselves, and keeps them out of the others', () => {
    const c = new AdCombinations([h('P1', 'HEADLINE_1'), h('P2', 'HEADLINE_1'), h('F1'), h('F2'), h('F3'), d('D1.', 'DESCRIPTION_1'), d('D2.'), d('D3.')]);
    expect(c.count).toBe(2 * 3 * 2 * 1 * 2);
    const combos = all(c);
    expect(new Set(combos.map((x) => x.headlines[0]))).toEqual(new Set(['P1', 'P2']));
    for (const x of combos) {
      expect(x.headlines.slice(1).some((t) => t.startsWith('P'))).toBe(false);
      expect(x.descriptions[0]).toBe('D1.');
      expect(['D2.', 'D3.']).toContain(x.descriptions[1]);
    }
    // The pinned texts take turns from one combination to the next.
    expect(c.at(1).headlines[0]).not.toBe(c.at(0).headlines[0]);
  });

  it('keeps a pin to position 2 or 3 at its position while the unpinned texts fill the others', () => {
    const c = new AdCombinations([h('A'), h('B'), h('Zwei', 'HEADLINE_2'), h('Drei', 'HEADLINE_3'), d('X.'), d('Y.', 'DESCRIPTION_2')]);
    for (const x of all(c)) {
      expect(x.headlines[1]).toBe('Zwei');
      expect(x.headlines[2]).toBe('Drei');
      expect(['A', 'B']).toContain(x.headlines[0]);
      expect(x.descriptions).toEqual(['X.', 'Y.']);
    }
    expect(c.count).toBe(2);
  });

  it('with everything pinned has exactly one combination, in the pinned order', () => {
    const c = new AdCombinations([h('Drei', 'HEADLINE_3'), h('Eins', 'HEADLINE_1'), h('Zwei', 'HEADLINE_2'), d('Zwei.', 'DESCRIPTION_2'), d('Eins.', 'DESCRIPTION_1')]);
    expect(c.count).toBe(1);
    expect(c.at(0)).toEqual({ headlines: ['Eins', 'Zwei', 'Drei'], descriptions: ['Eins.', 'Zwei.'] });
    expect(c.at(5)).toEqual(c.at(0));
  });

  it('with fewer than three headlines shows those there are, and leaves out a position nothing can fill', () => {
    expect(all(new AdCombinations([h('A'), h('B'), d('X.')])).map((x) => x.headlines)).toEqual([['A', 'B'], ['B', 'A']]);
    expect(new AdCombinations([h('A'), d('X.')]).at(0)).toEqual({ headlines: ['A'], descriptions: ['X.'] });
    // Headline 2 has no pin and no unpinned text is left for it.
    const c = new AdCombinations([h('Frei'), h('Drei', 'HEADLINE_3')]);
    expect(c.count).toBe(1);
    expect(c.at(0)).toEqual({ headlines: ['Frei', 'Drei'], descriptions: [] });
    const none = new AdCombinations([]);
    expect(none.count).toBe(1);
    expect(none.at(3)).toEqual({ headlines: [], descriptions: [] });
  });

  it('leaves out empty texts, texts of other fields, and treats a pin of the other field as no pin', () => {
    const c = new AdCombinations([h('  '), h('A', 'DESCRIPTION_1'), { field: 'LONG_HEADLINE', text: 'Lang' }, d('', 'DESCRIPTION_1'), d(' X. ')]);
    expect(all(c)).toEqual([{ headlines: ['A'], descriptions: ['X.'] }]);
  });

  it('follows edits: the same texts give the same combinations, a new pin changes them', () => {
    const texts = [h('A'), h('B'), h('C'), d('X.'), d('Y.')];
    expect(all(new AdCombinations(texts))).toEqual(all(new AdCombinations(texts.map((t) => ({ ...t })))));
    texts[2]!.pinned = 'HEADLINE_1';
    expect(all(new AdCombinations(texts)).every((x) => x.headlines[0] === 'C')).toBe(true);
  });
});

describe('displayUrl', () => {
  it('is the final URL host with path1 and path2', () => {
    expect(displayUrl('https://www.reifen-mueller.example/winter?utm=1', 'Winterreifen', 'Montage')).toBe('www.reifen-mueller.example/Winterreifen/Montage');
    expect(displayUrl('https://shop.example', 'Angebote')).toBe('shop.example/Angebote');
    expect(displayUrl('https://shop.example', '', 'ohne-pfad1')).toBe('shop.example');
    expect(displayUrl('https://shop.example:8443/x', ' a ', ' b ')).toBe('shop.example:8443/a/b');
  });

  it('is empty without a usable final URL', () => {
    expect(displayUrl(undefined, 'a', 'b')).toBe('');
    expect(displayUrl('not a url', 'a')).toBe('');
  });
});

describe('shorten', () => {
  it('leaves a text that fits as it is', () => {
    expect(shorten('Winterreifen kaufen', 19)).toBe('Winterreifen kaufen');
  });

  it('cuts at a word boundary and ends with an ellipsis, within the limit', () => {
    const s = 'Winterreifen günstig kaufen | Montage vor Ort';
    for (let max = 8; max < s.length; max++) {
      const out = shorten(s, max);
      expect([...out].length).toBeLessThanOrEqual(max);
      expect(out.endsWith('…')).toBe(true);
      const kept = out.slice(0, -1);
      // Only whole words are kept (the first word is cut only when alone too long).
      if (max > 'Winterreifen'.length + 1) expect(s.startsWith(kept) && /[\s|]/.test(s[kept.length] ?? ' ')).toBe(true);
    }
    expect(shorten(s, 30)).toBe('Winterreifen günstig kaufen…');
    // A word that ends exactly at the room is kept whole.
    expect(shorten('Reifen kaufen jetzt', 14)).toBe('Reifen kaufen…');
  });

  it('drops a separator left at the end', () => {
    expect(shorten('Winterreifen | Sommerreifen | Allwetter', 17)).toBe('Winterreifen…');
  });

  it('cuts a single word longer than the line inside the word (German compounds)', () => {
    expect(shorten('Kraftfahrzeughaftpflichtversicherung', 12)).toBe('Kraftfahrze…');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(shorten('Größe 🚗 Räder für Öko-Fahrer', 12)).toBe('Größe 🚗…');
    expect(shorten('Größe 🚗 Räder', 13)).toBe('Größe 🚗 Räder');
  });
});

describe('resultLines', () => {
  const long: Combination = {
    headlines: ['Winterreifen zum besten Preis', 'Kostenlose Montage vor Ort', 'Über 300 Partnerwerkstätten'],
    descriptions: ['Winterreifen aller Marken zu fairen Preisen. Jetzt online bestellen und Termin sichern.', 'Montage in über 300 Partnerwerkstätten deutschlandweit. Schnell, sauber, zuverlässig.'],
  };

  it('joins the headlines with " | " and the descriptions with a space when they fit', () => {
    const short: Combination = { headlines: ['Winter tyres', 'Free fitting'], descriptions: ['All brands.', 'Order online.'] };
    for (const device of ['desktop', 'mobile'] as const) {
      expect(resultLines(short, device)).toEqual({ headline: 'Winter tyres | Free fitting', description: 'All brands. Order online.' });
    }
  });

  it('shortens three long German headlines on both widths, more on a phone', () => {
    const desk = resultLines(long, 'desktop');
    const mob = resultLines(long, 'mobile');
    expect(desk.headline.endsWith('…')).toBe(true);
    expect(mob.headline.endsWith('…')).toBe(true);
    expect([...desk.headline].length).toBeLessThanOrEqual(lineLimits.desktop.headline);
    expect([...mob.headline].length).toBeLessThanOrEqual(lineLimits.mobile.headline);
    expect(mob.headline.length).toBeLessThan(desk.headline.length);
    expect(desk.headline.startsWith('Winterreifen zum besten Preis | Kostenlose Montage vor Ort')).toBe(true);
    expect([...desk.description].length).toBeLessThanOrEqual(lineLimits.desktop.description);
    expect([...mob.description].length).toBeLessThanOrEqual(lineLimits.mobile.description);
    expect(mob.description.length).toBeLessThan(desk.description.length);
  });

  it('shortens English text the same way', () => {
    const en: Combination = {
      headlines: ['Winter Tyres at the Best Price', 'Free Fitting at Your Home', 'Over 300 Partner Garages'],
      descriptions: ['Winter tyres of every brand at fair prices. Order online today and book your fitting slot.'],
    };
    expect(resultLines(en, 'mobile').headline).toBe('Winter Tyres at the Best Price | Free Fitting at Your Home…');
    expect(resultLines(en, 'desktop').headline).toBe('Winter Tyres at the Best Price | Free Fitting at Your Home | Over 300…');
  });
});
