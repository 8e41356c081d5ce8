import type { Kysely } from 'kysely';
import type { MetaSchema } from '../schema';
import type { MemberRecord, Role } from '../types';

export class MemberRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async add(orgId: string, userId: string, role: Role, invitedBy: string | null = null, db: Kysely<MetaSchema> = this.db): Promise<void> {
    await db
      .insertInto('organization_members')
      .values({ org_id: orgId, user_id: userId, role, invited_by: invitedBy, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
      .execute();
  }

  /** The user's role in the organization, or null when not a member. */
  async roleOf(orgId: string, userId: string): Promise<Role | null> {
    const r = await this.db
      .selectFrom('organization_members')
      .select('role')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r ? (r.role as Role) : null;
  }

  async list(orgId: string): Promise<MemberRecord[]> {
    const rows = await this.db
      .selectFrom('organization_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.org_id', 'm.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
      .where('m.org_id', '=', orgId)
      .orderBy('m.created_at')
      .orderBy('u.email')
      .execute();
    return rows.map((r) => ({ ...r, role: r.role as Role, created_at: Number(r.created_at) }));
  }

  async setRole(orgId: string, userId: string, role: Role): Promise<boolean> {
    const r = await this.db
      .updateTable('organization_members')
      .set({ role })
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async remove(orgId: string, userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('organization_members').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async countOwners(orgId: string): Promise<number> {
    const r = await this.db
      .selectFrom('organization_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
