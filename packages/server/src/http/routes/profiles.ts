import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';

type Params = { id: string; pid?: string };

/** Profiles (docs/people.md), scored by the site's rules (docs/lead-scoring.md) and given their segment (docs/segments.md): dashboard (session) and public API (Bearer key with "read"). */
export function profileRoutes(app: FastifyInstance, ctx: AppContext): void {
  const goals = new GoalService(ctx.meta, ctx.stats);
  const site = async (req: FastifyRequest) => {
    const s = await requireSiteAccess(ctx, req, (req.params as Params).id, 'read');
    return goals.statsSite(s);
  };
  // The site's scorer also gives each profile its segment under the site's segment model.
  const list = async (req: FastifyRequest) => {
    const s = await site(req);
    const page = await ctx.stats.profiles(s, req.query, await ctx.profileScorer(s));
    // Lifetime fields (docs/churn-ltv.md) from the site's model, for the people of this page.
    return { ...page, profiles: await ctx.lifetime.withLifetime(s, page.profiles) };
  };
  const one = async (req: FastifyRequest) => {
    const s = await site(req);
    const [profile] = await ctx.lifetime.withLifetime(s, [
      await ctx.stats.profile(s, (req.params as Params).pid, await ctx.profileScorer(s)),
    ]);
    return profile;
  };
  const timeline = async (req: FastifyRequest) => {
    const s = await requireSiteAccess(ctx, req, (req.params as Params).id, 'read');
    return ctx.stats.profileTimeline({ id: s.id, timezone: s.timezone }, (req.params as Params).pid, req.query);
  };
  for (const base of ['/api/sites/:id/profiles', '/v1/sites/:id/profiles']) {
    app.get(base, list);
    app.get(`${base}/:pid`, one);
    app.get(`${base}/:pid/timeline`, timeline);
  }
}
