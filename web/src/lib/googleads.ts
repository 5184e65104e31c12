// Google Ads ids as people see them, and links into the Google Ads UI.
//
// The UI's own addresses carry internal ids (ocid, __c, __u, euid) that the
// API never returns: ocid and __c are not the account's customer id. What
// the API gives us is the customer id (ten digits, shown as 123-456-7890 at
// the top of the Google Ads UI) and each resource's id in its resource name.
// The UI opens an account by its customer id with __e, and a campaign's
// pages take campaignId (with adGroupId for an ad group's ads, assetgroupId
// for an asset group). So a link is
// https://ads.google.com/aw/campaigns?campaignId=<id>&__e=<customer id>;
// Google signs the browser in and switches to the account as needed.

const ui = 'https://ads.google.com/aw';

/** 1234567890 → 123-456-7890; anything else is returned as it is. */
export function formatCustomerId(id: string | null | undefined): string {
  const digits = (id ?? '').replace(/-/g, '');
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}` : (id ?? '');
}

/** The parts of a resource name: customers/1111111111/adGroups/123 → { customer, collection, ids }. */
export function parseResourceName(name: string | null | undefined): { customer: string; collection: string; ids: string[] } | null {
  const m = /^customers\/(\d{10})\/([A-Za-z]+)\/([\d~]+)$/.exec(name ?? '');
  return m ? { customer: m[1]!, collection: m[2]!, ids: m[3]!.split('~') } : null;
}

function link(page: string, params: Record<string, string>): string {
  return `${ui}/${page}?${new URLSearchParams(params).toString()}`;
}

/** The account's overview in the Google Ads UI. */
export function accountLink(customerId: string): string {
  return link('overview', { __e: customerId.replace(/-/g, '') });
}

/** The campaign in the Google Ads UI, from its resource name; null when it names no campaign. */
export function campaignLink(campaignResource: string | null | undefined): string | null {
  const rn = parseResourceName(campaignResource);
  if (!rn || rn.collection !== 'campaigns') return null;
  return link('campaigns', { campaignId: rn.ids[0]!, __e: rn.customer });
}

/** An ad group's ads in the Google Ads UI. */
export function adGroupLink(campaignResource: string | null | undefined, adGroupResource: string): string | null {
  const c = parseResourceName(campaignResource);
  const g = parseResourceName(adGroupResource);
  if (!c || c.collection !== 'campaigns' || !g || g.collection !== 'adGroups') return null;
  return link('ads', { campaignId: c.ids[0]!, adGroupId: g.ids[0]!, __e: g.customer });
}

/** An asset group of a Performance Max campaign in the Google Ads UI. */
export function assetGroupLink(campaignResource: string | null | undefined, assetGroupResource: string): string | null {
  const c = parseResourceName(campaignResource);
  const g = parseResourceName(assetGroupResource);
  if (!c || c.collection !== 'campaigns' || !g || g.collection !== 'assetGroups') return null;
  return link('assetgroup/edit', { campaignId: c.ids[0]!, assetgroupId: g.ids[0]!, __e: g.customer });
}
