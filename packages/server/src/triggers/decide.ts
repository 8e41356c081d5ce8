import type { FiringOutcome, MaxFrequency, QuietHours, TriggerSettings } from '@tidemark/core';
import { afterQuietHours, periodSpan } from './rules';

/** One time a trigger's condition held for a person. */
export interface Occurrence {
  triggerId: string;
  /** The profile id (people.ts's person rule): `u<user id>` or `v<visitor id>`. */
  pid: string;
  /** What makes it this occurrence and no other (an event id, an inactivity stretch …). */
  key: string;
  /** The session it happened in (`1_per_session`); for time-based conditions, the person's last session. */
  sessionKey: string;
  /** When the condition was met (ms). */
  at: number;
  /** The visitor id whose events met it (the consent check reads its events). */
  visitorId: string;
  reason: string;
  event: { name: string; ts: number; path: string | null; props: Record<string, unknown> } | null;
}

/** Queued (let through) firings so far: the stored log, or the dry run's own list. */
export interface Ledger {
  count(q: { triggerId: string | null; pid: string; fromMs?: number; toMs?: number; sessionKey?: string }): Promise<number>;
}

export interface DecisionInput {
  max_frequency: MaxFrequency | null;
  quiet_hours: QuietHours | null;
  delay_minutes: number;
}

export interface Decision {
  outcome: FiringOutcome;
  /** When its actions are due; null unless queued. */
  dueAt: number | null;
  quiet: boolean;
}

/**
 * Whether an occurrence's actions go, in this order: consent (`marketing`), the trigger's own frequency
 * cap, the site's global cap per person. A queued occurrence is due after the delay, moved to the end of
 * quiet hours when it falls inside them. Caps count by the time of the occurrence, in the site's zone.
 */
export async function decide(
  occ: Occurrence,
  t: DecisionInput,
  settings: TriggerSettings,
  tz: string,
  consented: boolean,
  ledger: Ledger,
): Promise<Decision> {
  const no = (outcome: FiringOutcome): Decision => ({ outcome, dueAt: null, quiet: false });
  if (!consented) return no('no_consent');
  const f = t.max_frequency;
  if (f) {
    const mine = { triggerId: occ.triggerId, pid: occ.pid };
    let used: number;
    let allowed = 1;
    if (f === 'once') used = await ledger.count(mine);
    else if (f === '1_per_session') used = await ledger.count({ ...mine, sessionKey: occ.sessionKey });
    else {
      used = await ledger.count({ ...mine, ...periodSpan(occ.at, f.per, tz) });
      allowed = f.count;
    }
    if (used >= allowed) return no('capped');
  }
  const cap = settings.global_cap;
  if (cap && (await ledger.count({ triggerId: null, pid: occ.pid, ...periodSpan(occ.at, cap.per, tz) })) >= cap.count)
    return no('global_cap');
  const due = occ.at + t.delay_minutes * 60_000;
  const moved = t.quiet_hours ? afterQuietHours(due, t.quiet_hours, tz) : due;
  return { outcome: 'queued', dueAt: moved, quiet: moved !== due };
}

/** The dry run's ledger: the occurrences it let through, in memory. */
export class MemoryLedger implements Ledger {
  private readonly queued: Array<{ triggerId: string; pid: string; at: number; sessionKey: string }> = [];

  add(o: Occurrence): void {
    this.queued.push({ triggerId: o.triggerId, pid: o.pid, at: o.at, sessionKey: o.sessionKey });
  }

  async count(q: { triggerId: string | null; pid: string; fromMs?: number; toMs?: number; sessionKey?: string }): Promise<number> {
    return this.queued.filter(
      (r) =>
        r.pid === q.pid &&
        (q.triggerId === null || r.triggerId === q.triggerId) &&
        (q.fromMs === undefined || r.at >= q.fromMs) &&
        (q.toMs === undefined || r.at < q.toMs) &&
        (q.sessionKey === undefined || r.sessionKey === q.sessionKey),
    ).length;
  }
}
