import { repeat } from '../schedule';
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
  },
): () => void {
  let running = false;
  return repeat(
    () => {
      if (running || (opts.isLeader && !opts.isLeader())) return;
      running = true;
      alerts
        .evaluateAll(Date.now(), opts.onError)
        .then((s) => opts.onRun?.(s), opts.onError)
        .finally(() => {
          running = false;
        });
    },
    { firstMs: opts.firstMs ?? 30_000, everyMs: opts.everyMs ?? 5 * 60_000 },
  );
}
