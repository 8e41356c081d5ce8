import type { EventStore } from '../store';
import type { MetaStore } from '../meta';
import { ScoringService } from '../scoring';
import type { ProfileScorer, StatsService, StatsSite } from '../stats';
import { segmentDepsOf } from './deps';
import { SegmentService } from './service';

/** A site's profile scorer: its lead score (scoring/) and, under an active segment model, its segment. */
export type SiteProfileScorer = (site: StatsSite) => Promise<ProfileScorer>;

/**
 * The scorer the profiles API, audiences and triggers share, so a profile's score and segment are the same
 * wherever it is read: the site's scoring (`ScoringService.scorer`) wrapped by `SegmentService.profileScorer`.
 */
export function siteProfileScorer(ctx: {
  meta: MetaStore;
  stats: StatsService;
  events: EventStore;
  now?: () => number;
}): SiteProfileScorer {
  const now = ctx.now ?? Date.now;
  const scoring = new ScoringService(ctx.meta, now);
  const segments = new SegmentService({ ...segmentDepsOf(ctx), now });
  return async (site) => segments.profileScorer(site, await scoring.scorer(site));
}
