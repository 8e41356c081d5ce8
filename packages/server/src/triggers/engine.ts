import crypto from 'node:crypto';
import type { GoalDefinition } from '@tidemark/core';
import type { ActionPerson, DestinationsApi } from '../destinations';
import type { StoredTrigger, TriggerDefinitions } from './definitions';
import { decide, type Decision, type Ledger, type Occurrence } from './decide';
import { findOccurrences, type FinderDeps, type VisitorFacts } from './occurrences';
import { num, type TriggerDb } from './tables';

export interface EngineOptions {
  /** Events may arrive this late (a stream behind, a slow client): each pass re-reads this much before its watermark. */
  lateMs?: number;
  /** A first pass reads this far back. */
  firstSpanMs?: number;
  /** Attempts before an action is a dead letter. */
  maxAttempts?: number;
  /** The first retry's wait; doubled each attempt, at most `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long a claim holds before another process may take the action over (a crash mid-send). */
  leaseMs?: number;
}

export interface SiteForTriggers {
  id: string;
  timezone: string;
  consent_mode: string;
  goals: readonly GoalDefinition[];
}

export interface PassSummary {
  sites: number;
  occurrences: number;
  queued: number;
  skipped: number;
}

/** Queued firings in the stored log. */
export class StoredLedger implements Ledger {
  constructor(
    private readonly db: TriggerDb,
    private readonly siteId: string,
  ) {}

  async count(q: { triggerId: string | null; pid: string; fromMs?: number; toMs?: number; sessionKey?: string }): Promise<number> {
    let s = this.db
      .selectFrom('trigger_firings')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('site_id', '=', this.siteId)
      .where('profile_id', '=', q.pid)
      .where('outcome', '=', 'queued');
    if (q.triggerId !== null) s = s.where('trigger_id', '=', q.triggerId);
    if (q.fromMs !== undefined) s = s.where('occurred_at', '>=', q.fromMs);
    if (q.toMs !== undefined) s = s.where('occurred_at', '<', q.toMs);
    if (q.sessionKey !== undefined) s = s.where('session_key', '=', q.sessionKey);
    return num((await s.executeTakeFirst())?.n);
  }
}

/**
 * Whether the person may get marketing actions: on a site without a consent mode, yes (the site answers
 * for its own consent, as for server-sent events); on a consent-managed site only when the latest
 * `tm_marketing` its browser events carried (the collector's consent step keeps it) is 'granted'.
 */
export function marketingConsented(site: { consent_mode: string }, facts: VisitorFacts | undefined): boolean {
  if (!site.consent_mode || site.consent_mode === 'none') return true;
  return facts?.marketing === 'granted';
}

export const occurrenceKey = (o: Occurrence) => `${o.triggerId}|${o.pid}|${o.key}`;

/** Occurrences decided per transaction. */
const CHUNK = 500;

/** One evaluation pass of a site: occurrences since the watermark, each decided once, the allowed ones queued. */
export async function evaluateSite(
  deps: { defs: TriggerDefinitions; finder: FinderDeps; now: number; opts: EngineOptions },
  site: SiteForTriggers,
): Promise<{ occurrences: number; queued: number; skipped: number }> {
  const { defs, now } = deps;
  const triggers = (await defs.list(site.id)).filter((t) => t.enabled);
  const mark = await defs.watermark(site.id);
  const lateMs = deps.opts.lateMs ?? 10 * 60_000;
  const fromMs = mark === null ? now - (deps.opts.firstSpanMs ?? 5 * 60_000) : mark - lateMs;
  const result = { occurrences: 0, queued: 0, skipped: 0 };
  if (triggers.length) {
    const found = await findOccurrences(deps.finder, site, triggers, { fromMs, toMs: now });
    const settings = await defs.settings(site.id);
    const byId = new Map(triggers.map((t) => [t.id, t]));
    // A trigger sees only what happened after it was made (an edit does not replay the past).
    const fresh = found.occurrences.filter((o) => o.at >= byId.get(o.triggerId)!.created_at);
    result.occurrences = fresh.length;
    // Decided in chunks, each in one transaction: the caps count the chunk's own decisions, and a commit
    // (a disk sync) is paid per chunk rather than per occurrence.
    for (let i = 0; i < fresh.length; i += CHUNK) {
      const chunk = fresh.slice(i, i + CHUNK);
      await defs.db.transaction().execute(async (tx) => {
        const keys = chunk.map(occurrenceKey);
        const seen = new Set(
          (await tx.selectFrom('trigger_firings').select('occurrence_key').where('occurrence_key', 'in', keys).execute()).map(
            (r) => r.occurrence_key,
          ),
        );
        const ledger = new StoredLedger(tx, site.id);
        for (const o of chunk) {
          const key = occurrenceKey(o);
          if (seen.has(key)) {
            result.skipped++;
            continue;
          }
          seen.add(key);
          const t = byId.get(o.triggerId)!;
          const d = await decide(o, t, settings, site.timezone, marketingConsented(site, found.visitors.get(o.visitorId)), ledger);
          await writeFiring(tx, site, t, o, key, d, now);
          if (d.outcome === 'queued') result.queued++;
        }
      });
    }
  }
  await defs.setWatermark(site.id, now);
  return result;
}

