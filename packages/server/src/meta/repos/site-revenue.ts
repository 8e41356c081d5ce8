import type { Kysely } from 'kysely';
import type { MetaSchema } from '../schema';

export interface SiteRevenueRecord {
  site_id: string;
  /** The Stripe signing secret, sealed (secrets/ ServerKeys.seal); never leaves the server. */
  stripe_secret_sealed: string | null;
  /** ISO 4217 reporting currency. */
  currency: string;
}

export interface ExchangeRate {
  currency: string;
  day: string;
  per_eur: number;
}

/** Revenue settings of each site (revenue/) and the exchange-rate table (ECB reference rates, per EUR). */
export class SiteRevenueRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async get(siteId: string): Promise<SiteRevenueRecord> {
    const r = await this.db.selectFrom('site_revenue').selectAll().where('site_id', '=', siteId).executeTakeFirst();
    return { site_id: siteId, stripe_secret_sealed: r?.stripe_secret_sealed ?? null, currency: r?.currency ?? 'USD' };
  }

  /** Sets the given fields (a null secret removes it). */
  async set(siteId: string, patch: { stripe_secret_sealed?: string | null; currency?: string }): Promise<SiteRevenueRecord> {
    const cur = await this.get(siteId);
    const row = {
      site_id: siteId,
      stripe_secret_sealed: patch.stripe_secret_sealed !== undefined ? patch.stripe_secret_sealed : cur.stripe_secret_sealed,
      currency: patch.currency ?? cur.currency,
      updated_at: Date.now(),
    };
    await this.db
      .insertInto('site_revenue')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('site_id')
          .doUpdateSet({ stripe_secret_sealed: row.stripe_secret_sealed, currency: row.currency, updated_at: row.updated_at }),
      )
      .execute();
    return { site_id: siteId, stripe_secret_sealed: row.stripe_secret_sealed, currency: row.currency };
  }

  /** Adds or replaces rates (one row per currency and day). */
  async putRates(rates: ExchangeRate[]): Promise<number> {
    for (let i = 0; i < rates.length; i += 200) {
      const chunk = rates.slice(i, i + 200);
      await this.db
        .insertInto('exchange_rates')
        .values(chunk)
        .onConflict((oc) => oc.columns(['currency', 'day']).doUpdateSet((eb) => ({ per_eur: eb.ref('excluded.per_eur') })))
        .execute();
    }
    return rates.length;
  }

  /** Every rate, oldest day first. */
  async rates(): Promise<ExchangeRate[]> {
    const rows = await this.db.selectFrom('exchange_rates').selectAll().orderBy('day').orderBy('currency').execute();
    return rows.map((r) => ({ currency: r.currency, day: r.day, per_eur: Number(r.per_eur) }));
  }
}
