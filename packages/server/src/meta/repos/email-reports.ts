import type { Kysely, Selectable } from 'kysely';
import type { Report, ReportAttachment, ReportFrequency, ReportQuery } from '@tidemark/core';
import type { EmailReportsTable, MetaSchema } from '../schema';
import { newId } from '../ids';

export const MAX_REPORTS_PER_SITE = 20;

const toReport = (r: Selectable<EmailReportsTable>): Report => ({
  id: r.id,
  site_id: r.site_id,
  frequency: r.frequency as ReportFrequency,
  name: r.name,
  query: r.query ? (JSON.parse(r.query) as ReportQuery) : null,
  attachment: r.attachment as ReportAttachment | null,
  recipients: JSON.parse(r.recipients) as string[],
  last_period: r.last_period,
  created_at: new Date(Number(r.created_at)).toISOString(),
});

/** Scheduled email reports; by site, except the job's listing of all and an unsubscribe by id. */
export class EmailReportRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async listBySite(siteId: string): Promise<Report[]> {
    return (
      await this.db.selectFrom('email_reports').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute()
    ).map(toReport);
  }

  async listAll(): Promise<Report[]> {
    return (await this.db.selectFrom('email_reports').selectAll().orderBy('site_id').execute()).map(toReport);
  }

  async count(siteId: string): Promise<number> {
    const r = await this.db
      .selectFrom('email_reports')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async byId(id: string): Promise<Report | null> {
    const r = await this.db.selectFrom('email_reports').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toReport(r) : null;
  }

  async create(
    siteId: string,
    frequency: ReportFrequency,
    recipients: string[],
    createdBy: string | null,
    now = Date.now(),
    custom: { name: string; query: ReportQuery; attachment: ReportAttachment } | null = null,
  ): Promise<Report> {
    const row = {
      id: newId(),
      site_id: siteId,
      frequency,
      name: custom?.name ?? null,
      query: custom ? JSON.stringify(custom.query) : null,
      attachment: custom?.attachment ?? null,
      recipients: JSON.stringify(recipients),
      last_period: null,
      created_by: createdBy,
      created_at: now,
    };
    await this.db.insertInto('email_reports').values(row).execute();
    return toReport(row);
  }

  async setRecipients(id: string, recipients: string[]): Promise<void> {
    await this.db
      .updateTable('email_reports')
      .set({ recipients: JSON.stringify(recipients) })
      .where('id', '=', id)
      .execute();
  }

  async markSent(id: string, period: string): Promise<void> {
    await this.db.updateTable('email_reports').set({ last_period: period }).where('id', '=', id).execute();
  }

  async delete(siteId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('email_reports').where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
