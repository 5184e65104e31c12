import type { Role } from './api/client';

const rank: Record<Role, number> = { viewer: 0, editor: 1, publisher: 2, admin: 3 };

/** atLeast mirrors the server's role order; the server checks every operation again. */
export function atLeast(role: Role | null | undefined, min: Role): boolean {
  return role != null && rank[role] >= rank[min];
}

/**
 * The minimum role of each lifecycle event, as x-imaphub-min-role declares
 * for POST /api/campaigns/{id}/{event}. A control for an event the role may
 * not send is not shown.
 */
export const eventRole: Record<string, Role> = {
  submit: 'editor',
  generate: 'editor',
  approve: 'publisher',
  reopen: 'editor',
  return_to_draft: 'editor',
  archive: 'editor',
  edit: 'editor',
  pause: 'publisher',
  resume: 'publisher',
  publish: 'publisher',
};
