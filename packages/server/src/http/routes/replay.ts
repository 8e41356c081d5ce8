import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, notFound, REPLAY_LIMITS, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import type { SiteRecord } from '../../meta';
import { requireSiteAccess } from '../../auth';
import { siteRules } from '../../ingest';
import { DROP_OFF_SESSIONS, type FunnelDropOff } from '../../replay';
import { header, preflight } from './collect-common';

const params = (req: FastifyRequest) => req.params as { id: string; rid: string };

/**
 * Session replay (docs/session-replay.md). Collection: `POST /api/collect/replay` takes one chunk (gzip or
 * plain JSON of rrweb events; site, recording, sequence and attribution id in the query) and answers 202
 * once it is durable; `GET /api/collect/replay/config` gives t.replay.js the site's privacy settings.
 * Reading: the recordings of a site, one recording's metadata and its events, for the dashboard (session)
 * and for API keys (`/v1`).
 */
export async function replayRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const replay = ctx.replay;

  async function siteOf(trackingId: unknown): Promise<SiteRecord> {
    if (typeof trackingId !== 'string' || !trackingId || trackingId.length > 64)
      throw badRequest('missing_site', 'Name the site: s=<tracking id>');
    const site = await ctx.meta.sites.byTrackingId(trackingId);
    if (!site) throw new TidemarkError(404, 'unknown_site', 'No site has this tracking id');
    return site;
  }

  /** A browser's Origin must be one of the site's hosts (as for events); CORS headers for those. */
  function allowOrigin(req: FastifyRequest, reply: FastifyReply, site: SiteRecord): void {
    const origin = header(req, 'origin');
    if (!origin) return;
    let host = '';
    try {
      host = new URL(origin).hostname;
    } catch {
      host = '';
    }
    if (!host || !siteRules(site).hostAllowed(host))
      throw new TidemarkError(403, 'origin_not_allowed', 'This origin is not one of the hosts of this site');
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Vary', 'Origin');
  }

  await app.register(async (scope) => {
    // Chunks are bytes (gzip) or text whatever the content type (text/plain skips the CORS preflight).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: REPLAY_LIMITS.bodyBytes }, (_req, body, done) => done(null, body));
    scope.options('/api/collect/replay', preflight);
    scope.post('/api/collect/replay', async (req, reply) => {
      const q = replay.parseChunkQuery(req.query);
      const site = await siteOf(q.s);
      allowOrigin(req, reply, site);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!body.length) throw badRequest('invalid_chunk', 'The chunk is empty');
      const r = await replay.ingest(site, q, body);
      return reply.status(202).send({ success: true, stored: r.stored });
    });
    scope.get('/api/collect/replay/config', async (req, reply) => {
      const site = await siteOf((req.query as Record<string, unknown>)?.s);
      allowOrigin(req, reply, site);
      reply.header('cache-control', 'public, max-age=60');
      return replay.clientConfig(site);
    });
  });

  /** A funnel drop-off's sessions: the funnel of this site (another's is a 404), its stats over the given days. */
  const dropOffSessions = (site: SiteRecord) => async (d: FunnelDropOff) => {
    const funnel = await ctx.meta.funnels.byId(site.id, d.funnel_id);
    if (!funnel) throw notFound('Funnel');
    const params = { period: 'custom', start_date: d.start_date, end_date: d.end_date, ...(d.filters ? { filters: d.filters } : {}) };
    return ctx.stats.funnelDropOffSessions(site, funnel, params, d.step, DROP_OFF_SESSIONS);
  };
  const list = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return replay.list(site, req.query, Date.now(), dropOffSessions(site));
  };
  const one = async (req: FastifyRequest) => replay.get(await requireSiteAccess(ctx, req, params(req).id, 'read'), params(req).rid);
  const events = async (req: FastifyRequest, reply: FastifyReply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    const stream = await replay.eventStream(site, params(req).rid);
    return reply.type('application/json; charset=utf-8').header('cache-control', 'private, no-store').send(stream);
  };
  const sessionEvents = async (req: FastifyRequest) =>
    replay.sessionEvents(await requireSiteAccess(ctx, req, params(req).id, 'read'), params(req).rid);
  for (const prefix of ['/api', '/v1']) {
    app.get(`${prefix}/sites/:id/recordings`, list);
    app.get(`${prefix}/sites/:id/recordings/:rid`, one);
    app.get(`${prefix}/sites/:id/recordings/:rid/events`, events);
    app.get(`${prefix}/sites/:id/recordings/:rid/session-events`, sessionEvents);
  }
}
