import type { EventStore } from '../../store';
import { duckdbDialect } from '../dialects/duckdb';
import { SessionPartsRollup, type SessionPartsOptions } from './job';
import { packZones } from './mark-cube-day';
import { compileMarksBuild } from './session-marks';
import { compilePartsBuild } from './session-parts';
import { compilePathSessionsBuild } from './path-sessions';
import { compileVisitorHoursBuild } from './visitor-hours';

export interface SessionZones {
  /** Every site's (id, IANA time zone): with it the job keeps the daily marks cube (mark-cube-day.ts). */
  zones?: () => Promise<ReadonlyArray<readonly [string, string]>>;
}

/** Whether a store can hold the rollups (its `capabilities.rollups`). */
export function storeHasRollups(store: EventStore): boolean {
  return store.capabilities.rollups && typeof store.openJobConnection === 'function' && typeof store.maintenance === 'function';
}

/**
 * The rollup job of a store that can hold it (`capabilities.rollups`: the embedded DuckDB store), on a
 * connection of its own, building with the statements of this folder.
 */
export async function openSessionParts(
  store: EventStore,
  opts: Omit<SessionPartsOptions, 'buildSql' | 'marksSql' | 'marksKey'> & SessionZones = {},
): Promise<SessionPartsRollup> {
  if (!storeHasRollups(store) || store.dialect !== 'duckdb')
    throw new Error(`the ${store.dialect} event store cannot hold the session-parts rollup`);
  const { zones, ...rest } = opts;
  return new SessionPartsRollup(await store.openJobConnection!(), {
    ...rest,
    serialize: store.maintenance ? (fn) => store.maintenance!(fn) : undefined,
    buildSql: (from, to) => compilePartsBuild(duckdbDialect, from, to),
    // The packed zones are the key: read once per run, and a changed zone makes the marks pass due.
    marksKey: async () => (zones ? packZones(await zones()) : ''),
    marksSql: (key) => compileMarksBuild(duckdbDialect, zones ? key : null),
  });
}

/** The path-sessions job (path-sessions.ts) of a store that can hold rollups, with a watermark of its own. */
export async function openPathSessions(
  store: EventStore,
  opts: Omit<SessionPartsOptions, 'buildSql' | 'marksSql' | 'marksKey' | 'stateTable'> = {},
): Promise<SessionPartsRollup> {
  if (!storeHasRollups(store) || store.dialect !== 'duckdb')
    throw new Error(`the ${store.dialect} event store cannot hold the path-sessions rollup`);
  return new SessionPartsRollup(await store.openJobConnection!(), {
    ...opts,
    stateTable: 'path_sessions_state',
    serialize: store.maintenance ? (fn) => store.maintenance!(fn) : undefined,
    buildSql: (from, to) => compilePathSessionsBuild(duckdbDialect, from, to),
  });
}

/** The visitor-hours job (visitor-hours.ts) of a store that can hold rollups, with a watermark of its own. */
export async function openVisitorHours(
  store: EventStore,
  opts: Omit<SessionPartsOptions, 'buildSql' | 'marksSql' | 'marksKey' | 'stateTable'> = {},
): Promise<SessionPartsRollup> {
  if (!storeHasRollups(store) || store.dialect !== 'duckdb')
    throw new Error(`the ${store.dialect} event store cannot hold the visitor-hours rollup`);
  return new SessionPartsRollup(await store.openJobConnection!(), {
    ...opts,
    stateTable: 'visitor_hours_state',
    serialize: store.maintenance ? (fn) => store.maintenance!(fn) : undefined,
    buildSql: (from, to) => compileVisitorHoursBuild(duckdbDialect, from, to),
  });
}
