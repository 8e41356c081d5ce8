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
