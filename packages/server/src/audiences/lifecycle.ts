import type { LifecycleStore, PurgeCounts, SubjectRef } from '../store';
import type { StatsService } from '../stats';
import type { ActionPerson } from '../destinations';
import type { AudienceStore } from './store';

/**
 * DESIGN §8's duties for what audiences hold about people (meta 0032): members (profile ids, e-mails,
 * traits) and changes waiting to be synced. A `derived` lifecycle target: it runs after the events'
 * purge for retention (members whose person has no event left go) and before the events' for erasure
 * (it resolves a user id's visitor ids through the events still there).
 */
export class AudienceLifecycle implements LifecycleStore {
  constructor(
    private readonly store: AudienceStore,
    private readonly stats: Pick<StatsService, 'existingPeople' | 'visitorIdsOfUser'>,
  ) {}

  async purgeSiteBefore(siteId: string, cutoffMs: number): Promise<PurgeCounts> {
    const db = this.store.db;
    // Every member is asked about, not only those last seen before the cutoff: an anonymous event after it
    // belonged to a user through an identification the purge removed, and now is another person's.
    const stale = await db.selectFrom('audience_members').select('profile_id').distinct().where('site_id', '=', siteId).execute();
    const pids = stale.map((r) => r.profile_id);
    const alive = pids.length ? await this.stats.existingPeople(siteId, pids) : new Set<string>();
    const gone = pids.filter((p) => !alive.has(p));
    const members = await this.removePeople(siteId, gone);
    // Changes older than the cutoff are not delivered any more: they name people as they were then.
    const changes = await db.deleteFrom('audience_changes').where('site_id', '=', siteId).where('at', '<', cutoffMs).executeTakeFirst();
    return counts(members, Number(changes.numDeletedRows));
  }

  async purgeSite(siteId: string): Promise<PurgeCounts> {
    const db = this.store.db;
    const changes = await db.deleteFrom('audience_changes').where('site_id', '=', siteId).executeTakeFirst();
    const members = await db.deleteFrom('audience_members').where('site_id', '=', siteId).executeTakeFirst();
    await db.deleteFrom('audience_sizes').where('site_id', '=', siteId).execute();
    await db.deleteFrom('audiences').where('site_id', '=', siteId).execute();
    return counts(Number(members.numDeletedRows), Number(changes.numDeletedRows));
  }

  async exportSubject(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>> {
    const pids = await this.profileIds(siteId, subject);
    if (!pids.length) return [];
    const rows = await this.store.db
      .selectFrom('audience_members')
      .innerJoin('audiences', 'audiences.id', 'audience_members.audience_id')
      .select([
        'audience_members.audience_id',
        'audiences.name as audience_name',
        'audience_members.profile_id',
        'audience_members.user_id',
        'audience_members.email',
        'audience_members.traits',
        'audience_members.since',
        'audience_members.last_seen',
        'audience_members.score',
        'audience_members.revenue',
      ])
      .where('audience_members.site_id', '=', siteId)
      .where('audience_members.profile_id', 'in', pids)
      .orderBy('audience_members.audience_id')
      .execute();
    const out: Array<Record<string, unknown>> = rows.map((r) => ({ audience_table: 'audience_members', ...r }));
    for (const c of await this.changesNaming(siteId, pids))
      out.push({
        audience_table: 'audience_changes',
        audience_id: c.audience_id,
        seq: c.seq,
        at: c.at,
        added: c.added,
        removed: c.removed,
      });
    return out;
  }

  async eraseSubject(siteId: string, subject: SubjectRef): Promise<PurgeCounts> {
    return counts(await this.removePeople(siteId, await this.profileIds(siteId, subject)), 0);
  }

  /** The subject's profile ids: the user's and the anonymous profiles of every visitor id seen with it. */
  private async profileIds(siteId: string, subject: SubjectRef): Promise<string[]> {
    if (subject.visitorId !== undefined) return [`v${subject.visitorId}`];
    const vids = await this.stats.visitorIdsOfUser(siteId, subject.userId);
    return [`u${subject.userId}`, ...vids.map((v) => `v${v}`)];
  }

  private async changesNaming(siteId: string, pids: string[]) {
    const set = new Set(pids);
    const names = (json: string) => (JSON.parse(json) as ActionPerson[]).some((p) => set.has(p.profile_id));
    const rows = await this.store.db.selectFrom('audience_changes').selectAll().where('site_id', '=', siteId).execute();
    return rows.filter((c) => names(c.added) || names(c.removed));
  }

  /** Deletes the people's member rows and takes them out of waiting changes; sizes follow. */
  private async removePeople(siteId: string, pids: string[]): Promise<number> {
    if (!pids.length) return 0;
    const db = this.store.db;
    let removed = 0;
    const touched = new Set<string>();
    for (let i = 0; i < pids.length; i += 500) {
      const part = pids.slice(i, i + 500);
      const hit = await db
        .selectFrom('audience_members')
        .select('audience_id')
        .distinct()
        .where('site_id', '=', siteId)
        .where('profile_id', 'in', part)
        .execute();
      for (const h of hit) touched.add(h.audience_id);
      const r = await db.deleteFrom('audience_members').where('site_id', '=', siteId).where('profile_id', 'in', part).executeTakeFirst();
      removed += Number(r.numDeletedRows);
    }
    const set = new Set(pids);
    const keep = (json: string) => JSON.stringify((JSON.parse(json) as ActionPerson[]).filter((p) => !set.has(p.profile_id)));
    for (const c of await this.changesNaming(siteId, pids)) {
      const added = keep(c.added);
      const removedPeople = keep(c.removed);
      if (added === '[]' && removedPeople === '[]')
        await db
          .deleteFrom('audience_changes')
          .where('site_id', '=', siteId)
          .where('audience_id', '=', c.audience_id)
          .where('seq', '=', c.seq)
          .execute();
      else
        await db
          .updateTable('audience_changes')
          .set({ added, removed: removedPeople })
          .where('site_id', '=', siteId)
          .where('audience_id', '=', c.audience_id)
          .where('seq', '=', c.seq)
          .execute();
    }
    for (const id of touched) {
      const n = await db
        .selectFrom('audience_members')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('site_id', '=', siteId)
        .where('audience_id', '=', id)
        .executeTakeFirst();
      await db
        .updateTable('audiences')
        .set({ size: Number(n?.n ?? 0) })
        .where('site_id', '=', siteId)
        .where('id', '=', id)
        .execute();
    }
    return removed;
  }
}

function counts(members: number, changes: number): PurgeCounts {
  const out: PurgeCounts = {};
  if (members) out.audience_members = members;
  if (changes) out.audience_changes = changes;
  return out;
}
