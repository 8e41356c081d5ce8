import type { MetaStore } from '../meta';
import { compileUserVisitors, dialectFor } from '../stats';
import type { EventStore, LifecycleStore, PurgeCounts, SubjectRef } from '../store';
import { triggerDb, type TriggerDb } from './tables';

/**
 * The trigger firings and queued actions hold profile ids (DESIGN §8): retention by the firing's time
 * (an action by when it was due), the site's purge, and a data subject's export and erasure. A user id's
 * rows are its `u<id>` profile and the `v<visitor id>` profiles of every visitor id that carried it
 * (resolved through the events, before they are erased: derived stores run first).
 */
export class TriggerLifecycle implements LifecycleStore {
  private readonly db: TriggerDb;

  constructor(
    meta: Pick<MetaStore, 'db'>,
    private readonly events: Pick<EventStore, 'query' | 'dialect'>,
  ) {
    this.db = triggerDb(meta);
  }

  async purgeSiteBefore(siteId: string, cutoffMs: number): Promise<PurgeCounts> {
    const f = await this.db
      .deleteFrom('trigger_firings')
      .where('site_id', '=', siteId)
      .where('occurred_at', '<', cutoffMs)
      .executeTakeFirst();
    const a = await this.db.deleteFrom('trigger_actions').where('site_id', '=', siteId).where('due_at', '<', cutoffMs).executeTakeFirst();
    return { trigger_firings: Number(f.numDeletedRows), trigger_actions: Number(a.numDeletedRows) };
  }

  async purgeSite(siteId: string): Promise<PurgeCounts> {
    const a = await this.db.deleteFrom('trigger_actions').where('site_id', '=', siteId).executeTakeFirst();
    const f = await this.db.deleteFrom('trigger_firings').where('site_id', '=', siteId).executeTakeFirst();
    return { trigger_firings: Number(f.numDeletedRows), trigger_actions: Number(a.numDeletedRows) };
  }

  private async profiles(siteId: string, subject: SubjectRef): Promise<string[]> {
    if (subject.visitorId !== undefined) return [`v${subject.visitorId}`];
    const q = compileUserVisitors(dialectFor(this.events.dialect), siteId, [subject.userId]);
    const vids = await this.events.query<{ visitor_id: string }>(q.sql, q.params);
    return [`u${subject.userId}`, ...vids.map((r) => `v${r.visitor_id}`)];
  }

  async exportSubject(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>> {
    const pids = await this.profiles(siteId, subject);
    const firings = await this.db
      .selectFrom('trigger_firings')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('profile_id', 'in', pids)
      .execute();
    const actions = await this.db
      .selectFrom('trigger_actions')
      .select(['id', 'trigger_id', 'profile_id', 'status', 'attempts', 'due_at', 'last_error', 'created_at', 'updated_at'])
      .where('site_id', '=', siteId)
      .where('profile_id', 'in', pids)
      .execute();
    return [
      ...firings.map((r) => ({ trigger_table: 'trigger_firings', ...r })),
      ...actions.map((r) => ({ trigger_table: 'trigger_actions', ...r })),
    ];
  }

  async eraseSubject(siteId: string, subject: SubjectRef): Promise<PurgeCounts> {
    const pids = await this.profiles(siteId, subject);
    const a = await this.db.deleteFrom('trigger_actions').where('site_id', '=', siteId).where('profile_id', 'in', pids).executeTakeFirst();
    const f = await this.db.deleteFrom('trigger_firings').where('site_id', '=', siteId).where('profile_id', 'in', pids).executeTakeFirst();
    return { trigger_firings: Number(f.numDeletedRows), trigger_actions: Number(a.numDeletedRows) };
  }
}
