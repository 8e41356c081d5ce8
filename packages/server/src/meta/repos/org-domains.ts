import type { Kysely, Selectable } from 'kysely';
import type { MetaSchema, OrgDomainsTable } from '../schema';
import { newId, randomBase62 } from '../ids';

export type OrgDomainRecord = Selectable<OrgDomainsTable>;

const out = (r: OrgDomainRecord): OrgDomainRecord => ({
  ...r,
  verified_at: r.verified_at === null ? null : Number(r.verified_at),
  checked_at: r.checked_at === null ? null : Number(r.checked_at),
  created_at: Number(r.created_at),
});

/** An organization's custom host names (app or tracking); a host belongs to one organization at most. */
export class OrgDomainRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async list(orgId: string): Promise<OrgDomainRecord[]> {
    return (await this.db.selectFrom('org_domains').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute()).map(out);
  }

  /** null when the host is taken (by this or another organization). */
  async create(orgId: string, host: string, kind: string, now = Date.now()): Promise<OrgDomainRecord | null> {
    const row = {
      id: newId(),
      org_id: orgId,
      host,
      kind,
      token: randomBase62(32),
      verified_at: null,
      method: null,
      checked_at: null,
      last_error: null,
      created_at: now,
    };
    try {
      await this.db.insertInto('org_domains').values(row).execute();
    } catch {
      return null;
    }
    return row;
  }

  async get(orgId: string, id: string): Promise<OrgDomainRecord | null> {
    const r = await this.db.selectFrom('org_domains').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return r ? out(r) : null;
  }

  async byHost(host: string): Promise<OrgDomainRecord | null> {
    const r = await this.db.selectFrom('org_domains').selectAll().where('host', '=', host).executeTakeFirst();
    return r ? out(r) : null;
  }

  async byToken(token: string): Promise<OrgDomainRecord | null> {
    const r = await this.db.selectFrom('org_domains').selectAll().where('token', '=', token).executeTakeFirst();
    return r ? out(r) : null;
  }

  async recordCheck(id: string, result: { method: string | null; error: string | null }, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('org_domains')
      .set(
        result.method
          ? { verified_at: now, method: result.method, checked_at: now, last_error: null }
          : { checked_at: now, last_error: result.error?.slice(0, 300) ?? null },
      )
      .where('id', '=', id)
      .execute();
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('org_domains').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
