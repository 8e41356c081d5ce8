import type { Kysely, Selectable } from 'kysely';
import type { MetaSchema, SitePurgesTable } from '../schema';

export interface SitePurgeRecord {
  site_id: string;
  org_id: string;
  tracking_id: string;
  requested_at: number;
  passes: number;
  last_pass_at: number | null;
  completed_at: number | null;
}

const toRecord = (r: Selectable<SitePurgesTable>): SitePurgeRecord => ({
  site_id: r.site_id,
  org_id: r.org_id,
  tracking_id: r.tracking_id,
  requested_at: Number(r.requested_at),
  passes: Number(r.passes),
  last_pass_at: r.last_pass_at === null ? null : Number(r.last_pass_at),
  completed_at: r.completed_at === null ? null : Number(r.completed_at),
});

/**
 * Deleted sites whose data is (being) purged (lifecycle/). The record is written in the transaction that
 * deletes the site (SiteRepo.delete), so a purge survives any restart; it stays after completion as the
 * site's tombstone.
 */
/** Inside a transaction: records the purge of the site's data and deletes the site (SiteRepo.delete). */
export async function deleteWithPurge(trx: Kysely<MetaSchema>, siteId: string, now: number): Promise<boolean> {
  const site = await trx.selectFrom('sites').select(['id', 'org_id', 'tracking_id']).where('id', '=', siteId).executeTakeFirst();
  if (!site) return false;
  await trx
    .insertInto('site_purges')
    .values({
      site_id: site.id,
      org_id: site.org_id,
      tracking_id: site.tracking_id,
      requested_at: now,
      passes: 0,
      last_pass_at: null,
      completed_at: null,
    })
    .onConflict((oc) => oc.column('site_id').doNothing())
    .execute();
  const gone = await trx.deleteFrom('sites').where('id', '=', site.id).executeTakeFirst();
  return Number(gone.numDeletedRows) > 0;
}

export class SitePurgeRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async pending(): Promise<SitePurgeRecord[]> {
    const rows = await this.db.selectFrom('site_purges').selectAll().where('completed_at', 'is', null).orderBy('requested_at').execute();
    return rows.map(toRecord);
  }

  /** Purges completed at or after `since` (ms): the job still sweeps them for stragglers. */
  async completedSince(since: number): Promise<SitePurgeRecord[]> {
    const rows = await this.db.selectFrom('site_purges').selectAll().where('completed_at', '>=', since).orderBy('completed_at').execute();
    return rows.map(toRecord);
  }

  async byId(siteId: string): Promise<SitePurgeRecord | null> {
    const r = await this.db.selectFrom('site_purges').selectAll().where('site_id', '=', siteId).executeTakeFirst();
    return r ? toRecord(r) : null;
  }

  /** Whether a deleted site had this tracking id (its data must never be accepted again). */
  async isDeletedTrackingId(trackingId: string): Promise<boolean> {
    const r = await this.db.selectFrom('site_purges').select('site_id').where('tracking_id', '=', trackingId).executeTakeFirst();
    return !!r;
  }

  /** One purge pass ran; `complete` when it found nothing left after the settling time. */
  async recordPass(siteId: string, at: number, complete: boolean): Promise<void> {
    const row = await this.byId(siteId);
    if (!row) return;
    await this.db
      .updateTable('site_purges')
      .set({ passes: row.passes + 1, last_pass_at: at, ...(complete ? { completed_at: at } : {}) })
      .where('site_id', '=', siteId)
      .execute();
  }
}
