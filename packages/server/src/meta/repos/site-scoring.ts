import type { Kysely } from 'kysely';
import type { MetaSchema } from '../schema';

/** A site's lead-scoring rules (scoring/), the JSON of core's scoringRulesSchema; absent = the default rules. */
export class SiteScoringRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async get(siteId: string): Promise<string | null> {
    const r = await this.db.selectFrom('site_scoring').select('rules').where('site_id', '=', siteId).executeTakeFirst();
    return r?.rules ?? null;
  }

  async set(siteId: string, rules: string, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('site_scoring')
      .values({ site_id: siteId, rules, updated_at: now })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ rules, updated_at: now }))
      .execute();
  }
}
