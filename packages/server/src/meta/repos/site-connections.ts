import type { Kysely } from 'kysely';
import type { MetaSchema } from '../schema';

export interface SiteConnectionRow {
  site_id: string;
  provider: string;
  /** null: the provider's default base URL. */
  base_url: string | null;
  /** The token as ServerKeys.seal left it (destinations/ seals and opens it). */
  token_sealed: string;
  updated_at: number;
}

/** A site's connections to outside providers (HubSpot, Klaviyo): one row per provider, removed with the site. */
export class SiteConnectionRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async list(siteId: string): Promise<SiteConnectionRow[]> {
    return this.db.selectFrom('site_connections').selectAll().where('site_id', '=', siteId).orderBy('provider').execute();
  }

  async get(siteId: string, provider: string): Promise<SiteConnectionRow | null> {
    const r = await this.db
      .selectFrom('site_connections')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return r ?? null;
  }

  async put(row: SiteConnectionRow): Promise<void> {
    const { base_url, token_sealed, updated_at } = row;
    await this.db
      .insertInto('site_connections')
      .values(row)
      .onConflict((oc) => oc.columns(['site_id', 'provider']).doUpdateSet({ base_url, token_sealed, updated_at }))
      .execute();
  }

  /** Whether a row was removed. */
  async delete(siteId: string, provider: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('site_connections')
      .where('site_id', '=', siteId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
