import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';
import { ScoringService } from '../../scoring';
import { SegmentService, segmentDepsOf } from '../../segments';

type Params = { id: string; pid?: string };

/** Profiles (docs/people.md), scored by the site's rules (docs/lead-scoring.md) and given their segment (docs/segments.md): dashboard (session) and public API (Bearer key with "read"). */
export function profileRoutes(app: FastifyInstance, ctx: AppContext): void {
  const goals = new GoalService(ctx.meta, ctx.stats);
  const scoring = new ScoringService(ctx.meta);
  const segments = new SegmentService(segmentDepsOf(ctx));
  // The site's scorer, which also gives each profile its segment under the site's segment model.
  const scorer = async (s: Awaited<ReturnType<typeof goals.statsSite>>) => segments.profileScorer(s, await scoring.scorer(s));
  const site = async (req: FastifyRequest) => {
    const s = await requireSiteAccess(ctx, req, (req.params as Params).id, 'read');
    return goals.statsSite(s);
  };
  const list = async (req: FastifyRequest) => {
    const s = await site(req);
    return ctx.stats.profiles(s, req.query, await scorer(s));
  };
  const one = async (req: FastifyRequest) => {
    const s = await site(req);
    return ctx.stats.profile(s, (req.params as Params).pid, await scorer(s));
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
