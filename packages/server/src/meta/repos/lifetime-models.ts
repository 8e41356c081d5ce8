import type { Kysely, Selectable } from 'kysely';
import type { LifetimeModelsTable, MetaSchema } from '../schema';

export type LifetimeModelRow = Selectable<LifetimeModelsTable>;

/**
 * A site's churn and lifetime-value model (lifetime/): one row per site, parameters and metrics as JSON.
 * No person data (people's numbers are computed on read), so not a lifecycle target; deleted with its site.
 */
export class LifetimeModelRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async get(siteId: string): Promise<LifetimeModelRow | null> {
    return (await this.db.selectFrom('lifetime_models').selectAll().where('site_id', '=', siteId).executeTakeFirst()) ?? null;
  }

  /** Marks training begun, keeping the last parameters and metrics (they stay in use until replaced). */
  async markTraining(siteId: string, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('lifetime_models')
      .values({
        site_id: siteId,
        status: 'training',
        params: null,
        metrics: null,
        error: null,
        people: null,
        trained_at: null,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ status: 'training', error: null, updated_at: now }))
      .execute();
  }

  /** A finished training: ready with new parameters, or another status with the reason (the last parameters kept). */
  async finish(
    siteId: string,
    r: { status: string; params?: string; metrics?: string; people: number | null; error: string | null },
    now = Date.now(),
  ): Promise<void> {
    const set = {
      status: r.status,
      error: r.error,
      updated_at: now,
      ...(r.params !== undefined ? { params: r.params, metrics: r.metrics ?? null, people: r.people, trained_at: now } : {}),
    };
    await this.db
      .insertInto('lifetime_models')
      .values({
        site_id: siteId,
        status: r.status,
        params: r.params ?? null,
        metrics: r.metrics ?? null,
        error: r.error,
        people: r.people,
        trained_at: r.params !== undefined ? now : null,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('site_id').doUpdateSet(set))
      .execute();
  }

  /** Sites whose model is ready or failed, for the daily retrain. */
  async listTrained(): Promise<LifetimeModelRow[]> {
    return this.db.selectFrom('lifetime_models').selectAll().orderBy('site_id').execute();
  }
}
