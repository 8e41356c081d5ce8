import type { Kysely, Selectable } from 'kysely';
import type { Annotation, AnnotationCategory } from '@tidemark/core';
import type { AnnotationsTable, MetaSchema } from '../schema';
import { newId } from '../ids';

/** A site has at most this many annotations (a chart's markers stay one small read). */
export const MAX_ANNOTATIONS_PER_SITE = 5000;

export interface AnnotationRow {
  at: number;
  title: string;
  description: string | null;
  category: AnnotationCategory;
}

const toAnnotation = (r: Selectable<AnnotationsTable>): Annotation => ({
  id: r.id,
  site_id: r.site_id,
  date: new Date(Number(r.at)).toISOString(),
  title: r.title,
  description: r.description,
  category: r.category as AnnotationCategory,
  created_at: new Date(Number(r.created_at)).toISOString(),
  updated_at: new Date(Number(r.updated_at)).toISOString(),
});

/** A site's annotations; every query names the site (callers check access to it first). */
export class AnnotationRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  /** Oldest first; with a range, only those at or after `fromMs` and before `toMs`. */
  async list(siteId: string, range?: { fromMs: number; toMs: number }): Promise<Annotation[]> {
    let q = this.db.selectFrom('annotations').selectAll().where('site_id', '=', siteId);
    if (range) q = q.where('at', '>=', range.fromMs).where('at', '<', range.toMs);
    const rows = await q.orderBy('at').orderBy('id').limit(MAX_ANNOTATIONS_PER_SITE).execute();
    return rows.map(toAnnotation);
  }

  async count(siteId: string): Promise<number> {
    const r = await this.db
      .selectFrom('annotations')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async get(siteId: string, id: string): Promise<Annotation | null> {
    const r = await this.db.selectFrom('annotations').selectAll().where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
    return r ? toAnnotation(r) : null;
  }

  async create(siteId: string, input: AnnotationRow, createdBy: string | null, now = Date.now()): Promise<Annotation> {
    const row = { id: newId(), site_id: siteId, ...input, created_by: createdBy, created_at: now, updated_at: now };
    await this.db.insertInto('annotations').values(row).execute();
    return toAnnotation(row);
  }

  async update(siteId: string, id: string, patch: Partial<AnnotationRow>, now = Date.now()): Promise<Annotation | null> {
    await this.db
      .updateTable('annotations')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .where('site_id', '=', siteId)
      .execute();
    return this.get(siteId, id);
  }

  async delete(siteId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('annotations').where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
