import type { Kysely, Selectable } from 'kysely';
import type { PrivacyRequestsTable, MetaSchema } from '../schema';
import { newId } from '../ids';

export type PrivacyRequestRecord = Omit<Selectable<PrivacyRequestsTable>, 'archive'> & { has_archive: boolean };

export interface PrivacyRequestInsert {
  org_id: string;
  site_id: string;
  type: string;
  subject_kind: string;
  subject_mask: string;
  subject_sealed: string;
  requested_by: string;
  requested_at: number;
  due_at: number;
}

const COLUMNS = [
  'id',
  'org_id',
  'site_id',
  'type',
  'subject_kind',
  'subject_mask',
  'subject_sealed',
  'status',
  'requested_by',
  'requested_at',
  'due_at',
  'started_at',
  'completed_at',
  'found',
  'removed',
  'error',
] as const;

/** Data-subject requests of a site; the archive (base64 zip) is read only on its own. */
export class PrivacyRequestRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  private select() {
    return this.db
      .selectFrom('privacy_requests')
      .select(COLUMNS)
      .select((eb) => eb.case().when('archive', 'is not', null).then(1).else(0).end().as('has_archive'));
  }

  private static out(r: Omit<Selectable<PrivacyRequestsTable>, 'archive'> & { has_archive: unknown }): PrivacyRequestRecord {
    return {
      ...r,
      requested_at: Number(r.requested_at),
      due_at: Number(r.due_at),
      started_at: r.started_at === null ? null : Number(r.started_at),
      completed_at: r.completed_at === null ? null : Number(r.completed_at),
      has_archive: Number(r.has_archive) === 1,
    };
  }

  async create(input: PrivacyRequestInsert): Promise<PrivacyRequestRecord> {
    const id = newId();
    await this.db
      .insertInto('privacy_requests')
      .values({ id, ...input, status: 'pending' })
      .execute();
    return (await this.get(input.site_id, id))!;
  }

  async get(siteId: string, id: string): Promise<PrivacyRequestRecord | null> {
    const r = await this.select().where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
    return r ? PrivacyRequestRepo.out(r) : null;
  }

  async list(siteId: string, limit = 200): Promise<PrivacyRequestRecord[]> {
    const rows = await this.select().where('site_id', '=', siteId).orderBy('requested_at', 'desc').orderBy('id').limit(limit).execute();
    return rows.map(PrivacyRequestRepo.out);
  }

  /** Pending requests and ones left running by a stopped process, oldest first. */
  async open(): Promise<PrivacyRequestRecord[]> {
    const rows = await this.select().where('status', 'in', ['pending', 'running']).orderBy('requested_at').execute();
    return rows.map(PrivacyRequestRepo.out);
  }

  async markRunning(id: string, now: number): Promise<void> {
    await this.db.updateTable('privacy_requests').set({ status: 'running', started_at: now }).where('id', '=', id).execute();
  }

  /** Completes a request; the sealed subject is dropped (the record keeps only the mask). */
  async complete(
    id: string,
    outcome: { found: Record<string, number>; removed: Record<string, number> | null; archive: string | null },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('privacy_requests')
      .set({
        status: 'completed',
        completed_at: now,
        found: JSON.stringify(outcome.found),
        removed: outcome.removed ? JSON.stringify(outcome.removed) : null,
        archive: outcome.archive,
        subject_sealed: null,
        error: null,
      })
      .where('id', '=', id)
      .execute();
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('privacy_requests')
      .set({ status: 'failed', error: error.slice(0, 1000) })
      .where('id', '=', id)
      .execute();
  }

  async archive(siteId: string, id: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('privacy_requests')
      .select('archive')
      .where('site_id', '=', siteId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r?.archive ?? null;
  }
}
