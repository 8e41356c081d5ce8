import { repeat, untracked, type JobRunner } from '../schedule';
import type { ReportService } from './service';

/** Every 15 minutes (first after a minute): reports whose last whole day or week is not mailed yet; the leader only at scale. */
export function scheduleReports(
  reports: ReportService,
  opts: { isLeader?: () => boolean; onError: (err: unknown) => void; track?: JobRunner },
): () => void {
  let running = false;
  return repeat(
    () => {
      if (running || (opts.isLeader && !opts.isLeader())) return;
      running = true;
      (opts.track ?? untracked)('reports', () => reports.runDue(Date.now(), opts.onError))
        .catch(opts.onError)
        .finally(() => {
          running = false;
        });
    },
    { firstMs: 60_000, everyMs: 15 * 60_000 },
  );
}
