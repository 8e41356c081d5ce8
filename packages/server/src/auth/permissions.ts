import type { KeyPermission, Role } from '../meta';

/**
 * What each role may do (documented in docs/accounts.md):
 *  - viewer: read the organization's sites and stats; change nothing.
 *  - member: viewer + create sites, edit site settings, goals/funnels/annotations ("write").
 *  - admin:  member + delete sites, manage API keys, members and invitations ("admin").
 *  - owner:  admin + manage owners, rename the organization.
 */
export type Need = 'read' | 'write' | 'admin';

const RANK: Record<Role, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };

export const roleAtLeast = (role: Role, min: Role): boolean => RANK[role] >= RANK[min];

export function roleAllows(role: Role, need: Need): boolean {
  if (need === 'read') return true;
  if (need === 'write') return roleAtLeast(role, 'member');
  return roleAtLeast(role, 'admin');
}

/** Keys: "admin" implies read and write; "write" alone is ingestion only; "read" is the read API. */
export function keyAllows(perms: readonly KeyPermission[], need: Need): boolean {
  return perms.includes('admin') || perms.includes(need);
}
