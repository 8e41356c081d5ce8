import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../auth';
import { CollectRateLimiter } from './rate-limit';

describe('CollectRateLimiter', () => {
  it('charges browser requests per address and their events per site, each against its own budget', async () => {
    const l = new CollectRateLimiter(new MemoryCounterStore(), { perAddress: 3, perSite: 10, perKey: 4 });
    expect(await l.browser('10.0.0.1', 's1', 2)).toBeNull();
    expect(await l.browser('10.0.0.1', 's1', 2)).toBeNull();
    expect(await l.browser('10.0.0.1', 's2', 1)).toBeNull();
    const over = await l.browser('10.0.0.1', 's2', 1); // 4th request of the address
    expect(over?.count).toBe(4);
    expect(over!.resetAt).toBeGreaterThan(Date.now());
    expect(await l.browser('10.0.0.2', 's1', 6)).toBeNull(); // s1: 10 events
    expect((await l.browser('10.0.0.3', 's1', 1))?.count).toBe(11);
  });

  it('lets one request larger than a budget through an empty window, and counts an empty request once', async () => {
    const l = new CollectRateLimiter(new MemoryCounterStore(), { perAddress: 0, perSite: 5, perKey: 5 });
    expect(await l.browser('a', 's', 8)).toBeNull();
    expect(await l.browser('a', 's', 0)).not.toBeNull();
    expect(await l.server('k1', 's', 0)).toBeNull();
    expect(await l.server('k1', 's', 4)).toBeNull(); // 1 + 4
    expect((await l.server('k1', 's', 1))?.count).toBe(6);
    expect(await l.server('k2', 's', 5)).toBeNull(); // another key
    expect(await l.server('k1', 'other', 5)).toBeNull(); // another site of the key
  });

  it('limits nothing when a budget is 0', async () => {
    const l = new CollectRateLimiter(new MemoryCounterStore(), { perAddress: 0, perSite: 0, perKey: 0 });
    for (let i = 0; i < 50; i++) {
      expect(await l.browser('a', 's', 500)).toBeNull();
      expect(await l.server('k', 's', 500)).toBeNull();
    }
  });
});

describe('CollectRateLimiter without its counters', () => {
  it('answers 503 (retry shortly) when the counter store fails, not a fault', async () => {
    const broken = { incr: async () => Promise.reject(new Error('connection refused')), peek: async () => null, reset: async () => {} };
    const l = new CollectRateLimiter(broken, { perAddress: 5, perSite: 5, perKey: 5 });
    await expect(l.browser('a', 's', 1)).rejects.toMatchObject({ status: 503, code: 'limits_unavailable' });
    await expect(l.server('k', 's', 1)).rejects.toMatchObject({ status: 503, code: 'limits_unavailable' });
  });
});
