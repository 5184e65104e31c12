// How the publish screen words what the server sends: a change set as
// changes people recognise (an ad replaced because Google cannot change its
// texts, with the texts that differ), counts of changes, a job's progress,
// and where in the product each problem is.
import type { ChangeSet, PublishProblem } from '../../lib/api/client';
import { money } from '../../lib/format';
import { i18n, t, type MessageKey } from '../../lib/i18n.svelte';
import type { JobKind, Progress } from './publish.machine';

type Step = ChangeSet['steps'][number];
type Change = NonNullable<Step['changes']>[number];
type Entity = Change['entity'];
type Ref = NonNullable<PublishProblem['entity']>;

export type Action = 'create' | 'update' | 'remove' | 'replace';

/** Kinds in the order a campaign is built: counts list them so. */
export const kinds = ['budget', 'campaign', 'language', 'location', 'ad_group', 'keyword', 'ad', 'asset', 'asset_group', 'asset_group_asset'] as const;
const actions = ['create', 'update', 'remove'] as const;

export function kindNoun(kind: string): string {
  return (kinds as readonly string[]).includes(kind) ? t(`gads.kind.${kind}` as MessageKey) : kind;
}

/** {"create": {"keyword": 3}, "remove": {"ad": 1}} → "new: 3 × keyword; removed: 1 × ad". */
export function countSummary(changes: Record<string, Record<string, number> | undefined> | null | undefined): string {
  const parts: string[] = [];
  for (const a of actions) {
    const byKind = changes?.[a];
    if (!byKind) continue;
    const items = [...kinds.filter((k) => byKind[k]), ...Object.keys(byKind).filter((k) => !(kinds as readonly string[]).includes(k))]
      .filter((k) => (byKind[k] ?? 0) > 0)
      .map((k) => `${byKind[k]} × ${kindNoun(k)}`);
    if (items.length) parts.push(`${t(`gads.action.${a}`)}: ${items.join(', ')}`);
  }
  return parts.join('; ');
}

/** One entity as people know it: "keyword „winterreifen kaufen“ (PHRASE)", "ad 7". */
export function entityLabel(e: Entity, currency: string): string {
  const noun = kindNoun(e.kind);
  switch (e.kind) {
    case 'campaign':
    case 'ad_group':
    case 'asset_group':
      return `${noun} ${t('publish.quoted', { text: e.name ?? '' })}`;
    case 'budget':
      return `${noun} ${money(e.amount_micros ?? 0, currency)}`;
    case 'language':
    case 'location':
      return `${noun} ${e.constant ?? e.key}`;
    case 'keyword':
      return `${e.negative ? t('gads.negative') + ' ' : ''}${noun} ${t('publish.quoted', { text: e.text ?? '' })} (${e.match_type ?? ''})`;
    case 'ad':
      return `${noun} ${e.id ?? ''}`.trim();
    case 'asset':
      return e.asset_type === 'IMAGE' ? `${noun} ${e.id ?? ''}`.trim() : `${noun} ${t('publish.quoted', { text: e.text ?? '' })}`;
    case 'asset_group_asset':
      return `${noun} ${e.field_type ?? ''}`.trim();
  }
  return `${noun} ${e.key}`;
}

/** One row of a change set as the screen lists it. */
export interface ChangeRow {
  action: Action;
  key: string;
  label: string;
  /** What exactly changes: the fields of an update, the texts of a replaced ad. */
  details: string[];
  owner: Ref;
}

function texts(list: { text: string; pin?: string }[] | null | undefined): string[] {
  return (list ?? []).map((x) => (x.pin ? `${x.text} [${x.pin}]` : x.text));
}

function listDiff(label: string, before: string[], after: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const [b, a] = [before[i], after[i]];
    if (b === a) continue;
    const at = { field: label, n: i + 1 };
    if (b === undefined) out.push(t('publish.textAdded', { ...at, text: a! }));
    else if (a === undefined) out.push(t('publish.textRemoved', { ...at, text: b }));
    else out.push(t('publish.textChanged', { ...at, from: b, to: a }));
  }
  return out;
}

/** What differs between the entity Google has and the one that replaces it. */
function replacementDetails(before: Entity, after: Entity, currency: string): string[] {
  const out = [
    ...listDiff(t('campaigns.headlines'), texts(before.headlines), texts(after.headlines)),
    ...listDiff(t('campaigns.descriptions'), texts(before.descriptions), texts(after.descriptions)),
  ];
  const single = (field: string, b: unknown, a: unknown) => {
    const [bs, as] = [JSON.stringify(b ?? ''), JSON.stringify(a ?? '')];
    if (bs !== as) out.push(t('publish.fieldChanged', { field, from: String(Array.isArray(b) ? b.join(' ') : (b ?? '')), to: String(Array.isArray(a) ? a.join(' ') : (a ?? '')) }));
  };
  single('final_urls', before.final_urls, after.final_urls);
  single('path1', before.path1, after.path1);
  single('path2', before.path2, after.path2);
  if (before.kind !== 'ad' && entityLabel(before, currency) !== entityLabel(after, currency)) {
    out.push(t('publish.fieldChanged', { field: kindNoun(after.kind), from: entityLabel(before, currency), to: entityLabel(after, currency) }));
  }
  return out;
}

/**
 * The rows of a step. A remove and a create of the same entity are one
 * replacement: Google cannot change that entity in place (an ad's texts, a
 * keyword's text or match type), so publishing removes it and creates it anew.
 */
