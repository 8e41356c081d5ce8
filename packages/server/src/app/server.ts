import fs from 'node:fs';
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { checkRoleConfig, roleDoes, type Config } from '../config';
import { GroupCommitWriter, openEventStore, scheduleRawRetention } from '../store';
import { openMetaStore } from '../meta';
import { bootstrapAdmin, createAuthServices } from '../auth';
import { buildHttpApp } from '../http';
import { Collector, geoDisabled, openIngestServices, SaltKeeper, ThreadCollector, type IngestCollector } from '../ingest';
import { openSessionParts, StatsService, storeHasRollups, type SessionPartsRollup } from '../stats';
import { openScaleOut, withRealtime, type ScaleOut } from '../scaleout';
import type { AppContext, EventWriter } from './context';

/** Opens every store and service the configuration selects. */
export async function createContext(config: Config): Promise<AppContext> {
  checkRoleConfig(config);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const closers: AppContext['closers'] = [];
  const meta = await openMetaStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  closers.push(() => meta.close());
  let events: AppContext['events'];
  try {
    events = await openEventStore(config);
  } catch (err) {
    await meta.close();
    throw err;
  }
  closers.push(() => events.close());
  // Scale-out (REDIS_URL): Redis stream between collectors and workers, shared counters and sessions, jobs leader.
  const does = roleDoes(config.role);
  let scale: ScaleOut | null = null;
  if (config.redisUrl) {
    try {
      scale = await openScaleOut({
        redisUrl: config.redisUrl, collect: does.collect, consume: does.consume, jobs: does.jobs, events,
        name: `tidemark:${config.role}:${os.hostname()}:${process.pid}`,
        prefix: config.redisPrefix, claimIdleMs: config.streamClaimIdleMs, flushMs: config.streamFlushMs,
        log: (message, err) => console.error(message, err ?? ''),
      });
    } catch (err) {
      await events.close();
      await meta.close();
      throw err;
    }
    const opened = scale;
    closers.push(() => opened.close());
  }
  // Closers run in reverse order: the writer drains (every accepted batch committed) before the store closes.
  const accepted: EventWriter =
    scale?.producer ??
    new GroupCommitWriter(events, {
      onError: (err, info) => {
        if (info.final) console.error('event write failed; batch refused with 503', err);
      },
    });
  // Scale-out collectors also record what they accept in Redis, where api nodes read realtime from.
  const writer: EventWriter = scale && does.collect
    ? withRealtime(accepted, scale.realtime, (err) => console.error('realtime update failed', err))
    : accepted;
  closers.push(() => writer.close());
  if (does.jobs) {
    // With several jobs processes only the leader sweeps.
    const leader = scale?.leader;
    const target = leader ? { purgeRaw: (ms: number) => (leader.isLeader ? events.purgeRaw(ms) : Promise.resolve(0)) } : events;
    closers.push(scheduleRawRetention(target, config.rawRetentionDays, { onError: (err) => console.error('raw retention sweep failed', err) }));
  }
  // The stats rollups (stats/rollups/) where the store can hold them (the embedded one): only speed queries up.
  let sessionParts: SessionPartsRollup | undefined;
  if (does.jobs && storeHasRollups(events)) {
    const rollup = await openSessionParts(events, { zones: async () => (await meta.sites.listAll()).map((s) => [s.id, s.timezone] as const) });
    closers.push(() => rollup.close());
    closers.push(rollup.schedule(5 * 60_000, (err) => console.error('session parts rollup failed', err)));
    sessionParts = rollup;
  }
  let collector: IngestCollector;
  try {
    const salts = new SaltKeeper(meta.salts, (err) => console.error('deleting expired salts failed', err));
    // The thread hands over encoded events, which only some stores accept (the embedded one).
    if (!scale && events.capabilities.encodedWrites && config.collectorThread) {
      // The thread starts with the first request; a geolocation database it could not open is reported now.
      checkGeoDbPath(config.geoDbPath);
      collector = ThreadCollector.lazy({ geoDbPath: config.geoDbPath, salts, sink: writer, onError: (err) => console.error('collector thread failed; restarted', err) });
    } else {
      const services = await openIngestServices(config);
      // Scale-out collectors share their sessions through Redis.
      if (scale?.sessions) services.sessions = scale.sessions;
      collector = new Collector(services, salts, writer);
    }
  } catch (err) {
    await scale?.close();
    await sessionParts?.close();
    await events.close();
    await meta.close();
    throw err;
  }
  // After the writer's closer, so it runs first: requests in the collector finish before the writer drains.
  closers.push(() => collector.close());
  const auth = createAuthServices(config, scale ? { counters: scale.counters } : {});
  const health: AppContext['health'] = {
    events: () => events.query('SELECT 1 AS ok'),
    metadata: () => sql`SELECT 1 AS ok`.execute(meta.db),
  };
  if (scale) {
    const redis = scale.redis;
    health.redis = () => redis.ping();
  }
  const stats = new StatsService(events, { ...(scale ? { realtime: scale.realtime } : {}), sessionParts });
  const ctx: AppContext = { config, events, writer, meta, auth, collector, stats, health, closers };
  await bootstrapAdmin(ctx);
  return ctx;
}

function checkGeoDbPath(geoDbPath: string | undefined): void {
  if (!geoDbPath || geoDisabled(geoDbPath)) return;
  try {
    fs.accessSync(geoDbPath, fs.constants.R_OK);
  } catch {
    throw new Error(`TIDEMARK_GEO_DB: cannot read ${geoDbPath}`);
  }
}

export async function closeContext(ctx: AppContext): Promise<void> {
  for (const close of [...ctx.closers].reverse()) await close();
}

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  stop(): Promise<void>;
}

/** Builds and starts the HTTP server; `stop` drains in-flight writes and closes the stores. */
export async function startServer(config: Config, opts: { logger?: boolean } = {}): Promise<RunningServer> {
  const ctx = await createContext(config);
  const app = await buildHttpApp(ctx, opts);
  const address = await app.listen({ port: config.port, host: config.host });
  const port = (app.server.address() as { port: number }).port;
  let stopped: Promise<void> | undefined;
  return {
    app,
    ctx,
    url: config.host === '0.0.0.0' || config.host === '::' ? `http://127.0.0.1:${port}` : address,
    stop() {
      stopped ??= (async () => {
        await app.close();
        await closeContext(ctx);
      })();
      return stopped;
    },
  };
}
