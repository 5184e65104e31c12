// The bulk editor's data: the campaign's text grid as the server sends it
// (GET /api/campaigns/{id}/texts) and the items of a bulk edit.
import type { Schemas } from '../../lib/api/client';

export type TextGrid = Schemas['TextGrid'];
export type TextRow = Schemas['TextRow'];
export type TextOwner = Schemas['TextOwner'];
export type TextField = Schemas['TextField'];
export type BulkItem = Schemas['BulkTextItem'];
export type OwnerKind = TextOwner['kind'];

/** ownerKey names an ad or asset group: "ad:12", "asset_group:3". */
export function ownerKey(kind: OwnerKind, id: number): string {
  return `${kind}:${id}`;
}

/** The text field of an owner kind, with its caps, or undefined when it takes none. */
export function fieldOf(grid: Pick<TextGrid, 'fields'>, kind: OwnerKind, field: string): TextField | undefined {
  return grid.fields.find((f) => f.owner_kind === kind && f.field_type === field);
}

/** The add item for a new text at the end of an owner's field type. */
export function addItem(kind: OwnerKind, owner: number, field: string, text: string): BulkItem {
  return kind === 'ad' ? { op: 'add', ad_id: owner, field_type: field, text } : { op: 'add', asset_group_id: owner, field_type: field, text };
}
