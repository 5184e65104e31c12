import { describe, expect, it } from 'vitest';
import { kindLabel, refreshDelay, subjectView } from './describe';
import type { Schemas } from '../../lib/api/client';

describe('jobs page wording', () => {
  it('names every kind the server runs, in both languages', () => {
    for (const kind of ['generate', 'publish', 'google_ads_status', 'report_download', 'report_daily', 'maintenance']) {
      expect(kindLabel('de', kind)).not.toBe(kind);
      expect(kindLabel('en', kind)).not.toBe(kind);
      expect(kindLabel('de', kind)).not.toBe(kindLabel('en', kind));
    }
    expect(kindLabel('de', 'generate')).toBe('Textgenerierung');
    expect(kindLabel('en', 'something_new')).toBe('something_new');
  });

  it('shows the campaign by name with its link, and says when it is gone', () => {
    expect(subjectView('de', { type: 'campaign', id: 7, name: 'Winterreifen 2026' })).toEqual({ text: 'Winterreifen 2026', href: '/campaigns/7' });
    expect(subjectView('de', { type: 'campaign', id: 7 })).toEqual({ text: 'Kampagne 7 (gelöscht)' });
    expect(subjectView('en', { type: 'google_ads_account', id: 5550002026 })?.text).toBe('Google Ads account 555-000-2026');
    expect(subjectView('en', undefined)).toBeUndefined();
  });

  it('refreshes fast while a job is unfinished and slowly otherwise', () => {
    const job = (state: Schemas['Job']['state']) => ({ state }) as Schemas['Job'];
    expect(refreshDelay([job('succeeded'), job('running')])).toBeLessThan(refreshDelay([job('succeeded')]));
    expect(refreshDelay([])).toBe(refreshDelay([job('failed'), job('cancelled')]));
  });
});
