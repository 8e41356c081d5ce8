import { describe, expect, it } from 'vitest';
import { Drop } from '../drop';
import { testContext, testEvent, testServices, testSite } from '../../../test/helpers/ingest';
import type { PreEvent, RequestContext } from '../types';
import { sessionStep } from './session';

const T0 = Date.UTC(2025, 0, 8, 12, 0, 0);
const MIN = 60_000;

function sessionizer(siteOver = {}) {
  const services = testServices();
  const site = testSite(siteOver);
  return (ts: number, over: Partial<PreEvent> = {}, ctxOver: Partial<RequestContext> = {}): string => {
    const ctx = testContext({ services, site, receivedAt: ts, ...ctxOver });
    const r = sessionStep.run(testEvent({ ts, visitor_id: 'v1', ...over }, ctx), ctx);
    if (r instanceof Drop) throw new Error('unexpected drop');
    return r.session_id;
  };
}

describe('session step', () => {
  it('keeps a session while consecutive gaps stay within the timeout', () => {
    const s = sessionizer();
    const a = s(T0);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(s(T0 + 20 * MIN)).toBe(a);
    expect(s(T0 + 45 * MIN)).toBe(a); // 25 min after the previous event
    expect(s(T0 + 75 * MIN)).toBe(a); // exactly 30 min gap
  });

  it('starts a new session after a longer gap', () => {
    const s = sessionizer();
    const a = s(T0);
    const b = s(T0 + 31 * MIN);
    expect(b).not.toBe(a);
    expect(s(T0 + 40 * MIN)).toBe(b);
  });

  it("honours the site's own timeout", () => {
    const s = sessionizer({ session_timeout_min: 5 });
    const a = s(T0);
    expect(s(T0 + 4 * MIN)).toBe(a);
    expect(s(T0 + 10 * MIN)).not.toBe(a);
  });

  it('separates visitors and sites', () => {
    const s = sessionizer();
    const a = s(T0);
    expect(s(T0 + MIN, { visitor_id: 'v2' })).not.toBe(a);
    expect(s(T0 + 2 * MIN)).toBe(a);
  });

  it('ends the session on session_end', () => {
    const s = sessionizer();
    const a = s(T0);
    expect(s(T0 + MIN, { name: 'session_end' })).toBe(a);
    expect(s(T0 + 2 * MIN)).not.toBe(a);
  });

  it('a slightly late event joins the session without moving its clock back', () => {
    const s = sessionizer();
    const a = s(T0 + 10 * MIN);
    expect(s(T0 + 5 * MIN)).toBe(a);
    expect(s(T0 + 39 * MIN)).toBe(a); // 29 min after the latest (T0+10), not after the late one
  });

  it('server-side sessions named by the client keep their ids', () => {
    const s = sessionizer();
    expect(s(T0, { client_session_id: 'session_123' }, { trust: 'server' })).toBe('session_123');
  });
});
