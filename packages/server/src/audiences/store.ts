import type { Kysely, Selectable } from 'kysely';
import type { MetaStore } from '../meta';

/** The tables of meta migration 0032, typed here: nothing outside audiences/ reads them. */
export interface AudiencesTable {
  id: string;
  site_id: string;
  name: string;
  definition: string; // JSON of core's audienceDefinitionSchema
  targets_sealed: string; // sealed JSON of StoredTargets
  size: number;
  computed_at: number | null;
  /** The definition (JSON) the members were computed with: another one means a full pass. */
  computed_definition: string | null;
  /** Events received from here on are looked at by the next incremental pass. */
  watermark: number | null;
  change_seq: number;
  last_error: string | null;
  sync_status: string; // JSON: target → { last_ok_at, last_error, last_error_at }
  created_at: number;
  updated_at: number;
}

export interface AudienceMembersTable {
  site_id: string;
  audience_id: string;
  profile_id: string;
  user_id: string | null;
  email: string | null;
  traits: string;
  since: number;
  last_seen: number;
  score: number;
  revenue: number;
}

export interface AudienceSizesTable {
  site_id: string;
  audience_id: string;
  time: number;
  size: number;
}

export interface AudienceChangesTable {
  site_id: string;
  audience_id: string;
  seq: number;
  at: number;
  added: string; // JSON ActionPerson[]
  removed: string;
  pending: string; // JSON AudienceTarget[] not yet delivered
}

export type AudienceTables = {
  audiences: AudiencesTable;
  audience_members: AudienceMembersTable;
  audience_sizes: AudienceSizesTable;
  audience_changes: AudienceChangesTable;
};

export type AudienceRecord = Selectable<AudiencesTable>;
export type MemberRecord = Selectable<AudienceMembersTable>;
export type ChangeRecord = Selectable<AudienceChangesTable>;

export const MAX_AUDIENCES_PER_SITE = 50;

const n = (v: unknown) => Number(v ?? 0);
const record = (r: AudienceRecord): AudienceRecord => ({
  ...r,
  size: n(r.size),
  computed_at: r.computed_at === null ? null : n(r.computed_at),
  watermark: r.watermark === null ? null : n(r.watermark),
  change_seq: n(r.change_seq),
  created_at: n(r.created_at),
  updated_at: n(r.updated_at),
});
const member = (r: MemberRecord): MemberRecord => ({
  ...r,
  since: n(r.since),
  last_seen: n(r.last_seen),
  score: n(r.score),
  revenue: n(r.revenue),
});

/** What one pass writes, in one transaction. */
export interface PassWrite {
  siteId: string;
  audienceId: string;
  at: number;
  joins: MemberRecord[];
  leaves: string[];
  /** Members that stay, with their summary as of this pass. */
  updates: MemberRecord[];
  size: number;
  watermark: number;
  definition: string;
  change: { added: string; removed: string; pending: string } | null;
}

/** Every statement names the site: callers have checked the caller may see it. */
export class AudienceStore {
  readonly db: Kysely<AudienceTables>;

  constructor(meta: Pick<MetaStore, 'db'>) {
    this.db = meta.db.withTables<AudienceTables>() as unknown as Kysely<AudienceTables>;
  }

