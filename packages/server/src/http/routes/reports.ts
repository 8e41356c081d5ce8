import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requirePrincipal, requireSiteAccess } from '../../auth';
import { DASHBOARD_CSP } from './dashboard';

const params = (req: FastifyRequest) => req.params as { id: string; report_id: string };
const tokenOf = (req: FastifyRequest) => {
  const t = (req.query as { token?: unknown }).token;
  return typeof t === 'string' ? t : '';
};
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-robots-tag', 'noindex')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><main><h1>${esc(title)}</h1>${body}</main></body></html>`,
    );
}

/**
 * Scheduled email reports (InsightHub PRD §4.7.1): members manage a site's reports; anyone holding a
 * mail's unsubscribe link leaves that report without signing in (GET shows a button, POST — also the
 * one-click POST mail clients send for List-Unsubscribe-Post — unsubscribes).
 */
export function reportRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/sites/:id/reports', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { reports: await ctx.reports.list(site) };
  });
  app.post('/api/sites/:id/reports', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    const p = await requirePrincipal(ctx, req);
    return reply.status(201).send(await ctx.reports.create(site, req.body, p.kind === 'user' ? p.userId : null));
  });
  app.delete('/api/sites/:id/reports/:report_id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    await ctx.reports.remove(site, params(req).report_id);
    return reply.status(204).send();
  });
  app.post('/api/sites/:id/reports/:report_id/send', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return ctx.reports.sendNow(site, params(req).report_id);
  });

  app.get('/api/reports/unsubscribe', async (req, reply) => {
    const token = tokenOf(req);
    return page(
      reply,
      200,
      'Unsubscribe from this report',
      `<form method="post" action="/api/reports/unsubscribe?token=${encodeURIComponent(token)}"><button type="submit">Unsubscribe</button></form>`,
    );
  });
  // The one-click POST of mail clients is form-encoded; its body says nothing the token does not.
  app.register(async (sub) => {
    sub.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) =>
      done(null, {}),
    );
    sub.post('/api/reports/unsubscribe', async (req, reply) => {
      const r = await ctx.reports.unsubscribe(tokenOf(req));
      return page(
        reply,
        200,
        'Unsubscribed',
        `<p>${esc(r.email)} will not get ${r.domain ? `the report for ${esc(r.domain)}` : 'this report'} any more.</p>`,
      );
    });
  });
}
