import type { MetaStore, SiteRecord } from '../meta';
import { GoalService } from '../goals';
import { addDays, parseDashboardParams, startOfLocalDay, type StatsService } from '../stats';
import type { SiteExportParams, SiteExportSource } from './site-export';

/** An export's reads for one site, through the same stats service (and goal definitions) as the API. */
export function siteExportSource(meta: MetaStore, stats: StatsService, site: SiteRecord): SiteExportSource {
  const goals = new GoalService(meta, stats);
  return {
    dashboard: async (params) => stats.dashboard(await goals.statsSite(site), params),
    rawEvents: (params) => stats.rawEvents(site, params),
    instants: (from, to) => ({ fromMs: startOfLocalDay(from, site.timezone), toMs: startOfLocalDay(addDays(to, 1), site.timezone) }),
  };
}

/** Refuses a range the stats endpoint would refuse, before any byte of the zip is sent. */
export function checkExportRange(p: SiteExportParams): void {
  parseDashboardParams({ period: 'custom', start_date: p.from, end_date: p.to, interval: 'day' });
}
