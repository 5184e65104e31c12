import { describe, expect, it } from 'vitest';
import { catalogs, detectLocale, format, message } from './i18n.svelte';
import { currency, first, httpsUrl, languageList, lines, list, locationList, maxLen, positiveAmount, required, toMicros } from './forms';
import { match } from './router.svelte';
import { segments } from './validate';
import { atLeast } from './roles';

describe('i18n', () => {
  it('picks the browser language, the saved choice first, German otherwise', () => {
    expect(detectLocale(['en-US', 'de'], null)).toBe('en');
    expect(detectLocale(['fr-FR', 'de-AT'], null)).toBe('de');
    expect(detectLocale(['fr'], null)).toBe('de');
    expect(detectLocale(['en-GB'], 'de')).toBe('de');
    expect(detectLocale([], 'xx')).toBe('de');
  });
  it('fills parameters and leaves unknown ones visible', () => {
    expect(format('Generiere {done}/{total}', { done: 3, total: 10 })).toBe('Generiere 3/10');
    expect(format('{a} {b}', { a: 1 })).toBe('1 {b}');
  });
  it('words a count of one in the singular where the catalog has the form, in both languages', () => {
    expect(message(catalogs.de, 'publish.operations', { n: 1 })).toBe('1 Vorgang');
    expect(message(catalogs.de, 'publish.operations', { n: 2 })).toBe('2 Vorgänge');
    expect(message(catalogs.de, 'publish.operations', { n: 0 })).toBe('0 Vorgänge');
    expect(message(catalogs.en, 'publish.dryRunProblems', { n: 1 })).toBe('Google Ads reports 1 problem:');
    expect(message(catalogs.en, 'publish.dryRunProblems', { n: 3 })).toBe('Google Ads reports 3 problems:');
    // Without a singular form the one message serves every count.
    expect(message(catalogs.de, 'publish.stepDoing', { n: 1, total: 1, what: 'Kampagne' })).toBe('Veröffentliche 1/1: Kampagne');
    for (const key of Object.keys(catalogs.en).filter((k) => k.endsWith('.one'))) {
      expect(catalogs.en[key.slice(0, -4) as keyof typeof catalogs.en], `${key} without its plural`).toBeTruthy();
    }
  });
  it('has every message in both languages, with the same parameters', () => {
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(catalogs.en) as (keyof typeof catalogs.en)[]) {
      expect(catalogs.de[key], key).toBeTruthy();
      expect(params(catalogs.de[key]), key).toEqual(params(catalogs.en[key]));
    }
  });
});

describe('form checks', () => {
  it('keeps commas inside a line of a one-per-line field, and splits codes on commas', () => {
    expect(lines('Reifen von Pirelli, Continental und Michelin\r\n\n  Montage in 30 Minuten, ohne Termin ')).toEqual([
      'Reifen von Pirelli, Continental und Michelin',
      'Montage in 30 Minuten, ohne Termin',
    ]);
    expect(list('de, en\nfr')).toEqual(['de', 'en', 'fr']);
  });
  it('required and maxLen count code points like the server', () => {
    expect(required('  ')).toEqual({ key: 'common.required' });
    expect(required('x')).toBeNull();
    expect(maxLen('ü'.repeat(25), 25)).toBeNull();
    expect(maxLen('😀'.repeat(26), 25)).toEqual({ key: 'common.tooLong', params: { max: 25, n: 26 } });
  });
  it('URLs must be https with a host', () => {
    expect(httpsUrl('https://www.reifen-mueller.example/x')).toBeNull();
    expect(httpsUrl('http://example.com')).not.toBeNull();
    expect(httpsUrl('javascript:alert(1)')).not.toBeNull();
    expect(httpsUrl('', true)).toBeNull();
  });
  it('amounts, currencies, languages and locations', () => {
    expect(positiveAmount('80,50')).toBeNull();
    expect(positiveAmount('0')).not.toBeNull();
    expect(positiveAmount('abc')).not.toBeNull();
    expect(toMicros('80,5')).toBe(80_500_000);
    expect(toMicros('0.1')).toBe(100_000);
    expect(currency('EUR')).toBeNull();
    expect(currency('eur')).not.toBeNull();
    expect(languageList('de, en')).toBeNull();
    expect(languageList('Deutsch')).not.toBeNull();
    expect(locationList('DE, AT')).toBeNull();
    expect(locationList('Germany')).not.toBeNull();
    expect(first(null, { key: 'valid.url' }, { key: 'valid.budget' })).toEqual({ key: 'valid.url' });
  });
});

describe('router', () => {
  it('matches the settings sections, tokens first', () => {
    expect(match('/settings')).toEqual({ name: 'settings', section: 'tokens' });
    expect(match('/settings/users')).toEqual({ name: 'settings', section: 'users' });
    expect(match('/settings/brands')).toEqual({ name: 'settings', section: 'brands' });
    expect(match('/settings/audit')).toEqual({ name: 'settings', section: 'audit' });
    expect(match('/settings/other')).toEqual({ name: 'notFound' });
  });
  it('matches the client routes', () => {
    expect(match('/')).toEqual({ name: 'campaigns' });
    expect(match('/campaigns/12')).toEqual({ name: 'campaign', id: 12 });
    expect(match('/campaigns/12/wizard')).toEqual({ name: 'wizard', id: 12 });
    expect(match('/campaigns/12/publish')).toEqual({ name: 'publish', id: 12 });
    expect(match('/campaigns/x/publish')).toEqual({ name: 'notFound' });
    expect(match('/campaigns/12/report')).toEqual({ name: 'campaignReport', id: 12 });
    expect(match('/assets/3/report')).toEqual({ name: 'assetReport', id: 3 });
    expect(match('/assets/x/report')).toEqual({ name: 'notFound' });
    expect(match('/assets')).toEqual({ name: 'assets', id: null });
    expect(match('/assets/3')).toEqual({ name: 'assets', id: 3 });
    expect(match('/jobs')).toEqual({ name: 'jobs' });
    expect(match('/campaigns/abc')).toEqual({ name: 'notFound' });
  });
});

describe('roles', () => {
  it('orders viewer < editor < publisher < admin', () => {
    expect(atLeast('editor', 'editor')).toBe(true);
    expect(atLeast('viewer', 'editor')).toBe(false);
    expect(atLeast('admin', 'publisher')).toBe(true);
    expect(atLeast(null, 'viewer')).toBe(false);
  });
});

describe('violation segments', () => {
  it('splits at code-point offsets, overlapping spans carry both rules', () => {
    const v = [
      { code: 'A', severity: 'error', message: 'a', start: 2, end: 5 },
      { code: 'B', severity: 'error', message: 'b', start: 4, end: 6 },
    ];
    expect(segments('😀ä!!!xyz', v)).toEqual([
      { text: '😀ä', hits: [] },
      { text: '!!', hits: [0] },
      { text: '!', hits: [0, 1] },
      { text: 'x', hits: [1] },
      { text: 'yz', hits: [] },
    ]);
  });
  it('clamps spans beyond the text and keeps a text without violations whole', () => {
    expect(segments('abc', [{ code: 'X', severity: 'error', message: 'x', start: 2, end: 99 }])).toEqual([
      { text: 'ab', hits: [] },
      { text: 'c', hits: [0] },
    ]);
    expect(segments('abc', [])).toEqual([{ text: 'abc', hits: [] }]);
  });
});
