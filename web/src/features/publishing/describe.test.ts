// How the publish screen words what the server sends in English: a job's
// progress, the reasons of a failure and counts of changes, in both
// interface languages.
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../lib/i18n.svelte';
import { countSummary, failureText, progressLabel, stepRows } from './describe';

afterEach(() => i18n.set('de'));

describe('progress', () => {
  it('words each step of a publish with its number, the total and what it is', () => {
    const step = { kind: 'ad_group', id: 3, name: 'Winterreifen' };
    i18n.set('de');
    expect(progressLabel('publish', { done: 2, total: 10, message: 'Publishing 3/10: ad group Winterreifen', step })).toBe('Veröffentliche 3/10: Anzeigengruppe „Winterreifen“');
    expect(progressLabel('publish', { done: 3, total: 10, message: 'Published 3/10: ad group Winterreifen', step })).toBe('Veröffentlicht 3/10: Anzeigengruppe „Winterreifen“');
    expect(progressLabel('publish', { done: 0, total: 3, message: 'Checking 1 changes with Google Ads' })).toBe('Google Ads prüft 1 Änderung');
    expect(progressLabel('status', { done: 0, total: 1, message: 'Setting the campaign PAUSED at Google Ads' })).toBe('Die Kampagne wird bei Google Ads auf pausiert gesetzt …');
    i18n.set('en');
    expect(progressLabel('publish', { done: 2, total: 10, message: 'Publishing 3/10: ad group Winterreifen', step })).toBe('Publishing 3/10: ad group "Winterreifen"');
    expect(progressLabel('publish', { done: 0, total: 3, message: 'Checking 13 changes with Google Ads' })).toBe('Google Ads checks 13 changes');
  });
});

describe('failures', () => {
  it("words the server's own reasons and passes Google's on as they are", () => {
    i18n.set('de');
    expect(failureText('Google Ads refused 1 of the changes; nothing was changed')).toBe('Google Ads hat 1 Änderung abgelehnt; es wurde nichts geändert.');
    expect(failureText('Google Ads refused 4 of the changes; nothing was changed')).toBe('Google Ads hat 4 der Änderungen abgelehnt; es wurde nichts geändert.');
    expect(failureText('Google Ads cannot take the campaign as it is')).toBe('Google Ads kann die Kampagne so nicht übernehmen.');
    expect(failureText('publishing did not converge: Google Ads keeps differing from the campaign')).toMatch(/^Die Veröffentlichung wurde beendet/);
    expect(failureText('quota exhausted for today — try again after midnight')).toBe('quota exhausted for today — try again after midnight');
    i18n.set('en');
    expect(failureText('Google Ads refused 1 of the changes; nothing was changed')).toBe('Google Ads refused 1 change; nothing was changed.');
    expect(failureText('Google Ads refused 2 of the changes; nothing was changed')).toBe('Google Ads refused 2 of the changes; nothing was changed.');
  });
});

describe('counts', () => {
  it('lists changes by action and in the order a campaign is built', () => {
    i18n.set('de');
    expect(countSummary({ update: { budget: 1 }, create: { keyword: 1, campaign: 1 } })).toBe('neu: 1 × Kampagne, 1 × Keyword; geändert: 1 × Budget');
    i18n.set('en');
    expect(countSummary({ remove: { ad: 1 }, create: { ad: 1 } })).toBe('new: 1 × ad; removed: 1 × ad');
    expect(countSummary(null)).toBe('');
  });
});

describe('settings of a live campaign', () => {
  it('lists the budget, bidding strategy with its target and run an update sends, with their new values', () => {
    const owner = { type: 'campaign' as const, id: 3 };
    const step = {
      kind: 'campaign' as const, id: 3, name: 'Winter', removal: false,
      changes: [
        { action: 'update' as const, kind: 'budget' as const, key: 'budget', fields: ['amount_micros'], entity: { kind: 'budget' as const, key: 'budget', amount_micros: 40_000_000, owner } },
        { action: 'update' as const, kind: 'campaign' as const, key: 'campaign', fields: ['maximize_conversions.target_cpa_micros', 'end_date_time'],
          entity: { kind: 'campaign' as const, key: 'campaign', name: 'Winter', channel: 'SEARCH', bidding: 'TARGET_CPA', target_cpa_micros: 12_500_000, end_date: '2027-02-28', owner } },
        { action: 'update' as const, kind: 'campaign' as const, key: 'campaign', fields: ['target_spend', 'start_date_time', 'end_date_time'],
          entity: { kind: 'campaign' as const, key: 'campaign', name: 'Winter', channel: 'SEARCH', start_date: '2027-01-01', owner } },
      ],
    };
    i18n.set('de');
    const de = stepRows(step, 'EUR').map((r) => r.details.join(' '));
    expect(de[0]).toBe('Felder: Tagesbudget 40,00\u00a0€');
    expect(de[1]).toBe('Felder: Gebotsstrategie „Ziel-CPA 12,50\u00a0€“, endet am 2027-02-28');
    i18n.set('en');
    const en = stepRows(step, 'EUR').map((r) => r.details.join(' '));
    expect(en[2]).toBe('Fields: Bidding strategy "Maximize clicks", starts on 2027-01-01, runs without an end');
  });
});
