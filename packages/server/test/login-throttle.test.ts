import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LoginThrottle, type LoginThrottleOptions } from '../src/auth';
import { MemoryCounterStore, type CounterStore } from '../src/counters';
import { openRedis, RedisCounterStore, type Redis } from '../src/scaleout';
import { Client, startAccountsServer, type AccountsServer } from './helpers/accounts';
import { createTempPgDatabase, postgresAvailable, type MetaEngineName } from './helpers/meta-engines';
import { redisAvailable, REDIS_TEST_URL, uniqueName } from './helpers/scaleout';

const PW = 'correct horse battery';
const redisStatus = await redisAvailable('login-throttle');
const pgStatus = await postgresAvailable();
if (!pgStatus.ok) console.warn(`[login-throttle] PostgreSQL suite skipped: ${pgStatus.reason}`);

const OPTS: LoginThrottleOptions = {
  windowMs: 60_000,
  maxFailuresPerPair: 3,
  maxFailuresPerAccount: 6,
  accountSlowdownMs: 1_000,
  maxFailuresPerIp: 8,
  sprayAttemptsPerMinute: 2,
  familiarMs: 60_000,
};

/** A failed attempt, as the login route makes it: check, then count the failure. */
async function failOnce(t: LoginThrottle, account: string, ip: string): Promise<void> {
  await t.check(account, ip);
  await t.fail(account, ip);
}

/** One suite per counter store: the in-process one and Redis (scale-out) must throttle alike. */
function throttleSuite(name: string, open: () => Promise<CounterStore>) {
  describe(`login throttle on ${name} counters`, () => {
    let t: LoginThrottle;
    beforeAll(async () => {
      t = new LoginThrottle(await open(), OPTS);
    });

    it('locks only the guessing (account, address) pair: the owner still signs in from elsewhere', async () => {
      for (let i = 0; i < 3; i++) await failOnce(t, 'pair@x.test', '203.0.113.1');
      await expect(t.check('PAIR@x.test', '203.0.113.1')).rejects.toMatchObject({
        status: 429,
        details: { retry_after: expect.any(Number) },
      });
      await expect(t.check('pair@x.test', '198.51.100.7')).resolves.toBeUndefined();
      await expect(t.check('other@x.test', '203.0.113.1')).resolves.toBeUndefined();
    });

    it('slows an account guessed from many addresses to one try per interval, never locking it, and not for familiar addresses', async () => {
      await t.check('many@x.test', '198.51.100.50');
      await t.succeed('many@x.test', '198.51.100.50');
      for (const ip of ['203.0.113.10', '203.0.113.11']) for (let i = 0; i < 3; i++) await failOnce(t, 'many@x.test', ip);
      // 6 failures: unfamiliar addresses share one attempt per second for this account.
      await expect(t.check('many@x.test', '198.51.100.60')).resolves.toBeUndefined();
      const slowed = await t.check('many@x.test', '203.0.113.12').catch((e: unknown) => e);
      expect(slowed).toMatchObject({ status: 429, details: { retry_after: 1 } });
      // The owner's usual address is not slowed at all.
      await expect(t.check('many@x.test', '198.51.100.50')).resolves.toBeUndefined();
      await new Promise((r) => setTimeout(r, 1_100));
      await expect(t.check('many@x.test', '198.51.100.61')).resolves.toBeUndefined();
    });

    it('caps an address spraying many accounts per minute, sparing the people who signed in from it before', async () => {
      const proxy = '192.0.2.99';
      await t.check('regular@x.test', proxy);
      await t.succeed('regular@x.test', proxy);
      for (let i = 0; i < 8; i++) await failOnce(t, `spray${i}@x.test`, proxy);
      // Past 8 failures: 2 attempts a minute for accounts new to this address …
      await t.check('newcomer1@x.test', proxy);
      await t.check('newcomer2@x.test', proxy);
      const capped = await t.check('newcomer3@x.test', proxy).catch((e: unknown) => e);
      expect(capped).toMatchObject({ status: 429 });
      expect((capped as { details: { retry_after: number } }).details.retry_after).toBeLessThanOrEqual(60);
      // … while someone who signed in from it before is not held back.
      for (let i = 0; i < 5; i++) await expect(t.check('regular@x.test', proxy)).resolves.toBeUndefined();
    });
  });
}

throttleSuite('in-memory', async () => new MemoryCounterStore());
const redisClients: Redis[] = [];
afterAll(() => {
  for (const r of redisClients) r.disconnect();
});
if (redisStatus.ok) {
  throttleSuite('Redis', async () => {
    const redis = openRedis(REDIS_TEST_URL);
    redisClients.push(redis);
    return new RedisCounterStore(redis, `${uniqueName('throttle')}:`);
  });
} else {
  describe.skip(`login throttle on Redis counters (${redisStatus.reason})`, () => {
    it('skipped', () => {});
  });
}

