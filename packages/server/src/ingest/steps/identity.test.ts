import { describe, expect, it } from 'vitest';
import { Drop } from '../drop';
import { visitorHash } from '../lib/visitor-id';
import { CHROME_UA, IPHONE_UA, testContext, testEvent, testServices, testSite } from '../../../test/helpers/ingest';
import type { PreEvent, RequestContext } from '../types';
import { identityStep, sessionKey } from './identity';

function vid(ctx: RequestContext, over: Partial<PreEvent> = {}): string {
  const r = identityStep.run(testEvent(over, ctx), ctx);
  if (r instanceof Drop) throw new Error('unexpected drop');
  return r.visitor_id;
}

describe('identity step: cookieless visitor ids', () => {
  it('is a keyed hash of the day salt, site, IP and user agent: stable within a day, different across them', () => {
    const a = vid(testContext());
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(vid(testContext())).toBe(a);
    expect(vid(testContext({ ip: '203.0.113.8' }))).not.toBe(a);
    expect(vid(testContext({ userAgent: IPHONE_UA }))).not.toBe(a);
    expect(vid(testContext({ site: testSite({ id: '0190a000-0000-7000-8000-000000000002' }) }))).not.toBe(a);
    expect(vid(testContext({ salts: { current: { day: '2025-01-09', salt: 'salt-tomorrow' }, previous: null } }))).not.toBe(a);
    expect(a).toBe(visitorHash('salt-today', testSite().id, '203.0.113.7', CHROME_UA));
  });

  it("keeps yesterday's id while that visitor's session is still running across midnight", () => {
    const services = testServices();
    const site = testSite();
    const midnight = Date.UTC(2025, 0, 8);
    const yesterdayId = visitorHash('salt-yesterday', site.id, '203.0.113.7', CHROME_UA);
    services.sessions.set(sessionKey(site.id, yesterdayId), { sessionId: 's-1', lastTs: midnight - 5 * 60_000 });
    const ctx = testContext({ services, site, receivedAt: midnight + 60_000 });
    expect(vid(ctx, { ts: midnight + 60_000 })).toBe(yesterdayId);
    // An hour later that session has timed out: the visitor gets today's id.
    const later = testContext({ services, site, receivedAt: midnight + 60 * 60_000 });
    expect(vid(later, { ts: midnight + 60 * 60_000 })).toBe(visitorHash('salt-today', site.id, '203.0.113.7', CHROME_UA));
  });

  it("uses the tracker's stored id only when the site turned persistent ids on", () => {
    const stored = '5b1c7f0e-2a7d-4d55-8f3e-0c1e9b6a4d21';
    expect(vid(testContext({ site: testSite({ cookieless: false }) }), { client_visitor_id: stored })).toBe(stored);
    expect(vid(testContext(), { client_visitor_id: stored })).not.toBe(stored);
    expect(vid(testContext({ site: testSite({ cookieless: false }) }))).toMatch(/^[0-9a-f]{32}$/);
  });

  it('server-side: the client names its visitor, or its session stands in for one', () => {
    const server = { trust: 'server' as const };
    expect(vid(testContext(server), { client_visitor_id: 'user-42' })).toBe('user-42');
    const fromSession = vid(testContext(server), { client_session_id: 'sess-1' });
    expect(fromSession).toMatch(/^[0-9a-f]{32}$/);
    expect(vid(testContext({ ...server, ip: '198.51.100.1' }), { client_session_id: 'sess-1' })).toBe(fromSession);
    expect(vid(testContext(server), { client_session_id: 'sess-2' })).not.toBe(fromSession);
  });
});
