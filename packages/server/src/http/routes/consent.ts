import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, consentDecisionSchema, consentLogQuerySchema, TidemarkError, type ConsentLogEntry } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import type { SiteRecord } from '../../meta';
import { requestOrigin, requireSiteAccess } from '../../auth';
import { consentSnippet, trackerSnippet } from '@tidemark/tracker';
import { ConsentService } from '../../consent';
import { toCsv } from '../../audit';
import { parseInput } from '../errors';
import { acceptTextBodies, checkOrigin, collectLimiter, rawBody, refuseOverLimit } from './collect-common';

const params = (req: FastifyRequest) => req.params as { id: string };

/**
 * Consent (docs/consent.md): a site's settings (members and up change them), its hash-chained consent log
 * (admins read, search, export and verify it; also /v1 with an admin key), and the two public endpoints
 * t.consent.js uses — the banner's configuration and the recording of a decision.
 */
export async function consentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const consent = new ConsentService(ctx.meta);
  const limiter = collectLimiter(ctx);

  /** The settings, with the snippet the site's pages need for its mode. */
  const view = (req: FastifyRequest, site: SiteRecord, s: Awaited<ReturnType<ConsentService['settings']>>) => {
    const origin = ctx.config.publicUrl ?? requestOrigin(req);
    return {
      ...s,
      snippet: s.mode === 'none' ? trackerSnippet(origin, site.tracking_id) : consentSnippet(origin, site.tracking_id, s.mode),
    };
  };
  app.get('/api/sites/:id/consent', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return view(req, site, await consent.settings(site.id));
  });
  app.put('/api/sites/:id/consent', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return view(req, site, (await consent.update(site.id, req.body)).settings);
  });

  const log = async (site: SiteRecord, query: unknown) => {
    const q = parseInput(consentLogQuerySchema, query ?? {});
    const entries = await ctx.meta.consentLog.list(site.id, q);
    return { entries, next_before_seq: entries.length === q.limit ? (entries.at(-1)?.seq ?? null) : null };
  };
  const exportLog = async (site: SiteRecord, query: unknown, reply: FastifyReply) => {
    const { format, ...rest } = (query ?? {}) as Record<string, unknown>;
    if (format !== undefined && format !== 'csv' && format !== 'ndjson') throw badRequest('validation_error', 'format: csv or ndjson');
    const q = parseInput(consentLogQuerySchema.omit({ before_seq: true, limit: true }), rest);
    const all: ConsentLogEntry[] = [];
    for (let before: number | undefined; all.length < 1_000_000; ) {
      const page = await ctx.meta.consentLog.list(site.id, { ...q, before_seq: before, limit: 1000 });
      all.push(...page);
      if (page.length < 1000) break;
      before = page.at(-1)!.seq;
    }
    reply.header('content-disposition', `attachment; filename="consent-log-${site.id}.${format === 'ndjson' ? 'ndjson' : 'csv'}"`);
    if (format === 'ndjson')
      return reply.type('application/x-ndjson').send(all.map((e) => JSON.stringify(e)).join('\n') + (all.length ? '\n' : ''));
    const cols = ['seq', 'at', 'subject', 'categories', 'text_version', 'source', 'prev_hash', 'hash'];
    return reply.type('text/csv; charset=utf-8').send(
      toCsv(
        cols,
        all.map((e) => ({ ...e, categories: e.categories.join(' ') })),
      ),
    );
  };
  for (const prefix of ['/api', '/v1'] as const) {
    app.get(`${prefix}/sites/:id/consent/log`, async (req) => log(await requireSiteAccess(ctx, req, params(req).id, 'admin'), req.query));
    app.get(`${prefix}/sites/:id/consent/log/export`, async (req, reply) =>
      exportLog(await requireSiteAccess(ctx, req, params(req).id, 'admin'), req.query, reply),
    );
    app.get(`${prefix}/sites/:id/consent/log/verify`, async (req) => {
      const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
      const v = await ctx.meta.consentLog.verify(site.id);
      return { ok: v.first_bad_seq === null, ...v };
    });
  }

  const publicSite = async (trackingId: unknown): Promise<SiteRecord> => {
    const id = typeof trackingId === 'string' ? trackingId.trim() : '';
    if (!id || id.length > 64) throw badRequest('missing_site', 'Name the site: ?site=<tracking id>');
    const site = await ctx.meta.sites.byTrackingId(id);
    if (!site?.enabled) throw new TidemarkError(404, 'unknown_site', 'No site has this tracking id');
    return site;
  };

  // The banner's configuration: public and the same for everyone, so any page may read it.
  app.get('/api/consent/config', async (req, reply) => {
    const site = await publicSite((req.query as { site?: unknown } | undefined)?.site);
    reply.header('access-control-allow-origin', '*');
    reply.header('cache-control', 'public, max-age=60');
    return consent.publicConfig(site);
  });

  // A decision, sent like collection (text/plain JSON, no preflight), from one of the site's hosts.
  await app.register(async (scope) => {
    acceptTextBodies(scope);
    scope.post('/api/consent', async (req, reply) => {
      let body: unknown;
      try {
        body = JSON.parse(rawBody(req));
      } catch {
        throw badRequest('invalid_json', 'The body must be JSON');
      }
      const siteId = (body as { site_id?: unknown } | null)?.site_id;
      parseInput(consentDecisionSchema, body);
      const site = await publicSite(siteId);
      const now = Date.now();
      await checkOrigin(req, reply, site, ctx.collector, 0, now);
      await refuseOverLimit(await limiter.browser(req.ip ?? '', site.id, 1), ctx.collector, site, 1, now);
      const entry = await consent.record(site, body);
      return reply.status(201).send({ success: true, seq: entry.seq });
    });
  });
}
