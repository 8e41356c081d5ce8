import type { EventStore } from '../store';
import type { Dialect } from './dialect';
import { compileRealtime, shapeRealtime, type RealtimeSnapshot } from './realtime';

/**
 * Where "visitors now" comes from. Embedded mode reads the event store; in scale-out mode the
 * collectors keep realtime activity in Redis (scaleout/realtime.ts), so the api nodes do not trail the
 * stream workers.
 */
export interface RealtimeSource {
  snapshot(siteId: string, nowMs: number): Promise<RealtimeSnapshot>;
}

/** Realtime from the events table (one query per snapshot). */
export class StoreRealtimeSource implements RealtimeSource {
  constructor(
    private readonly events: EventStore,
    private readonly dialect: Dialect,
  ) {}

  async snapshot(siteId: string, nowMs: number): Promise<RealtimeSnapshot> {
    const compiled = compileRealtime(this.dialect, siteId, nowMs);
    const rows = await this.events.query<Record<string, unknown>>(compiled.sql, compiled.params);
    return shapeRealtime(rows, nowMs);
  }
}
