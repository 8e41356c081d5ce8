import { repeatJob, type JobRunner } from '../schedule';
import type { StatsSite } from '../stats';
import { labelAll } from './labels';
import type { SegmentDeps, SegmentService } from './service';

interface JobOptions {
  statsSite: (s: { id: string; timezone: string }) => Promise<StatsSite>;
  isLeader?: () => boolean;
  onError: (err: unknown) => void;
  track?: JobRunner;
  labelsEveryMs?: number;
  trainEveryMs?: number;
  /** First runs (tests start them at once). */
  labelsFirstMs?: number;
  trainFirstMs?: number;
}

/**
 * The segments' jobs on the jobs role (the leader at scale): person labels every 5 minutes (incremental),
 * and a daily re-training of every site. One run of each at a time.
 */
export function scheduleSegments(service: SegmentService, deps: SegmentDeps, opts: JobOptions): () => void {
  const job = { isLeader: opts.isLeader, track: opts.track, onError: opts.onError };
  const stopLabels = repeatJob({
    ...job,
    name: 'person-labels',
    run: () => labelAll(deps, opts.statsSite, opts.onError),
    firstMs: opts.labelsFirstMs ?? 90_000,
    everyMs: opts.labelsEveryMs ?? 5 * 60_000,
  });
  const stopTrain = repeatJob({
    ...job,
    name: 'segments-train',
    run: () => service.trainAll(opts.onError, opts.statsSite),
    firstMs: opts.trainFirstMs ?? 10 * 60_000,
    everyMs: opts.trainEveryMs ?? 24 * 60 * 60_000,
  });
  return () => {
    stopLabels();
    stopTrain();
  };
}
