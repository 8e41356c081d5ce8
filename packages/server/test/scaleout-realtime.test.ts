import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { openRedis, RedisRealtime, type Redis } from '../src/scaleout';
import { redisAvailable, REDIS_TEST_URL, uniqueName } from './helpers/scaleout';

/** Realtime kept in Redis by collectors (scale-out): recorded events → the api's snapshot. */

const status = await redisAvailable('scaleout-realtime');

describe.skipIf(!status.ok)('scale-out realtime in Redis', () => {
  let redis: Redis;
  let prefix: string;
  const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
  const SITE = 'site-rt';

  beforeAll(() => {
    redis = openRedis(REDIS_TEST_URL);
    prefix = `${uniqueName('tmrt')}:`;
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const ev = (over: Partial<CanonicalEvent>): CanonicalEvent => ({
    ...emptyEvent({ event_id: crypto.randomUUID(), site_id: SITE, ts: NOW, received_at: NOW, name: 'page_view' }),
    ...over,
  });

  it('shows each active visitor with their latest page, first-event attributes and page views; top lists ordered', async () => {
    const rt = new RedisRealtime(redis, { prefix: `${prefix}a:` });
    const a = { visitor_id: 'va', session_id: 'sa', country: 'DE', device_type: 'desktop', source: 'Google' };
    const b = { visitor_id: 'vb', session_id: 'sb', country: 'FR', device_type: 'mobile', source: '' };
    const c = { visitor_id: 'vc', session_id: 'sc', country: 'US', device_type: 'tablet', source: 'Google' };
    const retried = ev({ ...a, ts: NOW - 60_000, path: '/pricing' });
    await rt.record([ev({ ...a, ts: NOW - 240_000, path: '/' }), retried]);
    // Out of order across requests: an older page view must not become the current page.
    await rt.record([ev({ ...a, ts: NOW - 120_000, path: '/about' }), ev({ ...a, ts: NOW - 30_000, name: 'signup', path: '/signup' })]);
    await rt.record([retried]); // a client retry of an accepted event counts once
    await rt.record([ev({ ...b, ts: NOW - 100_000, path: '/pricing' }), ev({ ...b, ts: NOW - 50_000, path: '/pricing' })]);
    await rt.record([ev({ ...c, ts: NOW - 20_000, path: '/' })]);
    // Last seen six minutes ago: not active.
    await rt.record([ev({ visitor_id: 'vold', session_id: 'sold', ts: NOW - 360_000, path: '/old', source: 'Bing' })]);
    // Another site's visitor stays out.
    await rt.record([ev({ site_id: 'other-site', visitor_id: 'vx', session_id: 'sx', ts: NOW - 10_000, path: '/x' })]);

    const snap = await rt.snapshot(SITE, NOW);
    expect(snap.active_visitors).toBe(3);
    expect(snap.visitors_list).toEqual([
      { visitor_id: 'vc', current_page: '/', country: 'US', device: 'tablet', source: 'Google', pages_viewed: 1, time_on_site: 20 },
      {
        visitor_id: 'va',
        current_page: '/pricing',
        country: 'DE',
        device: 'desktop',
        source: 'Google',
        pages_viewed: 3,
        time_on_site: 240,
      },
      { visitor_id: 'vb', current_page: '/pricing', country: 'FR', device: 'mobile', source: '', pages_viewed: 2, time_on_site: 100 },
    ]);
    expect(snap.top_pages).toEqual([
      { path: '/pricing', visitors: 2 },
      { path: '/', visitors: 1 },
    ]);
    expect(snap.top_sources).toEqual([
      { source: 'Google', visitors: 2 },
      { source: '', visitors: 1 },
    ]);
    // Reading trimmed the stale visitor from the active set.
    expect(await redis.zscore(`${prefix}a:{${SITE}}:active`, 'vold')).toBeNull();
    expect((await rt.snapshot('other-site', NOW)).visitors_list.map((v) => v.visitor_id)).toEqual(['vx']);
  });

  it('a new session replaces the previous one; a late event of the old session is ignored', async () => {
    const rt = new RedisRealtime(redis, { prefix: `${prefix}b:` });
    await rt.record([ev({ visitor_id: 'v', session_id: 's1', ts: NOW - 200_000, path: '/a', country: 'DE' })]);
    await rt.record([ev({ visitor_id: 'v', session_id: 's2', ts: NOW - 100_000, path: '/b', country: 'NL' })]);
    await rt.record([ev({ visitor_id: 'v', session_id: 's1', ts: NOW - 150_000, path: '/late' })]);
    const snap = await rt.snapshot(SITE, NOW);
    expect(snap.visitors_list).toEqual([
      { visitor_id: 'v', current_page: '/b', country: 'NL', device: '', source: '', pages_viewed: 1, time_on_site: 100 },
    ]);
    // Five minutes after the last event the visitor is gone.
    expect((await rt.snapshot(SITE, NOW - 100_000 + 300_001)).active_visitors).toBe(0);
  });

  it('counts a visitor whose latest event arrived after the snapshot began (collectors keep writing meanwhile)', async () => {
    const rt = new RedisRealtime(redis, { prefix: `${prefix}d:` });
    await rt.record([
      ev({ visitor_id: 'v', session_id: 's', ts: NOW - 60_000, path: '/a' }),
      ev({ visitor_id: 'v', session_id: 's', ts: NOW + 40, path: '/b' }),
    ]);
    const snap = await rt.snapshot(SITE, NOW);
    expect(snap.active_visitors).toBe(1);
    expect(snap.visitors_list[0]).toMatchObject({ visitor_id: 'v', current_page: '/b', pages_viewed: 2 });
  });

  it('keys expire after the configured idle time', async () => {
    const rt = new RedisRealtime(redis, { prefix: `${prefix}c:`, ttlMs: 60_000 });
    await rt.record([ev({ visitor_id: 'v', session_id: 's', ts: NOW, path: '/' })]);
    const ttl = await redis.pttl(`${prefix}c:{${SITE}}:v:v`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await redis.pttl(`${prefix}c:{${SITE}}:active`)).toBeGreaterThan(0);
  });
});
