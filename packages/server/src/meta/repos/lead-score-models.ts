import type { Kysely, Selectable } from 'kysely';
import type { LeadScoreModelsTable, MetaSchema } from '../schema';
import { newId } from '../ids';

export type LeadScoreModelRow = Selectable<LeadScoreModelsTable>;

/** Models kept per site: the newest ones, and always the active one. */
const KEEP = 10;

/**
 * A site's lead-score models (scoring/) and its scoring mode. Models hold coefficients and metrics
 * only. Callers check the site belongs to the caller's organization; every query names the site.
 */
export class LeadScoreModelRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async settings(siteId: string): Promise<{ mode: string; goal_id: string | null; horizon_days: number | null } | null> {
    const r = await this.db
      .selectFrom('lead_score_settings')
      .select(['mode', 'goal_id', 'horizon_days'])
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return r ? { mode: r.mode, goal_id: r.goal_id, horizon_days: r.horizon_days === null ? null : Number(r.horizon_days) } : null;
  }

  async setMode(siteId: string, mode: string, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('lead_score_settings')
      .values({ site_id: siteId, mode, goal_id: null, horizon_days: null, updated_at: now })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ mode, updated_at: now }))
      .execute();
  }

  /** The goal and horizon the daily retraining uses: those of the last training asked for. */
  async setTarget(siteId: string, goalId: string, horizonDays: number, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('lead_score_settings')
      .values({ site_id: siteId, mode: 'rules', goal_id: goalId, horizon_days: horizonDays, updated_at: now })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ goal_id: goalId, horizon_days: horizonDays, updated_at: now }))
      .execute();
  }

  /** Sites in model mode with a training target (the retraining job's list). */
  async modelModeSites(): Promise<Array<{ site_id: string; goal_id: string; horizon_days: number }>> {
    const rows = await this.db
      .selectFrom('lead_score_settings')
      .select(['site_id', 'goal_id', 'horizon_days'])
      .where('mode', '=', 'model')
      .where('goal_id', 'is not', null)
      .execute();
    return rows.map((r) => ({ site_id: r.site_id, goal_id: r.goal_id!, horizon_days: Number(r.horizon_days) }));
  }

  async create(siteId: string, goalId: string, horizonDays: number, now = Date.now()): Promise<string> {
    const id = newId();
    await this.db
      .insertInto('lead_score_models')
      .values({ id, site_id: siteId, goal_id: goalId, horizon_days: horizonDays, status: 'queued', requested_at: now })
      .execute();
    return id;
  }

  async update(
    siteId: string,
    id: string,
    patch: Partial<Pick<LeadScoreModelRow, 'status' | 'error' | 'metrics' | 'model' | 'people' | 'trained_at'>>,
  ): Promise<void> {
    await this.db.updateTable('lead_score_models').set(patch).where('site_id', '=', siteId).where('id', '=', id).execute();
  }

  /** The newest model asked for (whatever its status). */
  async latest(siteId: string): Promise<LeadScoreModelRow | null> {
    const r = await this.db
      .selectFrom('lead_score_models')
      .selectAll()
      .where('site_id', '=', siteId)
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return r ?? null;
  }

  async active(siteId: string): Promise<LeadScoreModelRow | null> {
    const r = await this.db
      .selectFrom('lead_score_models')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('active', '=', 1)
      .executeTakeFirst();
    return r ?? null;
  }

  /** Makes `id` the site's one active model, and forgets all but the newest others. */
  async activate(siteId: string, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('lead_score_models').set({ active: 0 }).where('site_id', '=', siteId).execute();
      await tx.updateTable('lead_score_models').set({ active: 1 }).where('site_id', '=', siteId).where('id', '=', id).execute();
    });
    await this.prune(siteId);
  }

  async prune(siteId: string): Promise<void> {
    const keep = await this.db
      .selectFrom('lead_score_models')
      .select('id')
      .where('site_id', '=', siteId)
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .limit(KEEP)
      .execute();
    await this.db
      .deleteFrom('lead_score_models')
      .where('site_id', '=', siteId)
      .where('active', '=', 0)
      .where(
        'id',
        'not in',
        keep.map((k) => k.id),
      )
      .execute();
  }

  /** Models left queued or training by a process that stopped: failed, to be asked for again. */
  async failUnfinished(message: string): Promise<number> {
    const r = await this.db
      .updateTable('lead_score_models')
      .set({ status: 'failed', error: message })
      .where('status', 'in', ['queued', 'training'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
