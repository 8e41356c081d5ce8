import type { Kysely, Selectable } from 'kysely';
import type { AlertEventsTable, AlertsTable, MetaSchema } from '../schema';
import { newId } from '../ids';

export const MAX_ALERTS_PER_SITE = 50;
/** History kept per alert (oldest dropped beyond it). */
export const ALERT_HISTORY_LIMIT = 200;

export type AlertRow = Selectable<AlertsTable>;
export type AlertEventRow = Selectable<AlertEventsTable>;

/** Alert definitions, state and history; every query names the site (callers check access first). */
export class AlertRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  listBySite(siteId: string): Promise<AlertRow[]> {
    return this.db.selectFrom('alerts').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute();
  }

  /** Every active alert (the evaluation job). */
  listActive(): Promise<AlertRow[]> {
    return this.db.selectFrom('alerts').selectAll().where('is_active', '=', 1).orderBy('site_id').execute();
  }

  async count(siteId: string): Promise<number> {
    const r = await this.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async get(siteId: string, id: string): Promise<AlertRow | null> {
    return (await this.db.selectFrom('alerts').selectAll().where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst()) ?? null;
  }

  async create(row: Omit<AlertRow, 'id' | 'state' | 'last_value' | 'last_bucket'>): Promise<AlertRow> {
    const full: AlertRow = { ...row, id: newId(), state: 'ok', last_value: null, last_bucket: null };
    await this.db.insertInto('alerts').values(full).execute();
    return full;
  }

  async update(siteId: string, id: string, set: Partial<Omit<AlertRow, 'id' | 'site_id'>>): Promise<void> {
    await this.db.updateTable('alerts').set(set).where('id', '=', id).where('site_id', '=', siteId).execute();
  }

  async delete(siteId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('alerts').where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async addEvent(row: Omit<AlertEventRow, 'id'>): Promise<AlertEventRow> {
    const full = { ...row, id: newId() };
    await this.db.insertInto('alert_events').values(full).execute();
    return full;
  }

  history(siteId: string, alertId: string, limit = ALERT_HISTORY_LIMIT): Promise<AlertEventRow[]> {
    return this.db
      .selectFrom('alert_events')
      .selectAll()
      .where('alert_id', '=', alertId)
      .where('site_id', '=', siteId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
