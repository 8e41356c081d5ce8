import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';

type Params = { id: string; pid?: string };

/** Profiles (docs/people.md): dashboard (session) and public API (Bearer key with "read"). */
export function profileRoutes(app: FastifyInstance, ctx: AppContext): void {
  const site = async (req: FastifyRequest) => {
    const s = await requireSiteAccess(ctx, req, (req.params as Params).id, 'read');
    return { id: s.id, timezone: s.timezone };
  };
  const list = async (req: FastifyRequest) => ctx.stats.profiles(await site(req), req.query);
  const goals = new GoalService(ctx.meta, ctx.stats);
  const one = async (req: FastifyRequest) => {
    const s = await requireSiteAccess(ctx, req, (req.params as Params).id, 'read');
    return ctx.stats.profile(await goals.statsSite(s), (req.params as Params).pid);
  };
  const timeline = async (req: FastifyRequest) => ctx.stats.profileTimeline(await site(req), (req.params as Params).pid, req.query);
  for (const base of ['/api/sites/:id/profiles', '/v1/sites/:id/profiles']) {
    app.get(base, list);
    app.get(`${base}/:pid`, one);
    app.get(`${base}/:pid/timeline`, timeline);
  }
}
