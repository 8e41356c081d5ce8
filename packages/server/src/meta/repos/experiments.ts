import type { Kysely, Selectable } from 'kysely';
import {
  experimentMetricSchema,
  experimentVariantSchema,
  EXPERIMENT_STATUSES,
  type Experiment,
  type ExperimentInput,
} from '@tidemark/core';
import type { ExperimentsTable, MetaSchema } from '../schema';
import { newId } from '../ids';

export const MAX_EXPERIMENTS_PER_SITE = 100;

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** A stored row back to an experiment; a row that no longer parses (never written so) is left out. */
function toExperiment(r: Selectable<ExperimentsTable>): Experiment | null {
  try {
    const variants = experimentVariantSchema.array().parse(JSON.parse(r.variants));
    const metric = experimentMetricSchema.parse(JSON.parse(r.metric));
    const status = EXPERIMENT_STATUSES.find((s) => s === r.status);
    if (!status) return null;
    return {
      id: r.id,
      site_id: r.site_id,
      key: r.key,
      name: r.name,
      variants,
      metric,
      status,
      winner: r.winner,
      started_at: iso(r.started_at),
      stopped_at: iso(r.stopped_at),
      created_at: iso(r.created_at)!,
      updated_at: iso(r.updated_at)!,
    };
  } catch {
    return null;
  }
}

export interface ExperimentChange {
  name?: string;
  variants?: ExperimentInput['variants'];
  metric?: ExperimentInput['metric'];
  status?: Experiment['status'];
  winner?: string | null;
  started_at?: number | null;
  stopped_at?: number | null;
}

/** A site's experiments. Callers check the site belongs to the caller's organization; every query names the site. */
export class ExperimentRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async list(siteId: string): Promise<Experiment[]> {
    const rows = await this.db
      .selectFrom('experiments')
      .selectAll()
      .where('site_id', '=', siteId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toExperiment).filter((e): e is Experiment => e !== null);
  }

  async count(siteId: string): Promise<number> {
    const r = await this.db
      .selectFrom('experiments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async get(siteId: string, id: string): Promise<Experiment | null> {
    const r = await this.db.selectFrom('experiments').selectAll().where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
    return r ? toExperiment(r) : null;
  }

  async byKey(siteId: string, key: string): Promise<Experiment | null> {
    const r = await this.db.selectFrom('experiments').selectAll().where('site_id', '=', siteId).where('key', '=', key).executeTakeFirst();
    return r ? toExperiment(r) : null;
  }

  async create(siteId: string, input: ExperimentInput, now = Date.now()): Promise<Experiment> {
    const id = newId();
    await this.db
      .insertInto('experiments')
      .values({
        id,
        site_id: siteId,
        key: input.key,
        name: input.name,
        variants: JSON.stringify(input.variants),
        metric: JSON.stringify(input.metric),
        status: 'draft',
        winner: null,
        started_at: null,
        stopped_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return (await this.get(siteId, id))!;
  }

  /**
   * Applies a change (the caller validated it) when the experiment is still in status `from`, so two
   * concurrent transitions cannot both succeed; null when it is not the site's or no longer in `from`.
   */
  async update(
    siteId: string,
    id: string,
    from: Experiment['status'],
    change: ExperimentChange,
    now = Date.now(),
  ): Promise<Experiment | null> {
    const set: Partial<Selectable<ExperimentsTable>> = { updated_at: now };
    if (change.name !== undefined) set.name = change.name;
    if (change.variants !== undefined) set.variants = JSON.stringify(change.variants);
    if (change.metric !== undefined) set.metric = JSON.stringify(change.metric);
    if (change.status !== undefined) set.status = change.status;
    if (change.winner !== undefined) set.winner = change.winner;
    if (change.started_at !== undefined) set.started_at = change.started_at;
    if (change.stopped_at !== undefined) set.stopped_at = change.stopped_at;
    const r = await this.db
      .updateTable('experiments')
      .set(set)
      .where('site_id', '=', siteId)
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0 ? this.get(siteId, id) : null;
  }

  async delete(siteId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('experiments').where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
