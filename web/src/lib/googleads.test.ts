import { describe, expect, it } from 'vitest';
import { accountLink, adGroupLink, assetGroupLink, campaignLink, formatCustomerId, parseResourceName } from './googleads';

describe('Google Ads ids and links', () => {
  it('formats a customer id as the Google Ads UI shows it', () => {
    expect(formatCustomerId('1111111111')).toBe('111-111-1111');
    expect(formatCustomerId('123-456-7890')).toBe('123-456-7890');
    expect(formatCustomerId('12345')).toBe('12345');
    expect(formatCustomerId(undefined)).toBe('');
  });

  it('reads resource names, composite ids included', () => {
    expect(parseResourceName('customers/1111111111/adGroupAds/20~30')).toEqual({ customer: '1111111111', collection: 'adGroupAds', ids: ['20', '30'] });
    expect(parseResourceName('campaigns/1')).toBeNull();
  });

  it('links a campaign, an ad group and an asset group with the customer id as __e', () => {
    const c = 'customers/1111111111/campaigns/20000000008';
    expect(campaignLink(c)).toBe('https://ads.google.com/aw/campaigns?campaignId=20000000008&__e=1111111111');
    expect(adGroupLink(c, 'customers/1111111111/adGroups/43')).toBe('https://ads.google.com/aw/ads?campaignId=20000000008&adGroupId=43&__e=1111111111');
    expect(assetGroupLink(c, 'customers/1111111111/assetGroups/5')).toBe('https://ads.google.com/aw/assetgroup/edit?campaignId=20000000008&assetgroupId=5&__e=1111111111');
    expect(accountLink('111-111-1111')).toBe('https://ads.google.com/aw/overview?__e=1111111111');
  });

  it('links nothing for a resource of another kind', () => {
    expect(campaignLink('customers/1111111111/adGroups/4')).toBeNull();
    expect(campaignLink(undefined)).toBeNull();
    expect(adGroupLink('customers/1111111111/campaigns/1', 'customers/1111111111/assetGroups/4')).toBeNull();
  });
});
