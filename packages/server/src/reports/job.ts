import { repeatJob, type JobRunner } from '../schedule';
import type { ReportService } from './service';

/** Every 15 minutes (first after a minute): reports whose last whole day or week is not mailed yet; the leader only at scale. */
export function scheduleReports(
  reports: ReportService,
  opts: { isLeader?: () => boolean; onError: (err: unknown) => void; track?: JobRunner },
): () => void {
  return repeatJob({
    name: 'reports',
    run: () => reports.runDue(Date.now(), opts.onError),
    firstMs: 60_000,
    everyMs: 15 * 60_000,
    isLeader: opts.isLeader,
    track: opts.track,
    onError: opts.onError,
  });
}
