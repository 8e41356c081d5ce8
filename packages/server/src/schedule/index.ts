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
