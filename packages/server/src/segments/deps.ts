import type { EventStore } from '../store';
import type { MetaStore } from '../meta';
import { ScoringService } from '../scoring';
import type { StatsService } from '../stats';
import type { SegmentDeps } from './service';

/** The segments' dependencies from the app's stores: scores and key pages from the site's scoring (scoring/). */
export function segmentDepsOf(ctx: { meta: MetaStore; stats: StatsService; events: EventStore }): SegmentDeps {
  const scoring = new ScoringService(ctx.meta);
  return {
    meta: ctx.meta,
    stats: ctx.stats,
    events: ctx.events,
    scorer: (site) => scoring.scorer(site),
    keyPages: async (siteId) => (await scoring.settings(siteId)).rules.key_pages,
  };
}