/** Over HTTP behind a trusted proxy, so X-Forwarded-For gives each client its own address; on both metadata engines. */
function httpSuite(engine: MetaEngineName) {
  describe.skipIf(engine === 'postgres' && !pgStatus.ok)(`sign-in throttling over HTTP (${engine} metadata)`, () => {
    let srv: AccountsServer;
    let cleanupDb: (() => Promise<void>) | undefined;
    const from = (ip: string) => ({ 'x-forwarded-for': ip });

    beforeAll(async () => {
      let databaseUrl: string | undefined;
      if (engine === 'postgres') {
        const db = await createTempPgDatabase();
        databaseUrl = db.url;
        cleanupDb = db.drop;
      }
      srv = await startAccountsServer({ trustedProxies: ['127.0.0.1'], ...(databaseUrl ? { databaseUrl } : {}) });
      const r = await new Client(srv.url).post('/api/auth/register', { email: 'owner@throttle.test', password: PW }, from('198.51.100.1'));
      expect(r.status).toBe(201);
    });
    afterAll(async () => {
      await srv?.cleanup();
      await cleanupDb?.();
    });

    it('lets the owner sign in with the right password while guesses from other addresses are refused', async () => {
      const attacker = new Client(srv.url);
      const statuses: number[] = [];
      for (const ip of ['203.0.113.1', '203.0.113.2']) {
        for (let i = 0; i < 6; i++)
          statuses.push(
            (await attacker.post('/api/auth/login', { email: 'owner@throttle.test', password: `guess-${i}-xx` }, from(ip))).status,
          );
      }
      // Each attacking address gets 5 guesses, then 429; the old throttle answered 429 to every address after 5.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 401, 401, 401, 401, 401, 429]);
      // The owner, from an address never used before, signs in (the account slowdown is one try per 2 s, not a lock).
      const owner = new Client(srv.url);
      let r = await owner.post('/api/auth/login', { email: 'owner@throttle.test', password: PW }, from('198.51.100.20'));
      if (r.status === 429) {
        expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(2);
        await new Promise((res) => setTimeout(res, 2_100));
        r = await owner.post('/api/auth/login', { email: 'owner@throttle.test', password: PW }, from('198.51.100.20'));
      }
      expect(r.status).toBe(200);
      // An attempt from yet another attacking address right now is slowed …
      const slowed = await attacker.post('/api/auth/login', { email: 'owner@throttle.test', password: 'guess-x-yy' }, from('203.0.113.4'));
      expect(slowed.status).toBe(429);
      // … but the owner's own address is not: it signed in from there.
      expect(
        (await new Client(srv.url).post('/api/auth/login', { email: 'owner@throttle.test', password: PW }, from('198.51.100.20'))).status,
      ).toBe(200);
    });

    it('does not lock everyone behind one address when it sprays wrong passwords at many accounts', async () => {
      const proxy = '192.0.2.1';
      // The account is still slowed from the previous test's guesses: a new address may wait up to 2 s.
      let first = await new Client(srv.url).post('/api/auth/login', { email: 'owner@throttle.test', password: PW }, from(proxy));
      if (first.status === 429) {
        await new Promise((res) => setTimeout(res, 2_100));
        first = await new Client(srv.url).post('/api/auth/login', { email: 'owner@throttle.test', password: PW }, from(proxy));
      }
      expect(first.status).toBe(200);
      const sprayer = new Client(srv.url);
      for (let i = 0; i < 50; i++) {
        const r = await sprayer.post('/api/auth/login', { email: `user${i}@spray.test`, password: 'Summer2024!x' }, from(proxy));
        expect(r.status).toBe(401);
      }
      // The old behaviour refused every account from this address for 15 minutes; the owner signed in from it before.
      expect((await new Client(srv.url).post('/api/auth/login', { email: 'owner@throttle.test', password: PW }, from(proxy))).status).toBe(
        200,
      );
      const more: number[] = [];
      for (let i = 0; i < 8; i++)
        more.push((await sprayer.post('/api/auth/login', { email: `late${i}@spray.test`, password: 'Summer2024!x' }, from(proxy))).status);
      expect(more.filter((s) => s === 401)).toHaveLength(5);
      expect(more.slice(5)).toEqual([429, 429, 429]);
    });
  });
}

httpSuite('sqlite');
httpSuite('postgres');

describe('X-Forwarded-For without trusted proxies', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns once, on the first such request, and not when a proxy is trusted', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const untrusted = await startAccountsServer();
    try {
      await new Client(untrusted.url).get('/api/auth/setup');
      expect(warn.mock.calls.filter((c) => /X-Forwarded-For/.test(String(c[0])))).toHaveLength(0);
      await new Client(untrusted.url).get('/api/auth/setup', { 'x-forwarded-for': '198.51.100.1' });
      await new Client(untrusted.url).get('/api/auth/setup', { 'x-forwarded-for': '198.51.100.2' });
      const calls = warn.mock.calls.filter((c) => /X-Forwarded-For/.test(String(c[0])));
      expect(calls).toHaveLength(1);
      expect(String(calls[0]![0])).toMatch(/TIDEMARK_TRUSTED_PROXIES/);
    } finally {
      await untrusted.cleanup();
    }
    const trusted = await startAccountsServer({ trustedProxies: ['127.0.0.1'] });
    try {
      warn.mockClear();
      await new Client(trusted.url).get('/api/auth/setup', { 'x-forwarded-for': '198.51.100.1' });
      expect(warn.mock.calls.filter((c) => /X-Forwarded-For/.test(String(c[0])))).toHaveLength(0);
    } finally {
      await trusted.cleanup();
    }
  });
});
