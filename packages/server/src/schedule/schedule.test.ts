import { afterEach, describe, expect, it, vi } from 'vitest';
import { repeat } from './index';

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
