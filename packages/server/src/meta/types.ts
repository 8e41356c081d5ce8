/**
 * Records the rest of the server reads from the metadata store. The metadata module (Kysely over
 * SQLite or PostgreSQL) implements these; other modules depend only on these shapes.
 */
import type { KeyPermission, Role, Site } from '@tidemark/core';

export type { KeyPermission, Role };

/** A site: the same shape the API answers with (@tidemark/core `Site`). */
export type SiteRecord = Site;

export interface ApiKeyRecord {
  id: string;
  org_id: string;
  site_id: string | null; // null = every site of the org
  name: string;
  key_prefix: string;
  permissions: KeyPermission[];
  rate_limit_per_min: number;
  last_used_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

/** Daily salts for cookieless visitor ids (DESIGN §4), kept in the metadata store. */
export interface SaltStore {
  /** The salt for a UTC day (YYYY-MM-DD), created atomically on first use. */
  getOrCreate(day: string): Promise<string>;
  /** Deletes salts for days before `day`. */
  deleteBefore(day: string): Promise<number>;
}

export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];
export const KEY_PERMISSIONS: readonly KeyPermission[] = ['read', 'write', 'admin'];

export interface OrgRecord {
  id: string;
  name: string;
  slug: string;
  created_at: number;
}

/** A user as the rest of the server sees one; the password hash never leaves the users repository. */
export interface UserRecord {
  id: string;
  email: string;
  name: string;
  is_active: boolean;
  created_at: number;
}

export interface MemberRecord {
  org_id: string;
  user_id: string;
  email: string;
  name: string;
  role: Role;
  created_at: number;
}

export interface InvitationRecord {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

/** A login session; `id` is the SHA-256 of the cookie token. */
export interface SessionRecord {
  id: string;
  user_id: string;
  org_id: string | null;
  /** The reseller organization a session switched into one of its clients came through (tenancy/). */
  via_org_id: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}
