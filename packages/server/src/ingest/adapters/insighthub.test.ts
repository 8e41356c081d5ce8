import { describe, expect, it } from 'vitest';
import { collectBodySchema } from '@tidemark/core';
import { adaptInsightHub } from './insighthub';

const NOW = Date.UTC(2025, 0, 8, 12);
const adapt = (body: unknown, headerVisitor = '') => adaptInsightHub(collectBodySchema.parse(body), 'site-1', NOW, headerVisitor);

describe('InsightHub / native /api/collect adapter', () => {
  it('maps reserved properties to columns and the rest to props', () => {
    const r = adapt({
      events: [
        {
          event_id: '8e0f6a1c-3f4b-4c1e-9a55-0e6d7c2b9f10',
          name: 'page_view',
          timestamp: NOW - 1000,
          properties: {
            url: 'https://example.com/pricing?utm_source=google',
            path: '/pricing',
            title: 'Pricing',
            referrer: 'https://google.com/',
            utm_source: 'google',
            utm_medium: 'cpc',
            utm_campaign: 'brand',
            utm_term: null,
            plan: 'pro',
            seats: 3,
            trial: true,
            meta: { a: 1 },
            ip: '1.2.3.4',
            __proto__: 'x',
          },
          context: {
            screen_width: 1920,
            screen_height: 1080,
            viewport_width: 1280,
            viewport_height: 720,
            timezone: 'America/New_York',
            language: 'en-US',
          },
        },
      ],
      visitor: { id: 'v-1' },
    });
    expect(r.rejected).toEqual([]);
    const e = r.events[0];
    expect(e).toMatchObject({
      name: 'page_view',
      event_id: '8e0f6a1c-3f4b-4c1e-9a55-0e6d7c2b9f10',
      client_ts: NOW - 1000,
      client_visitor_id: 'v-1',
      url: 'https://example.com/pricing?utm_source=google',
      path: '/pricing',
      title: 'Pricing',
      referrer: 'https://google.com/',
      utm_source: 'google',
      utm_medium: 'cpc',
      utm_campaign: 'brand',
      utm_term: '',
      screen_w: 1920,
      screen_h: 1080,
      viewport_w: 1280,
      viewport_h: 720,
      timezone: 'America/New_York',
      language: 'en-US',
    });
    expect(e.props).toEqual({ plan: 'pro', seats: '3', trial: 'true', meta: '{"a":1}' });
  });

  it('reads revenue, interaction and identify fields, and the PRD spellings', () => {
    const r = adapt({
      events: [
        { name: 'revenue', properties: { url: 'https://example.com/', revenue_amount: 99.5, revenue_currency: 'eur', product: 'Pro' } },
        { name: 'revenue', properties: { url: 'https://example.com/', amount: 10 } },
        { name: 'scroll_depth', properties: { url: 'https://example.com/', depth: 75 } },
        {
          name: 'outbound_click',
          properties: { url: 'https://example.com/', x: 10.4, y: 2000, selector: 'a#buy', href: 'https://other.org' },
        },
        { name: 'identify', properties: { url: 'https://example.com/', user_id: 'u-9', plan: 'pro' } },
        { name: 'page_exit', properties: { url: 'https://example.com/', engaged_ms: 4200, scroll_depth: 60 } },
      ],
    });
    expect(r.rejected).toEqual([]);
    const [rev, rev2, scroll, click, ident, exit] = r.events;
    expect([rev.revenue_amount, rev.revenue_currency, rev.props]).toEqual([99.5, 'EUR', { product: 'Pro' }]);
    expect([rev2.revenue_amount, rev2.revenue_currency, rev2.props]).toEqual([10, 'USD', {}]);
    expect([scroll.scroll_depth, scroll.props]).toEqual([75, {}]);
    expect([click.x, click.y, click.selector, click.props]).toEqual([10, 2000, 'a#buy', { href: 'https://other.org' }]);
    expect([ident.user_id, ident.props]).toEqual(['u-9', { plan: 'pro' }]);
    expect([exit.engaged_ms, exit.scroll_depth]).toEqual([4200, 60]);
  });

  it('quarantines events with wrong types, bad ids or unreadable timestamps, keeping the rest', () => {
    const r = adapt({
      events: [
        { name: 'ok', properties: { url: 'https://example.com/' } },
        { name: 42 },
        'not an object',
        { name: 'bad-id', event_id: 'not-a-uuid' },
        { name: 'bad-time', timestamp: 'yesterday-ish' },
        { name: 'bad-url', properties: { url: { href: 'x' } } },
        { name: 'bad-x', properties: { x: 'left' } },
        { name: 'bad-ctx', context: { screen_width: 'wide' } },
      ],
    });
    expect(r.events.map((e) => e.name)).toEqual(['ok']);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'invalid_timestamp',
      'invalid_event',
      'invalid_event',
      'invalid_event',
    ]);
    expect(r.rejected[0].issues[0].path).toBe('events.1.name');
    expect(r.rejected[4].issues[0].path).toBe('events.5.properties.url');
  });

  it('takes the visitor id from the X-Visitor-ID header when the body has none; reports webdriver', () => {
    const r = adapt({ events: [{ name: 'page_view', context: { webdriver: true } }] }, 'hdr-visitor');
    expect(r.events[0].client_visitor_id).toBe('hdr-visitor');
    expect(r.webdriver).toBe(true);
  });

  it("reads the device signals of the tracker's report; out-of-range ones reject the event", () => {
    const r = adapt({
      events: [
        { name: 'ipad', context: { touch: 5, mobile: false, screen_width: 820, screen_height: 1180 } },
        { name: 'plain' },
        { name: 'bad-touch', context: { touch: -1 } },
        { name: 'bad-mobile', context: { mobile: 'yes' } },
      ],
    });
    expect(r.events.map((e) => [e.name, e.client_touch, e.client_mobile])).toEqual([
      ['ipad', 5, false],
      ['plain', null, null],
    ]);
    expect(r.rejected.map((x) => x.issues[0].path)).toEqual(['events.2.context.touch', 'events.3.context.mobile']);
  });
});
