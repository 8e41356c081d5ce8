import type { Config } from './config';

export type Role = Config['role'];

/**
 * What each process role does (docs/scale-out.md):
 * - all:       everything in one process (the embedded default; with Redis + ClickHouse, a one-node scale-out)
 * - collector: collection endpoints and the tracker script; batches go to the Redis stream
 * - worker:    consumes the stream into ClickHouse; HTTP only for /health
 * - api:       dashboard, stats, public API, accounts; no collection
 * - jobs:      scheduled jobs (raw retention …) under a leader lock; HTTP only for /health
 */
export const roleDoes = (role: Role) => ({
  collect: role === 'all' || role === 'collector',
  api: role === 'all' || role === 'api',
  consume: role === 'all' || role === 'worker',
  jobs: role === 'all' || role === 'jobs',
});

// Collection contracts; /api/tracking/analytics is a read (api nodes), /v1/sites… the public read API.
const COLLECT_ROUTE =
  /^\/api\/(v1\/)?collect(\/|$)|^\/api\/(tracking\/(events|test)(\.js)?|analytics\/track|webhooks(\/.*)?)$|^\/v1\/(batch|track|identify|page|screen|group|alias)$/;
/** Drop-in collectors for other tools' clients (Plausible's /api/event, Umami's /api/send and /api/batch). */
const DROPIN_COLLECT_ROUTE = /^\/api\/(event|send|batch)$/;
/** Tracker scripts (/t.js …) are static and served by collectors and api nodes alike. */
const STATIC_SCRIPT = /^\/(js\/)?[A-Za-z0-9._-]+\.js$/;

/** Whether a process of `role` answers the route with this URL pattern (others get 404). */
export function servesRoute(role: Role, url: string): boolean {
  // Every node reports its health and its own metrics.
  if (role === 'all' || url === '/health' || url === '/metrics') return true;
  const does = roleDoes(role);
  if (STATIC_SCRIPT.test(url)) return does.collect || does.api;
  if (COLLECT_ROUTE.test(url) || DROPIN_COLLECT_ROUTE.test(url)) return does.collect;
  return does.api;
}

/** Refuses role/engine combinations that cannot work, with what to set instead. */
export function checkRoleConfig(config: Pick<Config, 'role' | 'eventsUrl' | 'redisUrl' | 'databaseUrl'>): void {
  const { role } = config;
  if (role === 'all') return;
  if (!config.eventsUrl || !/^clickhouses?:\/\//i.test(config.eventsUrl)) {
    throw new Error(
      `--role=${role} needs TIDEMARK_EVENTS_URL=clickhouse://…: the embedded DuckDB file belongs to a single process (use --role=all)`,
    );
  }
  if (!config.databaseUrl)
    throw new Error(`--role=${role} needs DATABASE_URL=postgres://…: the SQLite metadata file belongs to a single process`);
  if ((role === 'collector' || role === 'worker') && !config.redisUrl)
    throw new Error(`--role=${role} needs REDIS_URL: collectors and workers meet through a Redis stream`);
}

const ROLES: readonly Role[] = ['all', 'collector', 'worker', 'api', 'jobs'];

/** The role given as `--role=x` or `--role x` among command-line arguments; undefined when absent. */
export function parseRoleFlag(args: readonly string[]): Role | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = a.startsWith('--role=') ? a.slice('--role='.length) : a === '--role' ? args[i + 1] : undefined;
    if (value === undefined) continue;
    if (!(ROLES as readonly string[]).includes(value))
      throw new Error(`--role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(value)})`);
    return value as Role;
  }
  return undefined;
}
