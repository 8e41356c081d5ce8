import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { checkRoleConfig, roleDoes, type Config } from '../config';
import { GroupCommitWriter, openEventStore, scheduleRawRetention, type LifecycleStore } from '../store';
import { openMetaStore } from '../meta';
import { bootstrapAdmin, createAuthServices } from '../auth';
import { MemoryCounterStore } from '../counters';
import { buildHttpApp, errorForLog, type HttpAppOptions } from '../http';
import {
  Collector,
  geoDisabled,
  openIngestServices,
  SaltKeeper,
  ThreadCollector,
  withDropTally,
  withQuarantineBudget,
  type IngestCollector,
} from '../ingest';
import { openPathSessions, openSessionParts, openVisitorHours, StatsService, storeHasRollups, type SessionPartsRollup } from '../stats';
import { keyedCounterStore, loadServerSecret, preparePrivateDir, restrictDataFiles, ServerKeys } from '../secrets';
import { openScaleOut, withRealtime, type ScaleOut } from '../scaleout';
import { Lifecycle } from '../lifecycle';
import { RevenueService, scheduleRatesFetch, TrafficCache } from '../revenue';
import { PrivacyService } from '../privacy';
import { scheduleConsentRetention } from '../consent';
import { TrackerExtensions } from '../extensions';
import { BehaviourService, registerBehaviourExtensions, Screenshots } from '../behaviour';
import { Vault } from '../vault';
import { openReplayStore, ReplayService, replayExtension } from '../replay';
import { ImportService } from '../imports';
import { instrumentWrites, JobMonitor, Metrics, RecentErrors } from '../monitoring';
import { AlertService, scheduleAlerts } from '../alerts';
import { createDestinations } from '../destinations';
import { LifetimeService } from '../lifetime';
import { scheduleSegments, SegmentService, segmentDepsOf, siteProfileScorer } from '../segments';
import { AudienceLifecycle, AudienceService, scheduleAudiences } from '../audiences';
import { scheduleTriggers, TriggerLifecycle, TriggerService } from '../triggers';
import { GoalService } from '../goals';
import { ReportService, scheduleReports } from '../reports';
import { LeadModelService, scheduleLeadModelRetraining } from '../scoring';
import { UsageMeter, withQuota } from '../tenancy';
import { scheduleSystemAlerts, SystemAlertService, systemStatus, type SystemSources } from '../system';
import type { JobRunner } from '../schedule';
import type { AppContext, EventWriter } from './context';

/** Background failures: the message and a redacted error (engine messages quote the values they failed on). */
const printError = (message: string, err?: unknown) => console.error(message, err === undefined ? '' : JSON.stringify(errorForLog(err)));
const describeError = (err: unknown) => errorForLog(err).message;

