/**
 * A background job's timers: `tick` once after `firstMs`, then every `everyMs`. Both timers are
 * unref'd (a job never keeps the process alive); the returned function stops both.
 */
export function repeat(tick: () => void, opts: { firstMs: number; everyMs: number }): () => void {
  const first = setTimeout(tick, opts.firstMs);
  const timer = setInterval(tick, opts.everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

/** Runs one run of a named job (the monitor counts it and keeps its outcome); a failure is rethrown. */
export type JobRunner = <T>(job: string, run: () => Promise<T>) => Promise<T>;

/** Without a monitor: the run itself. */
export const untracked: JobRunner = (_job, run) => run();

/** A named background job for `repeatJob`. */
export interface RepeatingJob<T> {
  name: string;
  run: () => Promise<T>;
  firstMs: number;
  everyMs: number;
  /** At scale only the leader runs it; without, every tick may run. */
  isLeader?: (() => boolean) | undefined;
  track?: JobRunner | undefined;
  onError: (err: unknown) => void;
  /** Sees each successful run's result (a failure goes to `onError` instead). */
  onRun?: ((result: T) => void) | undefined;
}

/**
 * `repeat` for a named job: a tick is skipped while the previous run is still going or when this
 * process is not the leader; each run goes through the tracker, and a failure is reported to `onError`.
 */
export function repeatJob<T>(job: RepeatingJob<T>): () => void {
  let running = false;
  return repeat(
    () => {
      if (running || (job.isLeader && !job.isLeader())) return;
      running = true;
      (job.track ?? untracked)(job.name, job.run)
        .then((result) => job.onRun?.(result), job.onError)
        .finally(() => {
          running = false;
        });
    },
    { firstMs: job.firstMs, everyMs: job.everyMs },
  );
}
