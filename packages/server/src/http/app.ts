import type { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context';
import { installErrorHandling } from './errors';
import { loggerOptions } from './logging';
import { installSecurityHeaders } from './headers';
import { servesRoute } from '../config';
import { dashboardRoutes } from './routes/dashboard';
import { statsRoutes } from './routes/stats';
import { goalRoutes } from './routes/goals';
import { experimentRoutes } from './routes/experiments';
import { audienceRoutes } from './routes/audiences';
import { triggerRoutes } from './routes/triggers';
import { realtimeRoutes } from './routes/realtime';
import { publicV1Routes } from './routes/public-v1';
import { openApiRoutes } from './routes/openapi';
import { demoRoutes } from './routes/demo';
import { authRoutes } from './routes/auth';
import { orgRoutes } from './routes/orgs';
import { siteRoutes } from './routes/sites';
import { workspaceRoutes } from './routes/workspaces';
import { keyRoutes } from './routes/keys';
import { collectRoutes } from './routes/collect';
import { collectV1Routes } from './routes/collect-v1';
import { collectDropinRoutes } from './routes/collect-dropins';
import { plausibleStatsRoutes } from './routes/plausible-stats';
import { collectDropsRoutes } from './routes/collect-drops';
import { collectSegmentRoutes } from './routes/collect-segment';
import { collectSeedRoutes } from './routes/collect-seed';
import { trackingRoutes } from './routes/tracking';
import { trackerScriptRoutes } from './routes/tracker-script';
import { revenueWebhookRoutes } from './routes/revenue-webhooks';
import { revenueRoutes } from './routes/revenue';
import { funnelRoutes } from './routes/funnels';
import { behaviourRoutes } from './routes/behaviour';
import { importRoutes } from './routes/imports';
import { annotationRoutes } from './routes/annotations';
import { siteExportRoutes } from './routes/site-export';
import { shareRoutes } from './routes/shares';
import { metricsRoutes } from './routes/metrics';
import { alertRoutes } from './routes/alerts';
import { pathRoutes } from './routes/paths';
import { cohortRoutes } from './routes/cohorts';
import { profileRoutes } from './routes/profiles';
import { scoringRoutes } from './routes/scoring';
import { connectionRoutes } from './routes/connections';
import { lifetimeRoutes } from './routes/lifetime';
import { segmentRoutes } from './routes/segments';
import { leadScoreModelRoutes } from './routes/lead-score-models';
import { replayRoutes } from './routes/replay';
import { auditRoutes } from './routes/audit';
import { privacyRoutes } from './routes/privacy';
import { consentRoutes } from './routes/consent';
import { domainRoutes } from './routes/domains';
import { brandingRoutes } from './routes/branding';
import { resellerRoutes } from './routes/resellers';
import { installAuditHooks } from '../audit';
import { reportRoutes } from './routes/reports';
import { systemRoutes } from './routes/system';
import { adminOrgRoutes } from './routes/admin-orgs';

export interface RouteInfo {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route; the tenant-isolation test walks this table. */
    routeTable: RouteInfo[];
  }
}

/** A route module: registers its routes on the app with what it needs from the context. */
export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

/** Route modules, in registration order. Each area adds itself here. */
const routeModules: RouteModule[] = [
  metricsRoutes,
  authRoutes,
  orgRoutes,
  siteRoutes,
  importRoutes,
  auditRoutes,
  privacyRoutes,
  consentRoutes,
  domainRoutes,
  brandingRoutes,
  resellerRoutes,
  keyRoutes,
  collectRoutes,
  collectV1Routes,
  collectDropinRoutes,
  collectDropsRoutes,
  revenueWebhookRoutes,
  collectSegmentRoutes,
  collectSeedRoutes,
  trackingRoutes,
  trackerScriptRoutes,
  demoRoutes,
  statsRoutes,
  revenueRoutes,
  funnelRoutes,
  behaviourRoutes,
  pathRoutes,
  cohortRoutes,
  profileRoutes,
  scoringRoutes,
  connectionRoutes,
  lifetimeRoutes,
  segmentRoutes,
  leadScoreModelRoutes,
  goalRoutes,
  experimentRoutes,
  audienceRoutes,
  triggerRoutes,
  annotationRoutes,
  siteExportRoutes,
  shareRoutes,
  alertRoutes,
  replayRoutes,
  reportRoutes,
  systemRoutes,
  adminOrgRoutes,
  realtimeRoutes,
  publicV1Routes,
  workspaceRoutes,
  plausibleStatsRoutes,
  openApiRoutes,
  dashboardRoutes,
];

export interface HttpAppOptions {
  logger?: boolean;
  /** Where the log goes instead of stdout (tests read it). */
  logStream?: Writable;
}

export async function buildHttpApp(ctx: AppContext, opts: HttpAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Request logs carry method and route pattern only: no URLs (tokens, keys), no client addresses (http/logging.ts).
    logger: opts.logger || opts.logStream ? loggerOptions(ctx.config.logLevel, opts.logStream) : false,
    bodyLimit: 1024 * 1024,
    trustProxy: ctx.config.trustedProxies.length ? ctx.config.trustedProxies : false,
    ajv: { customOptions: { allErrors: false } },
    // Profile ids carry a user id of up to 300 characters, URL-encoded (the default allows 100).
    routerOptions: { maxParamLength: 1024 },
  });
  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods) if (m !== 'HEAD') routeTable.push({ method: m, url: r.url });
  });
  installErrorHandling(app);
  // Administrative actions are recorded around their routes (audit/rules.ts).
  installAuditHooks(app, ctx);
  installSecurityHeaders(app);
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ success: false, error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  // Scale-out roles: a collector answers only collection routes, an api node everything else (config/roles.ts).
  const role = ctx.config.role;
  if (role !== 'all') {
    app.addHook('onRequest', async (req, reply) => {
      const url = req.routeOptions.url;
      if (url && !servesRoute(role, url))
        return reply
          .status(404)
          .send({ success: false, error: { code: 'not_found', message: `This ${role} node does not serve ${req.method} ${url}` } });
    });
  }

  // Every dependency answers within a bound, or the node reports 503 so a load balancer takes it out.
  app.get('/health', async (_req, reply) => {
    const checks = await checkDependencies(ctx.health);
    const ok = Object.values(checks).every((c) => c.status === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', events: ctx.events.dialect, role, checks });
  });

  for (const mod of routeModules) await mod(app, ctx);
  return app;
}

type DependencyCheck = { status: 'ok'; ms: number } | { status: 'error'; ms: number; error: string };

async function checkDependencies(
  probes: Record<string, () => Promise<unknown>>,
  timeoutMs = 2000,
): Promise<Record<string, DependencyCheck>> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, DependencyCheck]> => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          probe(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
        ]);
        return [name, { status: 'ok', ms: Date.now() - started }];
      } catch (err) {
        return [name, { status: 'error', ms: Date.now() - started, error: err instanceof Error ? err.message : String(err) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}