/** Opens every store and service the configuration selects. */
export async function createContext(config: Config): Promise<AppContext> {
  checkRoleConfig(config);
  preparePrivateDir(config.dataDir);
  // Background failures are printed and kept for the System page (this node's last errors).
  const recentErrors = new RecentErrors();
  const logError = (message: string, err?: unknown) => {
    recentErrors.add(err === undefined ? message : `${message}: ${describeError(err)}`);
    printError(message, err);
  };
  // Before any store opens: a multi-process deployment without TIDEMARK_SECRET stops here.
  const keys = ServerKeys.fromString(
    loadServerSecret({ secret: config.secret, dataDir: config.dataDir, shared: !!config.redisUrl || config.role !== 'all' }),
  );
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
  const metrics = new Metrics();
  if (config.redisUrl) {
    try {
      scale = await openScaleOut({
        redisUrl: config.redisUrl,
        collect: does.collect,
        consume: does.consume,
        jobs: does.jobs,
        // The stream worker's writes timed and counted for /metrics, like the group commit's in one process.
        events: instrumentWrites(events, metrics),
        name: `tidemark:${config.role}:${os.hostname()}:${process.pid}`,
        prefix: config.redisPrefix,
        claimIdleMs: config.streamClaimIdleMs,
        flushMs: config.streamFlushMs,
        log: (message, err) => logError(message, err),
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
  const jobs = new JobMonitor(metrics, meta, describeError, logError);
  const track: JobRunner = (job, run) => jobs.run(job, run);
  // Jobs that report only their failures: counted and kept as their last error.
  const jobFailed = (job: string, message: string, err: unknown) => {
    jobs.failed(job, err);
    logError(message, err);
  };
  let accepted: EventWriter;
  let groupCommit: GroupCommitWriter | null = null;
  if (scale?.producer) accepted = scale.producer;
  else {
    // Embedded: the group-commit writer, its store writes timed and counted for /metrics.
    const committer = new GroupCommitWriter(instrumentWrites(events, metrics), {
      onError: (err, info) => {
        if (info.final) logError('event write failed; batch refused with 503', err);
      },
    });
    metrics.watchQueue(() => committer.pendingItems);
    accepted = committer;
    groupCommit = committer;
  }
  // The backlog every node reports: the Redis stream whenever the store is fed through it (an api or jobs
  // node reads it too), else this process's group commit.
  const stream = scale?.streamed ? scale : null;
  const backlog: SystemSources['backlog'] = stream
    ? { kind: 'redis-stream', read: () => stream.backlog() }
    : {
        kind: 'group-commit',
        read: async () => ({ waiting: groupCommit?.pendingItems ?? 0, oldestAt: groupCommit?.oldestPendingAt ?? null }),
      };
  metrics.watchBacklog(backlog.read, { stream: backlog.kind === 'redis-stream' });
  // Scale-out collectors also record what they accept in Redis, where api nodes read realtime from.
  const writer: EventWriter =
    scale && does.collect ? withRealtime(accepted, scale.realtime, (err) => logError('realtime update failed', err)) : accepted;
  closers.push(() => writer.close());
  if (does.jobs) {
    // With several jobs processes only the leader sweeps.
    const leader = scale?.leader;
    const target = leader ? { purgeRaw: (ms: number) => (leader.isLeader ? events.purgeRaw(ms) : Promise.resolve(0)) } : events;
    closers.push(
      scheduleRawRetention(target, config.rawRetentionDays, {
        onError: (err) => jobFailed('raw-retention', 'raw retention sweep failed', err),
      }),
    );
  }
  // Retention and deleted sites' purges (lifecycle/): a site deletion starts its purge from any process;
  // the scheduled runs happen on the jobs role, on the leader only at scale. Runs finish before the stores close.
  // The Data Vault layer (vault/): loaded every few minutes by the jobs role (the leader at scale); its tables
  // follow the events through every lifecycle duty.
  const vault = await Vault.open(events);
  closers.push(() => vault.close());
  if (does.jobs) {
    const leader = scale?.leader;
    closers.push(
      vault.schedule({
        sites: async () => (await meta.sites.listAll()).map((s) => s.id),
        onError: (err) => jobFailed('vault', 'vault load failed', err),
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
    );
  }
  // Session replay chunks (replay/): files under the data directory embedded, a table at scale; they follow
  // the site through every lifecycle duty like the vault.
  const replayStore = await openReplayStore(events, path.join(config.dataDir, 'replay'));
  closers.push(() => replayStore.close());
  // Heatmap screenshots (behaviour/): Chromium where there is one, files in the data dir.
  const chromium = config.chromiumPath ?? (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : '');
  const screenshots = new Screenshots(
    path.join(config.dataDir, 'screenshots'),
    chromium || undefined,
    config.screenshotAllowPrivate ?? false,
  );
  closers.push(() => screenshots.close());
  const derivedTargets: LifecycleStore[] = [vault.lifecycle, replayStore, screenshots.lifecycle, new TriggerLifecycle(meta, events)];
  const lifecycle = new Lifecycle(
    // Audiences' members join the derived targets once the stats engine they ask is made (below).
    { events, meta, derived: derivedTargets },
    { settleMs: config.purgeSettleMs, log: logError },
  );
  closers.push(() => lifecycle.idle());
  if (does.jobs) {
    const leader = scale?.leader;
    closers.push(lifecycle.schedule({ firstRunMs: config.lifecycleFirstRunMs, ...(leader ? { isLeader: () => leader.isLeader } : {}) }));
  }
  // The stats rollups (stats/rollups/) where the store can hold them (the embedded one): only speed queries up.
  let sessionParts: SessionPartsRollup | undefined;
  let pathSessions: SessionPartsRollup | undefined;
  let visitorHours: SessionPartsRollup | undefined;
  if (does.jobs && storeHasRollups(events)) {
    const rollup = await openSessionParts(events, {
      zones: async () => (await meta.sites.listAll()).map((s) => [s.id, s.timezone] as const),
    });
    closers.push(() => rollup.close());
    closers.push(rollup.schedule(5 * 60_000, (err) => jobFailed('session-parts', 'session parts rollup failed', err)));
    sessionParts = rollup;
    const paths = await openPathSessions(events);
    closers.push(() => paths.close());
    closers.push(paths.schedule(5 * 60_000, (err) => logError('path sessions rollup failed', err)));
    pathSessions = paths;
    const hours = await openVisitorHours(events);
    closers.push(() => hours.close());
    closers.push(hours.schedule(5 * 60_000, (err) => logError('visitor hours rollup failed', err)));
    visitorHours = hours;
  }
  // Login throttles, key and collection rate limits, the quarantine's daily budget: one store, shared by every node at scale.
  // Counter names (e-mail and IP addresses, key ids) reach the counter store only as keyed digests.
  const counters = keyedCounterStore(scale?.counters ?? new MemoryCounterStore(), (name) => keys.hmac('counter-keys', name));
  // Drop counts of refused requests are added up while they stream in (a flood is one write a second, not one per request).
  const tallied = withDropTally(writer);
  // In-memory counters start empty with the process: they learn what a site's day already holds from the store.
  const budget = scale ? {} : { storedSince: (site: string, since: number) => events.countQuarantine(site, since) };
  const collectSink = withQuarantineBudget(tallied, counters, config.quarantinePerSiteDay, budget);
  let collector: IngestCollector;
  try {
    const salts = new SaltKeeper(meta.salts, (err) => logError('deleting expired salts failed', err));
    // The thread hands over encoded events, which only some stores accept (the embedded one).
    if (!scale && events.capabilities.encodedWrites && config.collectorThread) {
      // The thread starts with the first request; a geolocation database it could not open is reported now.
      checkGeoDbPath(config.geoDbPath);
      collector = ThreadCollector.lazy({
        geoDbPath: config.geoDbPath,
        traitKey: keys.derive('trait-hash'),
        salts,
        sink: collectSink,
        onError: (err) => logError('collector thread failed; restarted', err),
      });
    } else {
      const services = await openIngestServices(config, keys.derive('trait-hash'));
      // Scale-out collectors share their sessions through Redis.
      if (scale?.sessions) services.sessions = scale.sessions;
      collector = new Collector(services, salts, collectSink);
    }
  } catch (err) {
    await scale?.close();
    await sessionParts?.close();
    await pathSessions?.close();
    await visitorHours?.close();
    await events.close();
    await meta.close();
    throw err;
  }
  // After the writer's closer, so they run first: requests in the collector finish, then the tally is written, then the writer drains.
  closers.push(() => tallied.close());
  closers.push(() => collector.close());
  // The engines create their files with the process umask; the data files are private whatever it is.
  restrictDataFiles(config.dataDir);
  const auth = createAuthServices(config, { counters });
  const health: AppContext['health'] = {
    events: () => events.query('SELECT 1 AS ok'),
    metadata: () => sql`SELECT 1 AS ok`.execute(meta.db),
  };
  if (scale) {
    const redis = scale.redis;
    health.redis = () => redis.ping();
  }
  // The revenue page counts its visitors with the stats engine (per source kept while events are unchanged);
  // revenue metrics of the engine read revenue credits.
  const revenue = new RevenueService({ events, meta, keys, writer, traffic: (site, range) => traffic.traffic(site, range) });
  const stats: StatsService = new StatsService(events, {
    ...(scale ? { realtime: scale.realtime } : {}),
    sessionParts,
    pathSessions,
    visitorHours,
    revenueCredits: (siteId) => revenue.ensureCredits(siteId),
  });
  const traffic = new TrafficCache(stats, events);
  // Imports run where they were uploaded; a restart fails what it interrupted (at scale: what no node touched for an hour).
  const imports = new ImportService(events, meta, { log: logError });
  await imports.recover(scale ? 3_600_000 : 0);
  closers.push(() => imports.idle());
  const trackerExtensions = new TrackerExtensions();
  registerBehaviourExtensions(trackerExtensions);
  const behaviour = new BehaviourService(events, screenshots);
  closers.push(async () => {
    await behaviour.idle();
  });
  // Alerts are judged by the jobs role (the leader at scale) every 5 minutes, on closed buckets.
  const alerts = new AlertService({
    meta,
    stats,
    keys,
    mailer: auth.mailer,
    publicUrl: config.publicUrl,
    allowPrivate: config.allowPrivateWebhooks,
  });
  // Triggers' and audiences' outgoing destinations: private addresses only when the admin allowed them, as for alerts.
  const destinations = createDestinations({ meta, keys, mailer: auth.mailer, outbound: { allowPrivate: config.allowPrivateWebhooks } });
  // Audiences (audiences/): passes every 5 minutes on the jobs role (the leader at scale); members follow
  // their people through every lifecycle duty.
  // One site's profile scorer (score and segment) for the profiles API, audiences and triggers alike.
  const profileScorer = siteProfileScorer({ meta, stats, events });
  const audiences = new AudienceService({ meta, stats, keys, destinations, scorer: profileScorer });
  derivedTargets.push(new AudienceLifecycle(audiences.store, stats));
  if (does.jobs) {
    const leader = scale?.leader;
    const goalsOf = new GoalService(meta, stats);
    closers.push(
      scheduleAudiences(audiences, {
        sites: async (id) => {
          const s = await meta.sites.byId(id);
          return s ? goalsOf.statsSite(s) : null;
        },
        onError: (err) => logError('audience update failed', err),
        track,
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
    );
  }
  // Triggers (triggers/): evaluated every minute by the jobs role (the leader at scale), actions sent through the destinations.
  // Profile predicates read the profile read model's score and segment, as the profiles API gives them.
  const triggers = new TriggerService({ meta, events, stats, keys, destinations, scorer: profileScorer });
  if (does.jobs) {
    const leader = scale?.leader;
    closers.push(
      scheduleTriggers(triggers, {
        onError: (err) => logError('trigger evaluation failed', err),
        track,
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
    );
  }
  // Email reports and system alerts: links point to TIDEMARK_PUBLIC_URL (else this server's own address).
  const publicBase =
    config.publicUrl ?? `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`;
  const reports = new ReportService({
    meta,
    stats,
    keys,
    mailer: auth.mailer,
    baseUrl: () => publicBase,
  });
  if (does.jobs) {
    const leader = scale?.leader;
    closers.push(
      behaviour.schedule({
        sites: async () => (await meta.sites.listAll()).map((s) => ({ id: s.id, timezone: s.timezone, retention_days: s.retention_days })),
        onError: (err) => jobFailed('heatmap-grid', 'heatmap grid build failed', err),
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
      scheduleReports(reports, {
        onError: (err) => logError('email report failed', err),
        track,
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
    );
    closers.push(
      scheduleAlerts(alerts, {
        onError: (err) => logError('alert evaluation failed', err),
        track,
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
    );
    // Person labels (score and segment per visitor id, for the stats engine) every 5 minutes; segments re-trained daily.
    const segmentDeps = segmentDepsOf({ meta, stats, events });
    const siteGoals = new GoalService(meta, stats);
    closers.push(
      scheduleSegments(new SegmentService(segmentDeps), segmentDeps, {
        statsSite: (s) => siteGoals.statsSite(s),
        onError: (err) => logError('segments job failed', err),
        track,
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
    );
  }
  // Churn and lifetime-value models (lifetime/): trained on request in the background; retrained daily by the jobs role (the leader at scale).
  const lifetime = new LifetimeService({ meta, stats });
  closers.push(() => lifetime.idle());
  if (does.jobs) {
    const leader = scale?.leader;
    closers.push(
      lifetime.schedule({
        sites: async (id) => {
          const s = await meta.sites.byId(id);
          return s ? { id: s.id, timezone: s.timezone } : null;
        },
        onError: (err) => logError('lifetime model training failed', err),
        track,
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
    );
  }
  // The System page and system alerts (system/): read from any node; the alerts judged by the jobs role (the leader at scale).
  const systemSources: SystemSources = {
    events,
    dataDir: config.dataDir,
    meta,
    health,
    backlog,
    scaleOut: !!scale,
    recentErrors,
    describe: describeError,
  };
  const systemAlerts = new SystemAlertService({
    meta,
    keys,
    mailer: auth.mailer,
    backlog,
    baseUrl: () => publicBase,
    allowPrivate: config.allowPrivateWebhooks,
  });
  if (does.jobs) {
    const leader = scale?.leader;
    closers.push(
      scheduleSystemAlerts(systemAlerts, {
        onError: (err) => logError('system alert evaluation failed', err),
        track,
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
    );
  }
  if (does.jobs && config.ratesUrl)
    closers.push(
      scheduleRatesFetch({
        url: config.ratesUrl,
        allowPrivate: config.ratesAllowPrivate ?? false,
        store: (rates) => revenue.putRates(rates),
        onError: (err) => jobFailed('exchange-rates', 'exchange-rate fetch failed', err),
      }),
    );
  const replay = new ReplayService({
    store: replayStore,
    events,
    keys,
    counters,
    chunksPerMinute: config.replayChunksPerMinute,
    monthlyBytesPerSite: config.replayMonthlyBytesPerSite,
  });
  trackerExtensions.register(replayExtension);
  // Data-subject requests (privacy/): started on request from any node; the jobs role picks up what a restart left.
  const privacy = new PrivacyService({ events, meta, lifecycle, keys, emailHash: (e) => revenue.emailHash(e), log: logError });
  closers.push(() => privacy.idle());
  if (does.jobs) {
    const leader = scale?.leader;
    closers.push(privacy.schedule(leader ? { isLeader: () => leader.isLeader } : {}));
    closers.push(
      scheduleConsentRetention(meta, config.consentLogRetentionDays, {
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
        onError: (err) => logError('consent log retention failed', err),
      }),
    );
  }
  // Lead-score models (scoring/): trained in the background on request, one at a time per site; the jobs
  // role retrains the sites in model mode daily. A single node fails what a restart interrupted.
  const goalSites = new GoalService(meta, stats);
  const leadModels = new LeadModelService({
    meta,
    stats,
    statsSite: async (id) => {
      const s = await meta.sites.byId(id);
      return s ? goalSites.statsSite(s) : null;
    },
    onError: (err) => logError('lead-score model training failed', err),
  });
  if (!scale) await meta.leadScoreModels.failUnfinished('interrupted by a restart: train again');
  closers.push(() => leadModels.idle());
  if (does.jobs) {
    const leader = scale?.leader;
    closers.push(
      scheduleLeadModelRetraining(leadModels, {
        onError: (err) => logError('lead-score model retraining failed', err),
        track,
        ...(leader ? { isLeader: () => leader.isLeader } : {}),
      }),
    );
  }
  // Monthly event counts per organization for hard limits at ingestion and the Usage page (tenancy/).
  const usage = new UsageMeter(meta, events);
  const ctx: AppContext = {
    config,
    events,
    writer,
    meta,
    keys,
    auth,
    collector: withQuota(collector, usage),
    usage,
    stats,
    revenue,
    trackerExtensions,
    behaviour,
    replay,
    lifecycle,
    imports,
    alerts,
    audiences,
    reports,
    destinations,
    lifetime,
    leadModels,
    triggers,
    profileScorer,
    metrics,
    jobs,
    system: { status: () => systemStatus(systemSources), alerts: systemAlerts },
    privacy,
    health,
    closers,
  };
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
export async function startServer(config: Config, opts: HttpAppOptions = {}): Promise<RunningServer> {
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
