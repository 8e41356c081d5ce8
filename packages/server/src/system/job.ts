import { repeat, untracked, type JobRunner } from '../schedule';
import type { SystemAlertService } from './alerts';

/** Every minute (first after 30 s): the system alerts; one run at a time; the leader only at scale. */
export function scheduleSystemAlerts(
  alerts: SystemAlertService,
  opts: { isLeader?: () => boolean; onError: (err: unknown) => void; track?: JobRunner; everyMs?: number },
): () => void {
  let running = false;
  return repeat(
    () => {
      if (running || (opts.isLeader && !opts.isLeader())) return;
      running = true;
      (opts.track ?? untracked)('system-alerts', () => alerts.evaluateAll())
        .catch(opts.onError)
        .finally(() => {
          running = false;
        });
    },
    { firstMs: 30_000, everyMs: opts.everyMs ?? 60_000 },
  );
}
