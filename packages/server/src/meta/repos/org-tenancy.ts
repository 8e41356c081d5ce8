import { sql, type Kysely } from 'kysely';
import type { MetaSchema } from '../schema';
import type { OrgRecord } from '../types';

/** An organization's place among resellers and its limits (tenancy/). */
export interface OrgTenancy {
  id: string;
  name: string;
  parent_org_id: string | null;
  is_reseller: boolean;
  max_sub_organizations: number | null;
  max_sites_per_sub_org: number | null;
  max_events_per_sub_org: number | null;
  events_soft_limit: number | null;
  events_hard_limit: number | null;
}

const num = (v: number | string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** The reseller columns of `organizations`: flags, limits, and the clients of a reseller. */
export class OrgTenancyRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async get(orgId: string): Promise<OrgTenancy | null> {
    const r = await this.db
      .selectFrom('organizations')
      .select([
        'id',
        'name',
        'parent_org_id',
        'is_reseller',
        'max_sub_organizations',
        'max_sites_per_sub_org',
        'max_events_per_sub_org',
        'events_soft_limit',
        'events_hard_limit',
      ])
      .where('id', '=', orgId)
      .executeTakeFirst();
    if (!r) return null;
    return {
      id: r.id,
      name: r.name,
      parent_org_id: r.parent_org_id ?? null,
      is_reseller: Number(r.is_reseller) === 1,
      max_sub_organizations: num(r.max_sub_organizations),
      max_sites_per_sub_org: num(r.max_sites_per_sub_org),
      max_events_per_sub_org: num(r.max_events_per_sub_org),
      events_soft_limit: num(r.events_soft_limit),
      events_hard_limit: num(r.events_hard_limit),
    };
  }

  /** An organization's id by its id or slug (the operator's command line names either). */
  async resolve(idOrSlug: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('organizations')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
      .executeTakeFirst();
    return r?.id ?? null;
  }

  async setReseller(
    orgId: string,
    on: boolean,
    limits: { max_sub_organizations: number | null; max_sites_per_sub_org: number | null; max_events_per_sub_org: number | null },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('organizations')
      .set({ is_reseller: on ? 1 : 0, ...limits, updated_at: Date.now() })
      .where('id', '=', orgId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async setParent(orgId: string, parentId: string, db: Kysely<MetaSchema> = this.db): Promise<void> {
    await db.updateTable('organizations').set({ parent_org_id: parentId, updated_at: Date.now() }).where('id', '=', orgId).execute();
  }

  /**
   * Organizations for the instance's administrators, by name: each with its tenancy columns and its
   * counts of clients and sites; at most `limit`, narrowed by part of the name or slug.
   */
  async listForAdmin(q: string | undefined, limit: number): Promise<Array<OrgTenancy & OrgRecord & { clients: number; sites: number }>> {
    let query = this.db
      .selectFrom('organizations as o')
      .select((eb) => [
        'o.id',
        'o.name',
        'o.slug',
        'o.created_at',
        'o.parent_org_id',
        'o.is_reseller',
        'o.max_sub_organizations',
        'o.max_sites_per_sub_org',
        'o.max_events_per_sub_org',
        'o.events_soft_limit',
        'o.events_hard_limit',
        eb.selectFrom('organizations as c').select(eb.fn.countAll<number>().as('n')).whereRef('c.parent_org_id', '=', 'o.id').as('clients'),
        eb.selectFrom('sites as s').select(eb.fn.countAll<number>().as('n')).whereRef('s.org_id', '=', 'o.id').as('sites'),
      ]);
    if (q) {
      // LIKE's wildcards in the search are matched as themselves.
      const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['o.name']), 'like', sql<string>`${pattern} escape '\\'`),
          eb(eb.fn('lower', ['o.slug']), 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      );
    }
    const rows = await query.orderBy('o.name').orderBy('o.id').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      slug: r.slug,
      created_at: Number(r.created_at),
      parent_org_id: r.parent_org_id ?? null,
      is_reseller: Number(r.is_reseller) === 1,
      max_sub_organizations: num(r.max_sub_organizations),
      max_sites_per_sub_org: num(r.max_sites_per_sub_org),
      max_events_per_sub_org: num(r.max_events_per_sub_org),
      events_soft_limit: num(r.events_soft_limit),
      events_hard_limit: num(r.events_hard_limit),
      clients: Number(r.clients ?? 0),
      sites: Number(r.sites ?? 0),
    }));
  }

  async setEventLimits(
    orgId: string,
    limits: { events_soft_limit?: number | null; events_hard_limit?: number | null },
    db: Kysely<MetaSchema> = this.db,
  ): Promise<void> {
    if (limits.events_soft_limit === undefined && limits.events_hard_limit === undefined) return;
    await db
      .updateTable('organizations')
      .set({ ...limits, updated_at: Date.now() })
      .where('id', '=', orgId)
      .execute();
  }

  /** A reseller's clients, oldest first. */
  async clients(resellerId: string): Promise<OrgRecord[]> {
    const rows = await this.db
      .selectFrom('organizations')
      .select(['id', 'name', 'slug', 'created_at'])
      .where('parent_org_id', '=', resellerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, created_at: Number(r.created_at) }));
  }

  async countClients(resellerId: string): Promise<number> {
    const r = await this.db
      .selectFrom('organizations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('parent_org_id', '=', resellerId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async countSites(orgId: string): Promise<number> {
    const r = await this.db
      .selectFrom('sites')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async countSeats(orgId: string): Promise<number> {
    const r = await this.db
      .selectFrom('organization_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
