import { describe, expect, it } from 'vitest';
import { techStoreBodySchema } from '@tidemark/core';
import { adaptTechStore, techStoreName } from './techstore';

const input = {
  siteId: 'site-1',
  receivedAt: Date.UTC(2026, 0, 2),
  visitorHeader: '',
  trackingId: 'tm_abc',
  pageHeader: 'https://shop.example/svc',
  siteDomain: 'example.com',
  umamiWebsiteId: '',
};
const adapt = (e: unknown) => adaptTechStore(techStoreBodySchema.parse({ events: [e] }), input);

describe('TechStore adapter', () => {
  it('maps event names to canonical ones where one exists and keeps the rest', () => {
    expect(techStoreName('page_viewed')).toBe('page_view');
    expect(techStoreName('scroll_milestone')).toBe('scroll_depth');
    expect(techStoreName('booking_started')).toBe('booking_started');
    expect(techStoreName('constructor')).toBe('constructor');
  });

  it('reads {event, properties, timestamp, session_id, user_id}', () => {
    const out = adapt({
      event: 'scroll_milestone',
      properties: { depth: 25 },
      timestamp: 1767261600000,
      session_id: 'sess-9',
      user_id: 'user-3',
    });
    expect(out.rejected).toEqual([]);
    expect(out.events[0]).toMatchObject({
      name: 'scroll_depth',
      scroll_depth: 25,
      url: 'https://shop.example/svc',
      user_id: 'user-3',
      client_visitor_id: 'user-3',
      client_session_id: 'sess-9',
      client_ts: 1767261600000,
      props: { techstore_event: 'scroll_milestone', client_session_id: 'sess-9' },
    });
    const booking = adapt({ event: 'booking_started', properties: { service: 'repair', url: 'https://shop.example/book' } });
    expect(booking.events[0]).toMatchObject({ name: 'booking_started', url: 'https://shop.example/book', props: { service: 'repair' } });
  });

  it('quarantines an event without a name or with wrongly typed fields', () => {
    expect(adapt({ properties: {} }).rejected[0]!.issues[0]!.path).toBe('event');
    expect(adapt({ event: 'page_scrolled', properties: { depth: 250 } }).rejected[0]!.issues[0]!.message).toContain('between 0 and 100');
  });
});
