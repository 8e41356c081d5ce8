import { afterEach, describe, expect, it, vi } from 'vitest';
import { type JobRunner, repeat, repeatJob } from './index';

describe('repeat', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks after firstMs, then every everyMs, and not after stop', () => {
    vi.useFakeTimers();
    let ticks = 0;
    const stop = repeat(() => ticks++, { firstMs: 10, everyMs: 100 });
    vi.advanceTimersByTime(9);
    expect(ticks).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ticks).toBe(1);
    vi.advanceTimersByTime(200);
    expect(ticks).toBe(3);
    stop();
    vi.advanceTimersByTime(1000);
    expect(ticks).toBe(3);
  });
});

describe('repeatJob', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A run that stays open until `finish` is called. */
  function held() {
    const finishes: Array<(fail?: Error) => void> = [];
    const run = () =>
      new Promise<number>((resolve, reject) => {
        finishes.push((fail) => (fail ? reject(fail) : resolve(finishes.length)));
      });
    return { run, finishes };
  }

  it('starts no run while the previous one is still going', async () => {
    vi.useFakeTimers();
    const { run, finishes } = held();
    const results: number[] = [];
    const stop = repeatJob({ name: 'j', run, firstMs: 10, everyMs: 100, onError: () => {}, onRun: (n) => results.push(n) });
    vi.advanceTimersByTime(10);
    expect(finishes.length).toBe(1);
    vi.advanceTimersByTime(300);
    expect(finishes.length).toBe(1);
    finishes[0]?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual([1]);
    await vi.advanceTimersByTimeAsync(100);
    expect(finishes.length).toBe(2);
    stop();
  });

  it('runs nothing while this process is not the leader', async () => {
    vi.useFakeTimers();
    let leader = false;
    let runs = 0;
    const run = async () => {
      runs += 1;
    };
    const stop = repeatJob({ name: 'j', run, firstMs: 10, everyMs: 100, isLeader: () => leader, onError: () => {} });
    await vi.advanceTimersByTimeAsync(310);
    expect(runs).toBe(0);
    leader = true;
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(1);
    stop();
  });

  it('reports a failed run to onError, not onRun, and runs again at the next tick', async () => {
    vi.useFakeTimers();
    const { run, finishes } = held();
    const errors: unknown[] = [];
    const results: number[] = [];
    const stop = repeatJob({ name: 'j', run, firstMs: 10, everyMs: 100, onError: (e) => errors.push(e), onRun: (n) => results.push(n) });
    vi.advanceTimersByTime(10);
    const boom = new Error('boom');
    finishes[0]?.(boom);
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([boom]);
    expect(results).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(finishes.length).toBe(2);
    stop();
  });

  it('runs through the tracker under the job name', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const track: JobRunner = (job, run) => {
      seen.push(job);
      return run();
    };
    let runs = 0;
    const stop = repeatJob({
      name: 'nightly',
      run: async () => {
        runs += 1;
      },
      firstMs: 10,
      everyMs: 100,
      track,
      onError: () => {},
    });
    await vi.advanceTimersByTimeAsync(110);
    expect(seen).toEqual(['nightly', 'nightly']);
    expect(runs).toBe(2);
    stop();
  });
});
