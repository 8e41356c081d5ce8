import type { Kysely, Selectable } from 'kysely';
import type { ImportJobsTable, MetaSchema } from '../schema';

export type ImportSource = 'plausible' | 'umami' | 'csv';
export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

export interface ImportJobRecord {
  id: string;
  site_id: string;
  source: ImportSource;
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  status: ImportStatus;
  /** 0..100 */
  progress: number;
  /** Aggregate rows (Plausible) or events (Umami, CSV) stored. */
  rows: number;
  /** Rows of the file left out (no valid time). */
  skipped: number;
  start_day: string | null;
  end_day: string | null;
  error: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

const toRecord = (r: Selectable<ImportJobsTable>): ImportJobRecord => ({
  ...r,
  source: r.source as ImportSource,
  status: r.status as ImportStatus,
  file_bytes: Number(r.file_bytes),
  progress: Number(r.progress),
  rows: Number(r.rows),
  skipped: Number(r.skipped),
  created_at: Number(r.created_at),
  updated_at: Number(r.updated_at),
  finished_at: r.finished_at === null ? null : Number(r.finished_at),
});

export type ImportJobUpdate = Partial<
  Pick<ImportJobRecord, 'status' | 'progress' | 'rows' | 'skipped' | 'start_day' | 'end_day' | 'error' | 'finished_at'>
>;

/** Import jobs (imports/): queued, running, done or failed, with progress; every read is scoped to a site. */
export class ImportJobRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  /** Creates the job, or resets the one with the same id (the same file imported again). */
  async upsert(job: Omit<ImportJobRecord, 'updated_at'>): Promise<ImportJobRecord> {
    const row = { ...job, updated_at: job.created_at };
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('import_jobs').where('id', '=', job.id).where('site_id', '=', job.site_id).execute();
      await trx.insertInto('import_jobs').values(row).execute();
    });
    return row;
  }

  async update(siteId: string, id: string, patch: ImportJobUpdate, now: number): Promise<void> {
    await this.db
      .updateTable('import_jobs')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .where('site_id', '=', siteId)
      .execute();
  }

  async get(siteId: string, id: string): Promise<ImportJobRecord | null> {
    const r = await this.db.selectFrom('import_jobs').selectAll().where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
    return r ? toRecord(r) : null;
  }

  async listForSite(siteId: string, limit = 100): Promise<ImportJobRecord[]> {
    const rows = await this.db
      .selectFrom('import_jobs')
      .selectAll()
      .where('site_id', '=', siteId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async delete(siteId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('import_jobs').where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async deleteForSite(siteId: string): Promise<number> {
    const r = await this.db.deleteFrom('import_jobs').where('site_id', '=', siteId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Jobs a stopped process left queued or running: their upload is gone, so they fail. */
  async failUnfinished(now: number, reason: string, updatedBefore: number): Promise<number> {
    const r = await this.db
      .updateTable('import_jobs')
      .set({ status: 'failed', error: reason, updated_at: now, finished_at: now })
      .where('status', 'in', ['queued', 'running'])
      .where('updated_at', '<', updatedBefore)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
