import type { Kysely } from 'kysely';
import { conflict } from '@tidemark/core';
import type { MetaSchema } from '../schema';
import type { OrgRecord, Role } from '../types';
import { newId, randomBase62 } from '../ids';
import { isUniqueViolation } from './util';

function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return base || 'org';
}

const toOrg = (r: { id: string; name: string; slug: string; created_at: number }): OrgRecord => ({
  id: r.id,
  name: r.name,
  slug: r.slug,
  created_at: Number(r.created_at),
});

export class OrgRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  /** Creates an organization with a unique slug derived from its name. */
  async create(name: string, db: Kysely<MetaSchema> = this.db): Promise<OrgRecord> {
    const now = Date.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const slug = attempt === 0 ? slugify(name) : `${slugify(name)}-${randomBase62(6).toLowerCase()}`;
      const row = { id: newId(), name, slug, created_at: now, updated_at: now };
      try {
        await db.insertInto('organizations').values(row).execute();
        return toOrg(row);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    throw conflict('slug_taken', 'Could not allocate a unique organization slug');
  }

  async byId(id: string): Promise<OrgRecord | null> {
    const r = await this.db
      .selectFrom('organizations')
      .select(['id', 'name', 'slug', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toOrg(r) : null;
  }

  async rename(id: string, name: string): Promise<OrgRecord | null> {
    await this.db.updateTable('organizations').set({ name, updated_at: Date.now() }).where('id', '=', id).execute();
    return this.byId(id);
  }

  /** Organizations the user belongs to, with the user's role in each, oldest membership first. */
  async listForUser(userId: string): Promise<Array<OrgRecord & { role: Role }>> {
    const rows = await this.db
      .selectFrom('organization_members as m')
      .innerJoin('organizations as o', 'o.id', 'm.org_id')
      .select(['o.id', 'o.name', 'o.slug', 'o.created_at', 'm.role', 'm.created_at as joined_at'])
      .where('m.user_id', '=', userId)
      .orderBy('joined_at')
      .orderBy('o.id')
      .execute();
    return rows.map((r) => ({ ...toOrg(r), role: r.role as Role }));
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('organizations').where('id', '=', id).execute();
  }
}
