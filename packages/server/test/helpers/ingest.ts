// Builders for the ingest unit tests: a site, a request context and pre-events with real services.
import type { SiteRecord } from '../../src/meta';
import { newPreEvent } from '../../src/ingest/lib/pre-event';
import { MemorySessionCache } from '../../src/ingest/lib/session-cache';
import { UserAgentCache } from '../../src/ingest/lib/user-agent';
import { noGeoLookup } from '../../src/ingest/lib/geo';
import type { IngestServices, PreEvent, RequestContext } from '../../src/ingest/types';

export const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

export function testSite(over: Partial<SiteRecord> = {}): SiteRecord {
  return {
    id: '0190a000-0000-7000-8000-000000000001',
    org_id: '0190a000-0000-7000-8000-0000000000aa',
    tracking_id: 'TM-TEST',
    name: 'Example',
    domain: 'example.com',
    allowed_hosts: [],
    timezone: 'UTC',
    session_timeout_min: 30,
    respect_dnt: true,
    cookieless: true,
    retention_days: 0,
    excluded_paths: [],
    excluded_ips: [],
    enabled: true,
    created_at: 0,
    umami_website_id: '6f1c2b9e-2d4a-4c1e-9a51-0d3c7e5b8a21',
    heatmaps_enabled: false,
    heatmap_sample_rate: 1,
    vitals_enabled: false,
    errors_enabled: false,
    ...over,
  };
}

export function testServices(over: Partial<IngestServices> = {}): IngestServices {
  return { userAgents: new UserAgentCache(), geo: noGeoLookup, sessions: new MemorySessionCache(), ...over };
}

export function testContext(over: Partial<RequestContext> = {}): RequestContext {
  const receivedAt = over.receivedAt ?? Date.UTC(2025, 0, 8, 12, 0, 0);
  return {
    site: testSite(),
    contract: 'insighthub.collect',
    trust: 'browser',
    receivedAt,
    sentAt: null,
    ip: '203.0.113.7',
    userAgent: CHROME_UA,
    signals: { dnt: false, gpc: false, hasAcceptLanguage: true, hasAccept: true, webdriver: false },
    bodyBytes: 500,
    salts: { current: { day: '2025-01-08', salt: 'salt-today' }, previous: { day: '2025-01-07', salt: 'salt-yesterday' } },
    services: testServices(),
    memo: new Map(),
    ...over,
  };
}

export function testEvent(over: Partial<PreEvent> = {}, ctx?: RequestContext): PreEvent {
  const c = ctx ?? testContext();
  return Object.assign(
    newPreEvent(c.site.id, c.receivedAt, 'page_view', { name: 'page_view' }),
    { url: 'https://example.com/pricing' },
    over,
  );
}
