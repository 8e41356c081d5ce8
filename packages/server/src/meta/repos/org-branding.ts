import type { Kysely } from 'kysely';
import type { MetaSchema } from '../schema';

/** An organization's branding, as JSON (validated by the caller with core's orgBrandingSchema). */
export class OrgBrandingRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async get(orgId: string): Promise<string | null> {
    const r = await this.db.selectFrom('org_branding').select('config').where('org_id', '=', orgId).executeTakeFirst();
    return r?.config ?? null;
  }

  async set(orgId: string, config: string, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('org_branding')
      .values({ org_id: orgId, config, updated_at: now })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ config, updated_at: now }))
      .execute();
  }
}
