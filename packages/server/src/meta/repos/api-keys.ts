import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, MetaSchema } from '../schema';
import type { ApiKeyRecord, KeyPermission } from '../types';
import { TtlCache } from '../cache';
import { newId, randomBase62, sha256Hex } from '../ids';
import { parseJsonList } from './util';

export const API_KEY_PREFIX = 'tm_live_';
/** 32 base62 characters = 190 bits of randomness. */
const KEY_RANDOM_CHARS = 32;
/** Characters shown in listings: the fixed prefix plus 6 random ones. */
const DISPLAY_PREFIX_CHARS = API_KEY_PREFIX.length + 6;
/** last_used_at is written at most this often per key, so verification stays a read. */
const LAST_USED_RESOLUTION_MS = 60_000;

const toKey = (r: Selectable<ApiKeysTable>): ApiKeyRecord => ({
  id: r.id,
  org_id: r.org_id,
  site_id: r.site_id,
  name: r.name,
  key_prefix: r.key_prefix,
  permissions: parseJsonList(r.permissions) as KeyPermission[],
  rate_limit_per_min: Number(r.rate_limit_per_min),
  last_used_at: r.last_used_at === null ? null : Number(r.last_used_at),
  revoked_at: r.revoked_at === null ? null : Number(r.revoked_at),
  created_at: Number(r.created_at),
});

export interface ApiKeyCreateInput {
  orgId: string;
  siteId: string | null;
  name: string;
  permissions: KeyPermission[];
  rateLimitPerMin: number;
  createdBy: string | null;
  expiresAt?: number | null;
}

/** Keys look like tm_live_<base62>; anything else is rejected before touching the database. */
export const looksLikeApiKey = (raw: string): boolean => /^tm_live_[0-9A-Za-z]{20,128}$/.test(raw);

export class ApiKeyRepo {
  private readonly cache = new TtlCache<{ key: ApiKeyRecord; expiresAt: number | null } | null>(10_000);
  private readonly lastWritten = new Map<string, number>();

  constructor(private readonly db: Kysely<MetaSchema>) {}

  /** Creates a key; the raw key is returned once and only its SHA-256 is stored. */
  async create(input: ApiKeyCreateInput): Promise<{ record: ApiKeyRecord; rawKey: string }> {
    const rawKey = API_KEY_PREFIX + randomBase62(KEY_RANDOM_CHARS);
    const row = {
      id: newId(),
      org_id: input.orgId,
      site_id: input.siteId,
      name: input.name,
      key_hash: sha256Hex(rawKey),
      key_prefix: rawKey.slice(0, DISPLAY_PREFIX_CHARS),
      permissions: JSON.stringify([...new Set(input.permissions)]),
      rate_limit_per_min: input.rateLimitPerMin,
      created_by: input.createdBy,
      last_used_at: null,
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
      created_at: Date.now(),
    };
    await this.db.insertInto('api_keys').values(row).execute();
    return { record: toKey(row), rawKey };
  }

  /** The active key for a raw key, or null (unknown, revoked, expired). Records use cheaply. */
  async verify(rawKey: string): Promise<ApiKeyRecord | null> {
    if (!looksLikeApiKey(rawKey)) return null;
    const hash = sha256Hex(rawKey);
    let entry = this.cache.get(hash);
    if (entry === undefined) {
      const r = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
      entry = r ? { key: toKey(r), expiresAt: r.expires_at === null ? null : Number(r.expires_at) } : null;
      this.cache.set(hash, entry);
    }
    if (!entry) return null;
    const now = Date.now();
    if (entry.key.revoked_at !== null || (entry.expiresAt !== null && entry.expiresAt <= now)) return null;
    await this.markUsed(entry.key, now);
    return entry.key;
  }

  private async markUsed(key: ApiKeyRecord, now: number): Promise<void> {
    const last = this.lastWritten.get(key.id) ?? key.last_used_at ?? 0;
    if (now - last < LAST_USED_RESOLUTION_MS) return;
    this.lastWritten.set(key.id, now);
    key.last_used_at = now;
    await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', key.id).execute();
  }

  async byId(id: string): Promise<ApiKeyRecord | null> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toKey(r) : null;
  }

  /** Active (unrevoked) keys of an organization, newest first. */
  async listByOrg(orgId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toKey);
  }

  async revoke(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    this.cache.deleteWhere((e) => e?.key.id === id);
    return Number(r.numUpdatedRows) > 0;
  }
}
