import type { Kysely, Selectable } from 'kysely';
import type { MetaSchema, SegmentModelsTable } from '../schema';

export type SegmentModelRow = Selectable<SegmentModelsTable>;

/** A site's segment model and training status (segments/), one row per site; the labels job's watermark beside it. */
export class SegmentModelRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async get(siteId: string): Promise<SegmentModelRow | null> {
    return (await this.db.selectFrom('segment_models').selectAll().where('site_id', '=', siteId).executeTakeFirst()) ?? null;
  }

  /** Sites with a trained model (the labels job's round). */
  async trainedSites(): Promise<string[]> {
    const rows = await this.db.selectFrom('segment_models').select('site_id').where('model', 'is not', null).orderBy('site_id').execute();
    return rows.map((r) => r.site_id);
  }

  /** Marks a training started (status `training`), keeping the current model. */
  async markTraining(siteId: string, now: number): Promise<void> {
    await this.db
      .insertInto('segment_models')
      .values({ site_id: siteId, status: 'training', people: 0, updated_at: now })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ status: 'training', error: null, updated_at: now }))
      .execute();
  }

  async saveModel(siteId: string, m: { model: string; k: number; silhouette: number; people: number; trainedAt: number }): Promise<void> {
    const values = { status: 'trained', model: m.model, k: m.k, silhouette: m.silhouette, people: m.people, trained_at: m.trainedAt };
    await this.db
      .insertInto('segment_models')
      .values({ site_id: siteId, ...values, updated_at: m.trainedAt })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ ...values, error: null, updated_at: m.trainedAt }))
      .execute();
  }

  /** A failed training: the previous model (if any) stays active. */
  async markFailed(siteId: string, error: string, now: number): Promise<void> {
    await this.db
      .updateTable('segment_models')
      .set({ status: 'failed', error: error.slice(0, 500), updated_at: now })
      .where('site_id', '=', siteId)
      .execute();
  }

  /** The site's row, made (`untrained`) when it has none: the labels job keeps its watermark there. */
  async ensure(siteId: string, now: number): Promise<SegmentModelRow> {
    await this.db
      .insertInto('segment_models')
      .values({ site_id: siteId, status: 'untrained', people: 0, updated_at: now })
      .onConflict((oc) => oc.column('site_id').doNothing())
      .execute();
    return (await this.get(siteId))!;
  }

  /**
   * Sets the labels job's watermark; with `trainedAt` only while the model is still that one (a training
   * meanwhile reset it so that everyone is labelled again).
   */
  async setLabelsWatermark(siteId: string, watermark: number | null, trainedAt?: number | null): Promise<void> {
    let q = this.db.updateTable('segment_models').set({ labels_watermark: watermark }).where('site_id', '=', siteId);
    if (trainedAt !== undefined) q = trainedAt === null ? q.where('trained_at', 'is', null) : q.where('trained_at', '=', trainedAt);
    await q.execute();
  }
}
