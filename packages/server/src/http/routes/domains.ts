import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, conflict, notFound, orgDomainInputSchema, type OrgDomain } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import type { OrgDomainRecord } from '../../meta';
import { requireOrgRole } from '../../auth';
import { txtName, txtValue, verifyHost, wellKnownPath } from '../../domains';
import { parseInput } from '../errors';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(d: OrgDomainRecord): OrgDomain {
  return {
    id: d.id,
    host: d.host,
    kind: d.kind as OrgDomain['kind'],
    verified: d.verified_at !== null,
    verified_at: iso(d.verified_at),
    method: (d.method as OrgDomain['method']) ?? null,
    checked_at: iso(d.checked_at),
    last_error: d.last_error,
    instructions: { txt_name: txtName(d.host), txt_value: txtValue(d.token), http_url: `http://${d.host}${wellKnownPath(d.token)}` },
  };
}

/**
 * Custom domains (docs/domains.md): owners and admins register an app or tracking host and verify it;
 * Tidemark answers the HTTP token for the host it is asked on, and Caddy's on-demand TLS `ask` endpoint.
 */
export function domainRoutes(app: FastifyInstance, ctx: AppContext): void {
  const org = (req: FastifyRequest) => (req.params as { orgId: string }).orgId;
  const domainId = (req: FastifyRequest) => (req.params as { domainId: string }).domainId;

  app.get('/api/orgs/:orgId/domains', async (req) => {
    await requireOrgRole(ctx, req, org(req), 'admin');
    return { domains: (await ctx.meta.orgDomains.list(org(req))).map(view) };
  });
  app.post('/api/orgs/:orgId/domains', async (req, reply) => {
    await requireOrgRole(ctx, req, org(req), 'admin');
    const input = parseInput(orgDomainInputSchema, req.body ?? {});
    const d = await ctx.meta.orgDomains.create(org(req), input.host, input.kind);
    if (!d) throw conflict('domain_taken', 'This host name is already registered');
    return reply.status(201).send(view(d));
  });
  app.post('/api/orgs/:orgId/domains/:domainId/verify', async (req) => {
    await requireOrgRole(ctx, req, org(req), 'admin');
    const d = await ctx.meta.orgDomains.get(org(req), domainId(req));
    if (!d) throw notFound('Domain');
    const result = await verifyHost(d.host, d.token, ctx.config.domainVerify);
    await ctx.meta.orgDomains.recordCheck(d.id, result);
    return view((await ctx.meta.orgDomains.get(org(req), d.id))!);
  });
  app.delete('/api/orgs/:orgId/domains/:domainId', async (req, reply) => {
    await requireOrgRole(ctx, req, org(req), 'admin');
    if (!(await ctx.meta.orgDomains.delete(org(req), domainId(req)))) throw notFound('Domain');
    return reply.status(204).send();
  });

  // The HTTP proof: answered only when asked on the registered host itself (the host routes here).
  app.get('/.well-known/tidemark-verify/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const d = /^[0-9A-Za-z]{32}$/.test(token) ? await ctx.meta.orgDomains.byToken(token) : null;
    if (!d || d.host !== req.hostname.toLowerCase()) throw notFound('Verification token');
    return reply.type('text/plain').send(d.token);
  });

  // Caddy's on_demand_tls `ask`: 200 lets Caddy get a certificate for the host, anything else refuses.
  app.get('/api/domains/ask', async (req, reply) => {
    const host = (req.query as { domain?: unknown } | undefined)?.domain;
    if (typeof host !== 'string' || !host || host.length > 253) throw badRequest('validation_error', 'domain: a host name');
    const d = await ctx.meta.orgDomains.byHost(host.trim().toLowerCase().replace(/\.$/, ''));
    if (!d || d.verified_at === null) throw notFound('Domain');
    return reply.type('text/plain').send('ok');
  });
}
