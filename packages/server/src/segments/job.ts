import { repeat, untracked, type JobRunner } from '../schedule';
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
}

/**
 * The segments' jobs on the jobs role (the leader at scale): person labels every 5 minutes (incremental),
 * and a daily re-training of every site. One run of each at a time.
 */
export function scheduleSegments(service: SegmentService, deps: SegmentDeps, opts: JobOptions): () => void {
  const track = opts.track ?? untracked;
  const once = (name: string, run: () => Promise<unknown>) => {
    let running = false;
    return () => {
      if (running || (opts.isLeader && !opts.isLeader())) return;
      running = true;
      track(name, run)
        .catch(opts.onError)
        .finally(() => {
          running = false;
        });
    };
  };
  const stopLabels = repeat(
    once('person-labels', () => labelAll(deps, opts.statsSite, opts.onError)),
    { firstMs: 90_000, everyMs: opts.labelsEveryMs ?? 5 * 60_000 },
  );
  const stopTrain = repeat(
    once('segments-train', () => service.trainAll(opts.onError, opts.statsSite)),
    { firstMs: 10 * 60_000, everyMs: opts.trainEveryMs ?? 24 * 60 * 60_000 },
  );
  return () => {
    stopLabels();
    stopTrain();
  };
}
