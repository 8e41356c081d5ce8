import type { Kysely, Selectable, Updateable } from 'kysely';
import type { MetaSchema, SystemAlertsTable } from '../schema';
import { newId } from '../ids';

export const MAX_SYSTEM_ALERTS = 20;

export type SystemAlertRow = Selectable<SystemAlertsTable>;

/** Threshold alerts on the instance itself (instance admins only; no site owns them). */
export class SystemAlertRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  list(): Promise<SystemAlertRow[]> {
    return this.db.selectFrom('system_alerts').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  async get(id: string): Promise<SystemAlertRow | null> {
    return (await this.db.selectFrom('system_alerts').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async create(
    row: Pick<SystemAlertRow, 'name' | 'metric' | 'threshold' | 'channels_sealed' | 'is_active' | 'created_at'>,
  ): Promise<SystemAlertRow> {
    const full: SystemAlertRow = { ...row, id: newId(), state: 'ok', last_value: null, last_checked: null, last_change: null };
    await this.db.insertInto('system_alerts').values(full).execute();
    return full;
  }

  async update(id: string, set: Updateable<Omit<SystemAlertsTable, 'id' | 'created_at'>>): Promise<void> {
    await this.db.updateTable('system_alerts').set(set).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('system_alerts').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
