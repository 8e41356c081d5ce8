import { repeatJob, type JobRunner } from '../schedule';
import type { AlertService, EvaluationSummary } from './service';

/** Every 5 minutes (first run after 30 s): closed buckets of every active alert; one run at a time; the leader only at scale. */
export function scheduleAlerts(
  alerts: AlertService,
  opts: {
    everyMs?: number;
    firstMs?: number;
    isLeader?: () => boolean;
    onError: (err: unknown) => void;
    onRun?: (s: EvaluationSummary) => void;
    track?: JobRunner;
  },
): () => void {
  return repeatJob({
    name: 'alerts',
    // One alert failing is reported and counted as the run's failure; the others are still judged.
    run: async () => {
      const summary = await alerts.evaluateAll(Date.now(), opts.onError);
      if (summary.failed) throw new Error(`${summary.failed} of ${summary.evaluated + summary.failed} alerts could not be evaluated`);
      return summary;
    },
    firstMs: opts.firstMs ?? 30_000,
    everyMs: opts.everyMs ?? 5 * 60_000,
    isLeader: opts.isLeader,
    track: opts.track,
    onError: opts.onError,
    onRun: opts.onRun,
  });
}
