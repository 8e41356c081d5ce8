import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { forbidden } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requirePrincipal, roleAllows } from '../../auth';
import { createDemoSite, findDemoSite } from '../../demo';
import { parseInput } from '../errors';

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const demoBodySchema = z.object({ timezone: z.string().max(64).refine(isTimeZone, 'Unknown IANA timezone').optional() }).strict();

/** Smaller than the CLI's default so the dashboard button answers within seconds. */
const HTTP_VISITORS_PER_DAY = 300;

/**
 * POST /api/demo: a "Demo" site with 90 days of generated traffic in the caller's organization
 * (the dashboard's "Load demo data" on an empty account). One per organization: asking again returns
 * the existing demo site. Same permission as creating a site (member and up, signed-in users only).
 */
export function demoRoutes(app: FastifyInstance, ctx: AppContext): void {
  const running = new Map<string, Promise<unknown>>();

  app.post('/api/demo', async (req, reply) => {
    const p = await requirePrincipal(ctx, req);
    if (p.kind !== 'user') throw forbidden('Loading demo data needs a signed-in user, not an API key');
    if (!roleAllows(p.role, 'write')) throw forbidden(`Your role (${p.role}) cannot create sites`);
    const body = parseInput(demoBodySchema, req.body ?? {});
    // Two clicks in a row must not create two demo sites: wait for the one already loading.
    const inProgress = running.get(p.orgId);
    if (inProgress) await inProgress.catch(() => undefined);
    const existing = await findDemoSite(ctx, p.orgId);
    if (existing) return { site_id: existing.id, site: existing, created: false, events: null };
    const job = createDemoSite(ctx, { orgId: p.orgId, visitorsPerDay: HTTP_VISITORS_PER_DAY, timezone: body.timezone ?? 'UTC' });
    running.set(p.orgId, job);
    try {
      const r = await job;
      reply.status(201);
      return { site_id: r.site.id, site: r.site, created: true, events: r.events };
    } finally {
      running.delete(p.orgId);
    }
  });
}
