// The inline figures of a tile, in German and English.
import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import AssetPerf from './AssetPerf.svelte';
import { i18n } from './i18n.svelte';
import { combine } from './metrics';

const perf = { ...combine([{ impressions: 12345, clicks: 617, cost_micros: 1, conversions: 12.5, conversions_value: 0, ctr: null, average_cpc_micros: null, conversion_rate: null, cost_per_conversion_micros: null, roas: null }]), label: 'BEST' };
const text = () => screen.getByTestId('asset-perf').textContent!.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();

afterEach(() => i18n.set('de'));

describe('AssetPerf', () => {
  it('German', () => {
    i18n.set('de');
    render(AssetPerf, { perf });
    expect(text()).toBe('Letzte 30 Tage: 12.345 Impr. CTR 5,00 % 12,5 Conv. Beste');
  });

  it('English', () => {
    i18n.set('en');
    render(AssetPerf, { perf });
    expect(text()).toBe('Last 30 days: 12,345 impr. CTR 5.00% 12.5 conv. Best');
  });
});
