import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../counters';
import { DEFAULT_LOGIN_THROTTLE, KeyRateLimiter, LoginThrottle } from './limits';
import { keyAllows, roleAllows } from './permissions';

describe('login throttle', () => {
  // The full behaviour (both counter stores, over HTTP) is in test/login-throttle.test.ts.
  it('locks one (account, address) pair, not the account from other addresses', async () => {
    const t = new LoginThrottle(new MemoryCounterStore(), { ...DEFAULT_LOGIN_THROTTLE, maxFailuresPerPair: 3 });
    for (let i = 0; i < 3; i++) {
      await t.check('a@x.test', '1.1.1.1');
      await t.fail('a@x.test', '1.1.1.1');
    }
    await expect(t.check('A@X.test', '1.1.1.1')).rejects.toMatchObject({ status: 429, details: { retry_after: expect.any(Number) } });
    await t.check('a@x.test', '9.9.9.9');
    await t.check('b@x.test', '1.1.1.1');
  });
});

describe('key rate limiter', () => {
  it('allows the per-minute budget and then answers 429', async () => {
    const l = new KeyRateLimiter(new MemoryCounterStore());
    await l.consume('k1', 2);
    await l.consume('k1', 2);
    await expect(l.consume('k1', 2)).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    await l.consume('k2', 2);
  });
});

describe('permission matrix', () => {
  it('maps roles and key permissions to needs', () => {
    expect(['viewer', 'member', 'admin', 'owner'].map((r) => roleAllows(r as never, 'read'))).toEqual([true, true, true, true]);
    expect(['viewer', 'member', 'admin', 'owner'].map((r) => roleAllows(r as never, 'write'))).toEqual([false, true, true, true]);
    expect(['viewer', 'member', 'admin', 'owner'].map((r) => roleAllows(r as never, 'admin'))).toEqual([false, false, true, true]);
    expect(keyAllows(['write'], 'read')).toBe(false);
    expect(keyAllows(['read'], 'write')).toBe(false);
    expect(keyAllows(['admin'], 'write')).toBe(true);
    expect(keyAllows(['admin'], 'read')).toBe(true);
  });
});
