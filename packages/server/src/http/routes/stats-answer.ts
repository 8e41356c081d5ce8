import type { FastifyReply } from 'fastify';
import type { DashboardStats } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { AnnotationService } from '../../annotations';
import { renderStats, splitFormat } from '../../exports';
import { GoalService } from '../../goals';
import type { SiteRecord } from '../../meta';

/**
 * The dashboard stats answer as every stats endpoint gives it (session, API key, shared link): the
 * engine's answer with the site's goals, plus its annotations; with `format=csv|json|xml` a download.
 */
export function statsAnswerer(ctx: AppContext) {
  const goals = new GoalService(ctx.meta, ctx.stats);
  const annotations = new AnnotationService(ctx.meta);
  return async (site: SiteRecord, query: unknown, reply: FastifyReply, check?: (params: Record<string, unknown>) => void) => {
    const { format, params } = splitFormat(query);
    check?.(params);
    const end = ctx.metrics.queryDuration.startTimer();
    const answer = await ctx.stats.dashboard(await goals.statsSite(site), params);
    // The report is the breakdown asked for (names the engine accepted), else the overview.
    end({ report: Object.keys(answer.dimensions ?? {}).join(',') || 'overview' });
    const stats: DashboardStats = await annotations.addTo(site, answer);
    if (!format) return stats;
    const file = renderStats(stats, format, 'stats');
    return reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .send(file.body);
  };
}
