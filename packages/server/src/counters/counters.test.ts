import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryCounterStore } from './counters';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('MemoryCounterStore', () => {
  it('adds several at once to a window', async () => {
    const c = new MemoryCounterStore();
    expect((await c.incr('k', 60_000, 5)).count).toBe(5);
    expect((await c.incr('k', 60_000)).count).toBe(6);
  });

  it('sweeps closed windows at most once a second while very many are open, not on every call', async () => {
    let now = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const c = new MemoryCounterStore();
    const size = () => (c as unknown as { windows: Map<string, unknown> }).windows.size;
    for (let i = 0; i < 60_000; i++) await c.incr(`a${i}`, 10);
    now += 100; // every window closed, less than a second after the last sweep
    await c.incr('b', 60_000);
    expect(size()).toBe(60_001);
    now += 1_000;
    await c.incr('c', 60_000);
    expect(size()).toBe(2);
  });
});
