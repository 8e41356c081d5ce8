import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../counters';
import { addressKey, CollectRateLimiter } from './rate-limit';

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

describe('addressKey', () => {
  it('keys IPv4 by address and IPv6 by its /64, however it is written', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:85a3:12::8a2e:370:7334')).toBe('2001:db8:85a3:12::/64');
    expect(addressKey('2001:0DB8:85A3:0012:0000:8a2e:0370:7335')).toBe('2001:db8:85a3:12::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:db8:85a3:13::1')).not.toBe(addressKey('2001:db8:85a3:12::1'));
  });

  it('gives a whole IPv6 /64 one budget', async () => {
    const l = new CollectRateLimiter(new MemoryCounterStore(), { perAddress: 2, perSite: 0, perKey: 0 });
    expect(await l.browser('2001:db8:1:2::a', 's', 1)).toBeNull();
    expect(await l.browser('2001:db8:1:2::b', 's', 1)).toBeNull();
    expect(await l.browser('2001:db8:1:2:ffff::c', 's', 1)).not.toBeNull();
    expect(await l.browser('2001:db8:1:3::a', 's', 1)).toBeNull();
  });
});