export function stepRows(step: Step, currency: string): ChangeRow[] {
  const changes = step.changes ?? [];
  const created = new Map(changes.filter((c) => c.action === 'create').map((c) => [c.key, c]));
  const rows: ChangeRow[] = [];
  const done = new Set<string>();
  for (const c of changes) {
    const key = `${c.action}:${c.key}`;
    if (done.has(key)) continue;
    const replacement = c.action === 'remove' ? created.get(c.key) : undefined;
    if (replacement) {
      done.add(`create:${c.key}`);
      rows.push({ action: 'replace', key: c.key, label: entityLabel(replacement.entity, currency), details: replacementDetails(c.entity, replacement.entity, currency), owner: replacement.entity.owner });
      continue;
    }
    const details = c.action === 'update' && c.fields?.length ? [t('publish.fields', { fields: c.fields.map((f) => fieldLabel(f, c.entity, currency)).join(', ') })] : [];
    rows.push({ action: c.action, key: c.key, label: entityLabel(c.entity, currency), details, owner: c.entity.owner });
  }
  return rows;
}

/**
 * One field of an update as people set it, with its new value: the daily
 * budget, the bidding strategy with its target, the start and end. Other
 * fields keep Google's name.
 */
export function fieldLabel(field: string, e: Entity, currency: string): string {
  if (field === 'amount_micros') return `${t('campaigns.budget')} ${money(e.amount_micros ?? 0, currency)}`;
  if (/^(maximize_conversions|maximize_conversion_value|target_spend|manual_cpc)\b/.test(field)) {
    const strategy = e.bidding || (e.channel === 'PERFORMANCE_MAX' ? 'MAXIMIZE_CONVERSIONS' : 'MAXIMIZE_CLICKS');
    const known = t(`bidding.${strategy}` as MessageKey);
    const target =
      strategy === 'TARGET_CPA' && e.target_cpa_micros ? ` ${money(e.target_cpa_micros, currency)}` : strategy === 'TARGET_ROAS' && e.target_roas ? ` ${i18n.number(e.target_roas, { style: 'percent' })}` : '';
    return `${t('wizard.bidding')} ${t('publish.quoted', { text: known + target })}`;
  }
  if (field === 'start_date_time') return t('publish.startsOn', { day: e.start_date ?? '' });
  if (field === 'end_date_time') return e.end_date ? t('publish.endsOn', { day: e.end_date }) : t('publish.noEnd');
  return field;
}

/** The step's heading: "ad group „Winterreifen“", or its removal. */
export function stepTitle(step: Step): string {
  const what = `${kindNoun(step.kind)} ${t('publish.quoted', { text: step.name })}`;
  return step.removal ? t('publish.removing', { what }) : what;
}

/**
 * The address in this product of an entity and field Google refused or a
 * change touches: the campaign screen scrolled to the ad (and its headline),
 * keyword, ad group or asset group; an asset's page in the library.
 */
export function entityHref(campaignId: number, ref: Ref | null | undefined, field = ''): string | null {
  if (!ref) return null;
  const base = `/campaigns/${campaignId}`;
  const item = /^(headlines|descriptions)\[(\d+)\]/.exec(field);
  switch (ref.type) {
    case 'campaign':
      return base;
    case 'ad':
      return item ? `${base}#ad-${ref.id}-${item[1]}-${item[2]}` : `${base}#ad-${ref.id}`;
    case 'ad_group':
      return `${base}#ad-group-${ref.id}`;
    case 'keyword':
      return `${base}#keyword-${ref.id}`;
    case 'asset_group':
      return `${base}#asset-group-${ref.id}`;
    case 'asset':
      return `/assets/${ref.id}`;
  }
  return null;
}

/**
 * A job's progress in the interface language. The server words it in
 * English ("Publishing 3/10: ad group Winterreifen", "Setting the campaign
 * PAUSED at Google Ads") and names the step, which is worded here.
 */
export function progressLabel(kind: JobKind, p: Progress): string {
  const status = /\b(ENABLED|PAUSED|REMOVED)\b/.exec(p.message)?.[1];
  if (kind === 'status' && status) {
    const s = t(`gads.status.${status}` as MessageKey);
    return /^Queued/.test(p.message) ? t('publish.statusQueued', { status: s }) : t('publish.statusSetting', { status: s });
  }
  if (p.step) {
    const what = stepTitle({ kind: p.step.kind as Step['kind'], id: p.step.id, name: p.step.name, removal: p.step.removal ?? false, changes: [] });
    const finished = /^Published /.test(p.message);
    const n = finished ? p.done : Math.min(p.done + 1, p.total);
    return t(finished ? 'publish.stepDone' : 'publish.stepDoing', { n, total: p.total, what });
  }
  const checking = /^Checking (\d+) changes/.exec(p.message);
  if (checking) return t('publish.checkingChanges', { n: Number(checking[1]) });
  if (/^Queued/.test(p.message) || p.message === '') return t('publish.queued');
  return p.message;
}

/**
 * Why a publish failed, in the interface language. The server stores its own
 * reasons in English ("Google Ads refused 2 of the changes; nothing was
 * changed"); those are worded here, anything else (Google's message, a
 * transport error with its advice) is shown as the server gave it.
 */
export function failureText(message: string): string {
  const refused = /^Google Ads refused (\d+) of the changes; nothing was changed$/.exec(message);
  if (refused) return t('publish.failRefused', { n: Number(refused[1]) });
  if (message === 'Google Ads cannot take the campaign as it is') return t('publish.failCannotTake');
  if (/^publishing did not converge\b/.test(message)) return t('publish.failNoConverge');
  return message;
}