/** Writes a decided occurrence: its firing, and when queued its actions (one row each, keyed for idempotency). */
async function writeFiring(
  db: TriggerDb,
  site: SiteForTriggers,
  t: StoredTrigger,
  o: Occurrence,
  key: string,
  d: Decision,
  now: number,
): Promise<void> {
  const firingId = crypto.randomUUID();
  const reason = `trigger '${t.name}' matched: ${o.reason}`;
  await db
    .insertInto('trigger_firings')
    .values({
      id: firingId,
      site_id: site.id,
      trigger_id: t.id,
      profile_id: o.pid,
      occurrence_key: key,
      session_key: o.sessionKey,
      reason,
      outcome: d.outcome,
      occurred_at: o.at,
      due_at: d.dueAt,
      quiet_hours: d.quiet ? 1 : 0,
      created_at: now,
    })
    .execute();
  if (d.outcome !== 'queued' || d.dueAt === null) return;
  const context = JSON.stringify({ reason, event: o.event, data: { trigger_id: t.id, trigger_name: t.name } });
  const dueAt = d.dueAt;
  await db
    .insertInto('trigger_actions')
    .values(
      t.actions.map((_, i) => ({
        id: crypto.randomUUID(),
        site_id: site.id,
        trigger_id: t.id,
        firing_id: firingId,
        idempotency_key: `${key}|${i}`,
        action_index: i,
        profile_id: o.pid,
        context,
        status: 'pending',
        attempts: 0,
        due_at: dueAt,
        next_at: dueAt,
        claim: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}

export interface DeliverSummary {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
}

/**
 * Sends due actions. Each is claimed with a conditional UPDATE (still pending, still due, attempts as
 * read): of two processes only one changes the row, so an action is sent once; the claim holds for
 * `leaseMs`, after which a crashed sender's action is due again (the provider sees the same idempotency key).
 */
export async function deliverDue(
  deps: {
    db: TriggerDb;
    defs: TriggerDefinitions;
    destinations: DestinationsApi;
    person: (siteId: string, pid: string) => Promise<ActionPerson>;
    now: () => number;
    opts: EngineOptions;
  },
  limit = 100,
): Promise<DeliverSummary> {
  const { db } = deps;
  const maxAttempts = deps.opts.maxAttempts ?? 6;
  const base = deps.opts.backoffMs ?? 60_000;
  const maxBackoff = deps.opts.maxBackoffMs ?? 6 * 3_600_000;
  const lease = deps.opts.leaseMs ?? 5 * 60_000;
  const summary: DeliverSummary = { claimed: 0, sent: 0, retried: 0, dead: 0 };
  const now = deps.now();
  const due = await db
    .selectFrom('trigger_actions')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_at', '<=', now)
    .orderBy('next_at')
    .limit(limit)
    .execute();
  const claim = crypto.randomUUID();
  for (const row of due) {
    const attempts = num(row.attempts);
    const claimed = await db
      .updateTable('trigger_actions')
      .set({ claim, attempts: attempts + 1, next_at: now + lease, updated_at: now })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', attempts)
      .where('next_at', '<=', now)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    summary.claimed++;
    let result: { ok: boolean; retryable?: boolean; error?: string };
    try {
      const t = await deps.defs.get(row.site_id, row.trigger_id);
      const action = t.actions[num(row.action_index)];
      if (!action) throw new Error('the action is no longer part of the trigger');
      const ctx = JSON.parse(row.context) as { reason: string; event: null; data: Record<string, unknown> };
      result = await deps.destinations.deliver(action, await deps.person(row.site_id, row.profile_id), {
        idempotency_key: row.idempotency_key,
        reason: ctx.reason,
        event: ctx.event,
        data: ctx.data,
      });
    } catch (err) {
      result = { ok: false, retryable: true, error: err instanceof Error ? err.message : String(err) };
    }
    const at = deps.now();
    const mine = db.updateTable('trigger_actions').where('id', '=', row.id).where('claim', '=', claim);
    if (result.ok) {
      await mine.set({ status: 'sent', last_error: null, updated_at: at }).execute();
      summary.sent++;
    } else if (result.retryable && attempts + 1 < maxAttempts) {
      const wait = Math.min(maxBackoff, base * 2 ** attempts);
      await mine.set({ next_at: at + wait, last_error: (result.error ?? 'failed').slice(0, 1000), updated_at: at }).execute();
      summary.retried++;
    } else {
      await mine.set({ status: 'dead', last_error: (result.error ?? 'failed').slice(0, 1000), updated_at: at }).execute();
      summary.dead++;
    }
  }
  return summary;
}
