import type { Kysely, Selectable } from 'kysely';
import type { MetaSchema, SessionsTable } from '../schema';
import type { SessionRecord } from '../types';
import { newToken, sha256Hex } from '../ids';

const toSession = (r: Selectable<SessionsTable>): SessionRecord => ({
  id: r.id,
  user_id: r.user_id,
  org_id: r.org_id,
  via_org_id: r.via_org_id ?? null,
  created_at: Number(r.created_at),
  last_seen_at: Number(r.last_seen_at),
  expires_at: Number(r.expires_at),
});

/** Login sessions. The cookie carries a random token; the table keys sessions by its SHA-256. */
export class SessionRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async create(input: {
    userId: string;
    orgId: string | null;
    absoluteMs: number;
    userAgent?: string;
    expiresAt?: number;
    viaOrgId?: string | null;
  }): Promise<{ token: string; record: SessionRecord }> {
    const token = newToken();
    const now = Date.now();
    const row = {
      id: sha256Hex(token),
      user_id: input.userId,
      org_id: input.orgId,
      created_at: now,
      last_seen_at: now,
      expires_at: input.expiresAt ?? now + input.absoluteMs,
      user_agent: (input.userAgent ?? '').slice(0, 255),
      via_org_id: input.viaOrgId ?? null,
    };
    await this.db.insertInto('sessions').values(row).execute();
    return { token, record: toSession(row) };
  }

  async byToken(token: string): Promise<SessionRecord | null> {
    const r = await this.db.selectFrom('sessions').selectAll().where('id', '=', sha256Hex(token)).executeTakeFirst();
    return r ? toSession(r) : null;
  }

  async touch(id: string, now = Date.now()): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }

  /** The organization the session shows; `viaOrgId` when a reseller's admin switched into its client. */
  async setOrg(id: string, orgId: string | null, viaOrgId: string | null = null): Promise<void> {
    await this.db.updateTable('sessions').set({ org_id: orgId, via_org_id: viaOrgId }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  /** Removes sessions past their absolute end or idle longer than `idleMs`. */
  async deleteExpired(idleMs: number, now = Date.now()): Promise<number> {
    const r = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
