import { repeatJob, type JobRunner } from '../schedule';
import type { SystemAlertService } from './alerts';

/** Every minute (first after 30 s): the system alerts; one run at a time; the leader only at scale. */
export function scheduleSystemAlerts(
  alerts: SystemAlertService,
  opts: { isLeader?: () => boolean; onError: (err: unknown) => void; track?: JobRunner; everyMs?: number },
): () => void {
  return repeatJob({
    name: 'system-alerts',
    run: () => alerts.evaluateAll(),
    firstMs: 30_000,
    everyMs: opts.everyMs ?? 60_000,
    isLeader: opts.isLeader,
    track: opts.track,
    onError: opts.onError,
  });
}
