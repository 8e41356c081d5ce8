import type { ActionPerson, ActionSpec, DeliveryContext, DeliveryResult, DestinationsApi } from '../../src/destinations';
import type { MetaStore } from '../../src/meta';
import { ServerKeys } from '../../src/secrets';
import type { EventStore } from '../../src/store';
import { StatsService } from '../../src/stats';
import { TriggerService, type EngineOptions, type TriggerServiceDeps } from '../../src/triggers';
import { wallClock } from './wall-clock';

/** An outgoing provider that records what it was asked to deliver, and fails when told to. */
export class RecordingDestinations implements DestinationsApi {
  readonly sent: Array<{ action: ActionSpec; person: ActionPerson; ctx: DeliveryContext }> = [];
  /** Answer for the next deliveries (null: success). */
  failWith: DeliveryResult | null = null;
  /** Waits this long before answering (two claimers overlap). */
  delayMs = 0;

  async deliver(action: ActionSpec, person: ActionPerson, ctx: DeliveryContext): Promise<DeliveryResult> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) return this.failWith;
    this.sent.push({ action, person, ctx });
    return { ok: true, status: 200 };
  }

  async syncList(): Promise<DeliveryResult> {
    return { ok: true };
  }
}

export const TEST_KEYS = ServerKeys.fromString('t'.repeat(32));

/** A mutable clock for the service (evaluation passes and deliveries at chosen instants). */
export class TestClock {
  constructor(public ms: number) {}
  readonly now = () => this.ms;
}

export function triggerService(
  meta: MetaStore,
  events: EventStore,
  destinations: DestinationsApi,
  clock: TestClock,
  options: EngineOptions = {},
  scorer?: TriggerServiceDeps['scorer'],
): TriggerService {
  return new TriggerService({
    ...(scorer ? { scorer } : {}),
    meta,
    events,
    stats: new StatsService(events, { sharedResultsMs: 0 }),
    keys: TEST_KEYS,
    destinations,
    now: clock.now,
    options: { firstSpanMs: 30 * 86_400_000, backoffMs: 1000, maxAttempts: 3, ...options },
  });
}

/** The UTC instant whose wall clock in `tz` reads `local` (YYYY-MM-DDTHH:MM), found by scanning minutes (no shared code). */
export function zoned(local: string, tz: string): number {
  const want = local.replace('T', ' ');
  const base = Date.parse(`${local}:00Z`);
  for (let t = base - 15 * 3_600_000; t <= base + 15 * 3_600_000; t += 60_000) if (wallClock(t, tz) === want) return t;
  throw new Error(`${local} does not exist in ${tz}`);
}

/** The local date and minutes of `ms` in `tz`, read with Intl directly. */
export function localParts(ms: number, tz: string): { date: string; minutes: number } {
  const s = wallClock(ms, tz);
  const [date, hm] = s.split(' ') as [string, string];
  return { date, minutes: Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5)) };
}