  async list(siteId: string): Promise<AudienceRecord[]> {
    const rows = await this.db
      .selectFrom('audiences')
      .selectAll()
      .where('site_id', '=', siteId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(record);
  }

  async listAll(): Promise<AudienceRecord[]> {
    return (await this.db.selectFrom('audiences').selectAll().orderBy('site_id').orderBy('id').execute()).map(record);
  }

  async get(siteId: string, id: string): Promise<AudienceRecord | null> {
    const r = await this.db.selectFrom('audiences').selectAll().where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
    return r ? record(r) : null;
  }

  async insert(row: AudienceRecord): Promise<void> {
    await this.db.insertInto('audiences').values(row).execute();
  }

  async update(siteId: string, id: string, set: Partial<AudienceRecord>): Promise<boolean> {
    const r = await this.db.updateTable('audiences').set(set).where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(siteId: string, id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      for (const t of ['audience_changes', 'audience_sizes', 'audience_members'] as const)
        await trx.deleteFrom(t).where('site_id', '=', siteId).where('audience_id', '=', id).execute();
      const r = await trx.deleteFrom('audiences').where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async members(siteId: string, audienceId: string): Promise<MemberRecord[]> {
    const rows = await this.db
      .selectFrom('audience_members')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('audience_id', '=', audienceId)
      .orderBy('profile_id')
      .execute();
    return rows.map(member);
  }

  /** A page of members, the most recently joined first. */
  async memberPage(siteId: string, audienceId: string, limit: number, offset: number): Promise<{ rows: MemberRecord[]; total: number }> {
    const base = this.db.selectFrom('audience_members').where('site_id', '=', siteId).where('audience_id', '=', audienceId);
    const [rows, total] = await Promise.all([
      base.selectAll().orderBy('since', 'desc').orderBy('profile_id').limit(limit).offset(offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
    ]);
    return { rows: rows.map(member), total: n(total?.n) };
  }

  /** Members in pages of `size` by profile id (the CSV export streams them). */
  async *memberBatches(siteId: string, audienceId: string, size = 1000): AsyncGenerator<MemberRecord[]> {
    let after = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('audience_members')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('audience_id', '=', audienceId)
        .where('profile_id', '>', after)
        .orderBy('profile_id')
        .limit(size)
        .execute();
      if (!rows.length) return;
      yield rows.map(member);
      after = rows[rows.length - 1]!.profile_id;
      if (rows.length < size) return;
    }
  }

  async sizes(siteId: string, audienceId: string, sinceMs: number): Promise<Array<{ time: number; size: number }>> {
    const rows = await this.db
      .selectFrom('audience_sizes')
      .select(['time', 'size'])
      .where('site_id', '=', siteId)
      .where('audience_id', '=', audienceId)
      .where('time', '>=', sinceMs)
      .orderBy('time')
      .execute();
    return rows.map((r) => ({ time: n(r.time), size: n(r.size) }));
  }

  async changes(siteId: string, audienceId: string): Promise<ChangeRecord[]> {
    const rows = await this.db
      .selectFrom('audience_changes')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('audience_id', '=', audienceId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({ ...r, seq: n(r.seq), at: n(r.at) }));
  }

  /** Records what a change still has to reach; gone once it reached every target. */
  async setPending(siteId: string, audienceId: string, seq: number, pending: string[]): Promise<void> {
    if (pending.length)
      await this.db
        .updateTable('audience_changes')
        .set({ pending: JSON.stringify(pending) })
        .where('site_id', '=', siteId)
        .where('audience_id', '=', audienceId)
        .where('seq', '=', seq)
        .execute();
    else
      await this.db
        .deleteFrom('audience_changes')
        .where('site_id', '=', siteId)
        .where('audience_id', '=', audienceId)
        .where('seq', '=', seq)
        .execute();
  }

  /** A change outside a pass (a new target's first copy of the members); its sequence number. */
  async appendChange(
    siteId: string,
    audienceId: string,
    at: number,
    change: { added: string; removed: string; pending: string },
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const cur = await trx
        .selectFrom('audiences')
        .select('change_seq')
        .where('site_id', '=', siteId)
        .where('id', '=', audienceId)
        .executeTakeFirstOrThrow();
      const seq = n(cur.change_seq) + 1;
      await trx
        .insertInto('audience_changes')
        .values({ site_id: siteId, audience_id: audienceId, seq, at, ...change })
        .execute();
      await trx.updateTable('audiences').set({ change_seq: seq }).where('site_id', '=', siteId).where('id', '=', audienceId).execute();
      return seq;
    });
  }

  /** Joins, leaves, summaries, the size point, the change to sync and the watermark: all or nothing. */
  async writePass(w: PassWrite): Promise<number | null> {
    return this.db.transaction().execute(async (trx) => {
      const cur = await trx
        .selectFrom('audiences')
        .select('change_seq')
        .where('site_id', '=', w.siteId)
        .where('id', '=', w.audienceId)
        .executeTakeFirst();
      if (!cur) return null;
      for (let i = 0; i < w.leaves.length; i += 500)
        await trx
          .deleteFrom('audience_members')
          .where('site_id', '=', w.siteId)
          .where('audience_id', '=', w.audienceId)
          .where('profile_id', 'in', w.leaves.slice(i, i + 500))
          .execute();
      for (let i = 0; i < w.joins.length; i += 200)
        await trx
          .insertInto('audience_members')
          .values(w.joins.slice(i, i + 200))
          .execute();
      for (const u of w.updates)
        await trx
          .updateTable('audience_members')
          .set({ user_id: u.user_id, email: u.email, traits: u.traits, last_seen: u.last_seen, score: u.score, revenue: u.revenue })
          .where('site_id', '=', w.siteId)
          .where('audience_id', '=', w.audienceId)
          .where('profile_id', '=', u.profile_id)
          .execute();
      await trx
        .insertInto('audience_sizes')
        .values({ site_id: w.siteId, audience_id: w.audienceId, time: w.at, size: w.size })
        .onConflict((oc) => oc.columns(['audience_id', 'time']).doUpdateSet({ size: w.size }))
        .execute();
      // Size points older than the longest view (3650 days) are of no use.
      await trx
        .deleteFrom('audience_sizes')
        .where('site_id', '=', w.siteId)
        .where('audience_id', '=', w.audienceId)
        .where('time', '<', w.at - 3650 * 86_400_000)
        .execute();
      let seq = n(cur.change_seq);
      if (w.change) {
        seq += 1;
        await trx
          .insertInto('audience_changes')
          .values({ site_id: w.siteId, audience_id: w.audienceId, seq, at: w.at, ...w.change })
          .execute();
      }
      await trx
        .updateTable('audiences')
        .set({
          size: w.size,
          computed_at: w.at,
          computed_definition: w.definition,
          watermark: w.watermark,
          change_seq: seq,
          last_error: null,
        })
        .where('site_id', '=', w.siteId)
        .where('id', '=', w.audienceId)
        .execute();
      return seq;
    });
  }
}
