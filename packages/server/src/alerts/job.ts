import { repeat, untracked, type JobRunner } from '../schedule';
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
  let running = false;
  return repeat(
    () => {
      if (running || (opts.isLeader && !opts.isLeader())) return;
      running = true;
      // One alert failing is reported and counted as the run's failure; the others are still judged.
      (opts.track ?? untracked)('alerts', async () => {
        const summary = await alerts.evaluateAll(Date.now(), opts.onError);
        if (summary.failed) throw new Error(`${summary.failed} of ${summary.evaluated + summary.failed} alerts could not be evaluated`);
        return summary;
      })
        .then((s) => opts.onRun?.(s), opts.onError)
        .finally(() => {
          running = false;
        });
    },
    { firstMs: opts.firstMs ?? 30_000, everyMs: opts.everyMs ?? 5 * 60_000 },
  );
}
