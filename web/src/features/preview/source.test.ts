import { describe, expect, it } from 'vitest';
import type { CampaignTree } from '../../lib/api/client';
import { previewSource } from './source';

const tree = (businessName?: string) =>
  ({
    campaign: { id: 1, final_url: 'https://www.reifen.example/start', brief: businessName === undefined ? {} : { business_name: businessName } },
    ad_groups: [
      { id: 2, ads: [{ id: 4, final_urls: ['https://www.reifen-mueller.example/winter'], path1: 'Winter', path2: 'Montage' }, { id: 5, final_urls: [], path1: '', path2: 'x' }] },
    ],
    asset_groups: [
      {
        id: 9,
        final_urls: ['https://shop.example/'],
        path1: 'Angebote',
        path2: '',
        assets: [
          { link_id: 1, asset_id: 31, type: 'TEXT', field_type: 'HEADLINE', text: 'Reifen' },
          { link_id: 2, asset_id: 32, type: 'IMAGE', field_type: 'MARKETING_IMAGE', width: 1200, height: 628 },
          { link_id: 3, asset_id: 33, type: 'IMAGE', field_type: 'LOGO' },
        ],
      },
    ],
  }) as unknown as CampaignTree;

describe('previewSource', () => {
  it('takes an ad\'s URL and paths, and the brief\'s business name', () => {
    expect(previewSource(tree('Reifen Müller'), { adId: 4 })).toEqual({ displayUrl: 'www.reifen-mueller.example/Winter/Montage', businessName: 'Reifen Müller', images: [] });
  });

  it('falls back to the campaign URL, and to the host without www for the name', () => {
    expect(previewSource(tree(), { adId: 5 })).toEqual({ displayUrl: 'www.reifen.example', businessName: 'reifen.example', images: [] });
    expect(previewSource(tree('  '), { adId: 5 })?.businessName).toBe('reifen.example');
  });

  it('takes an asset group\'s URL, paths and only its images', () => {
    expect(previewSource(tree('Reifen Müller'), { assetGroupId: 9 })).toEqual({
      displayUrl: 'shop.example/Angebote',
      businessName: 'Reifen Müller',
      images: [
        { assetId: 32, fieldType: 'MARKETING_IMAGE', width: 1200, height: 628 },
        { assetId: 33, fieldType: 'LOGO' },
      ],
    });
  });

  it('is null for what the tree does not have', () => {
    expect(previewSource(null, { adId: 4 })).toBeNull();
    expect(previewSource(tree(), { adId: 99 })).toBeNull();
    expect(previewSource(tree(), { assetGroupId: 99 })).toBeNull();
  });
});
