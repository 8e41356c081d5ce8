import type { JobStatus, SystemStatus } from '@tidemark/core';
import type { MetaStore } from '../meta';
import type { IngestBacklog, RecentErrors } from '../monitoring';
import type { EventStore } from '../store';
import { ingestCounts, storageBySite } from './storage';

export interface SystemSources {
  events: EventStore;
  /** The data directory (the embedded store's files). */
  dataDir: string;
  meta: MetaStore;
  /** One probe per dependency (the same as GET /health). */
  health: Record<string, () => Promise<unknown>>;
  /** What waits between acceptance and the store: the group-commit writer, or the Redis stream at scale. */
  backlog: { kind: 'group-commit' | 'redis-stream'; read(): Promise<IngestBacklog> };
  scaleOut: boolean;
  recentErrors: RecentErrors;
  /** Error messages as logs show them (redacted). */
  describe: (err: unknown) => string;
  now?: () => number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** The ingest backlog in the System page's terms (also what system alerts judge). */
export async function backlogNow(sources: Pick<SystemSources, 'backlog'>, now: number): Promise<SystemStatus['queue']> {
  const b = await sources.backlog.read();
  return {
    kind: sources.backlog.kind,
    waiting: b.waiting,
    oldest_age_seconds: b.oldestAt === null ? 0 : Math.max(0, now - b.oldestAt) / 1000,
  };
}

/** Probes each dependency once, timed; a failing probe is reported, never thrown. */
async function dependencies(sources: SystemSources): Promise<SystemStatus['dependencies']> {
  return Promise.all(
    Object.entries(sources.health).map(async ([name, probe]) => {
      const started = performance.now();
      try {
        await probe();
        return { name, ok: true, latency_ms: Math.round((performance.now() - started) * 10) / 10, error: null };
      } catch (err) {
        return { name, ok: false, latency_ms: Math.round((performance.now() - started) * 10) / 10, error: sources.describe(err) };
      }
    }),
  );
}

/**
 * The admin "System" page's numbers (docs/operations.md): dependencies, ingest rate and drops, the
 * ingest backlog, storage per site, background jobs and this node's last errors. A part whose source
 * is down is left empty, so the page still shows which one failed.
 */
export async function systemStatus(sources: SystemSources): Promise<SystemStatus> {
  const now = (sources.now ?? Date.now)();
  const today = new Date(now).toISOString().slice(0, 10);
  const deps = await dependencies(sources);
  const eventsUp = deps.find((d) => d.name === 'events')?.ok !== false;
  const sites = await sources.meta.sites.listAll().catch(() => []);
  const [counts, storage, drops, queue, jobs] = await Promise.all([
    eventsUp ? ingestCounts(sources.events, now - 5 * 60_000, now - 3_600_000).catch(() => null) : null,
    eventsUp ? storageBySite(sources.events, sources.dataDir).catch(() => null) : null,
    eventsUp
      ? Promise.all(sites.map((s) => sources.events.dropCounts(s.id, today, today))).catch(() => [])
      : ([] as Awaited<ReturnType<EventStore['dropCounts']>>[]),
    backlogNow(sources, now).catch(() => ({ kind: sources.backlog.kind, waiting: 0, oldest_age_seconds: 0 })),
    sources.meta.jobRuns.list().catch(() => []),
  ]);
  const byReason = new Map<string, number>();
  for (const d of drops.flat()) byReason.set(d.reason, (byReason.get(d.reason) ?? 0) + Number(d.count));
  const totalEvents = storage ? [...storage.perSite.values()].reduce((a, b) => a + b, 0) : 0;
  return {
    mode: sources.scaleOut ? 'scale-out' : 'embedded',
    engine: sources.events.dialect,
    checked_at: new Date(now).toISOString(),
    dependencies: deps,
    ingest: {
      events_last_5m: counts?.recent ?? 0,
      events_last_hour: counts?.hour ?? 0,
      per_second: Math.round(((counts?.recent ?? 0) / 300) * 100) / 100,
      drops_today: [...byReason]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)),
    },
    queue,
    storage: {
      total_bytes: storage?.bytes ?? null,
      sites: sites
        .map((s) => {
          const n = storage?.perSite.get(s.id) ?? 0;
          return {
            site_id: s.id,
            domain: s.domain,
            events: n,
            estimated_bytes: storage?.bytes != null && totalEvents > 0 ? Math.round((storage.bytes * n) / totalEvents) : null,
          };
        })
        .sort((a, b) => b.events - a.events || (a.domain < b.domain ? -1 : 1)),
    },
    jobs: jobs.map(
      (j): JobStatus => ({
        name: j.name,
        runs: Number(j.runs),
        failures: Number(j.failures),
        last_started: iso(j.last_started),
        last_finished: iso(j.last_finished),
        last_ok: j.last_ok === null ? null : Number(j.last_ok) === 1,
        last_error: j.last_error,
        last_error_at: iso(j.last_error_at),
      }),
    ),
    recent_errors: sources.recentErrors.list().map((e) => ({ at: new Date(e.at).toISOString(), message: e.message })),
  };
}
