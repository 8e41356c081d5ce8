import { repeatJob, type JobRunner } from '../schedule';
import type { StatsSite } from '../stats';
import type { AudienceService } from './service';

/** Every 5 minutes (first run after 1 min): a pass over every audience; one run at a time; the leader only at scale. */
export function scheduleAudiences(
  audiences: AudienceService,
  opts: {
    sites: (siteId: string) => Promise<StatsSite | null>;
    everyMs?: number;
    firstMs?: number;
    isLeader?: () => boolean;
    onError: (err: unknown) => void;
    track?: JobRunner;
  },
): () => void {
  return repeatJob({
    name: 'audiences',
    run: async () => {
      const summary = await audiences.refreshAll(opts.sites, opts.onError);
      if (summary.failed) throw new Error(`${summary.failed} of ${summary.passes + summary.failed} audiences could not be updated`);
      return summary;
    },
    firstMs: opts.firstMs ?? 60_000,
    everyMs: opts.everyMs ?? 5 * 60_000,
    isLeader: opts.isLeader,
    track: opts.track,
    onError: opts.onError,
  });
}
