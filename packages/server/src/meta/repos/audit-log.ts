import type { Kysely, Selectable } from 'kysely';
import type { AuditEntry, AuditQuery } from '@tidemark/core';
import type { AuditLogTable, MetaSchema } from '../schema';
import { newId } from '../ids';

export type AuditAppend = Omit<AuditEntry, 'id' | 'at'> & { at?: number };

function toEntry(r: Selectable<AuditLogTable>): AuditEntry {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    // written by append() only, always JSON
  }
  return {
    id: r.id,
    org_id: r.org_id,
    at: new Date(Number(r.at)).toISOString(),
    action: r.action as AuditEntry['action'],
    outcome: r.outcome === 'failure' ? 'failure' : 'success',
    actor: { type: r.actor_type as AuditEntry['actor']['type'], id: r.actor_id, label: r.actor_label },
    target: r.target_type ? { type: r.target_type, id: r.target_id } : null,
    site_id: r.site_id,
    details,
  };
}

/** End of a `to` bound: a bare day means the whole day. */
function upperBound(to: string): number {
  const t = Date.parse(to);
  return /^\d{4}-\d{2}-\d{2}$/.test(to) ? t + 86_400_000 : t;
}

/**
 * The audit log: append and read, nothing else (append-only by construction; rows go only with their
 * organization). Every read names the organization.
 */
export class AuditLogRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async append(e: AuditAppend): Promise<string> {
    const id = newId();
    await this.db
      .insertInto('audit_log')
      .values({
        id,
        org_id: e.org_id,
        at: e.at ?? Date.now(),
        action: e.action,
        outcome: e.outcome,
        actor_type: e.actor.type,
        actor_id: e.actor.id,
        actor_label: e.actor.label.slice(0, 320),
        target_type: e.target?.type ?? null,
        target_id: e.target?.id ?? null,
        site_id: e.site_id,
        details: JSON.stringify(e.details ?? {}),
      })
      .execute();
    return id;
  }

  /** Newest first; `cursor` is `<at>_<id>` of the last entry of the previous page. */
  async list(orgId: string, q: Omit<AuditQuery, 'limit' | 'cursor'> & { limit: number; cursor?: string }): Promise<AuditEntry[]> {
    let sel = this.db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId);
    if (q.action) sel = q.action.includes('.') ? sel.where('action', '=', q.action) : sel.where('action', 'like', `${q.action}.%`);
    if (q.actor) sel = sel.where((eb) => eb.or([eb('actor_id', '=', q.actor!), eb('actor_label', '=', q.actor!)]));
    if (q.site_id) sel = sel.where('site_id', '=', q.site_id);
    if (q.outcome) sel = sel.where('outcome', '=', q.outcome);
    if (q.from) sel = sel.where('at', '>=', Date.parse(q.from));
    if (q.to) sel = sel.where('at', '<', upperBound(q.to));
    if (q.cursor) {
      const [at, id] = [Number(q.cursor.slice(0, q.cursor.indexOf('_'))), q.cursor.slice(q.cursor.indexOf('_') + 1)];
      sel = sel.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
    }
    const rows = await sel.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map(toEntry);
  }
}
