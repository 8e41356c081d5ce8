import { describe, expect, it } from 'vitest';
import { metricPalCollectBodySchema, metricPalOptimizedBodySchema } from '@tidemark/core';
import { adaptMetricPal, adaptMetricPalOptimized, metricPalName } from './metricpal';

const NOW = Date.UTC(2025, 0, 8, 12);

describe('MetricPal adapters', () => {
  it('names events: scroll → scroll_depth, custom by event_name, goal by goal_name', () => {
    expect(metricPalName('scroll', {}).name).toBe('scroll_depth');
    expect(metricPalName('custom', { event_name: 'button_clicked' })).toEqual({ name: 'button_clicked', consumed: 'event_name' });
    expect(metricPalName('custom', {}).name).toBe('custom');
    expect(metricPalName('goal', { goal_name: 'newsletter_signup' }).name).toBe('newsletter_signup');
    expect(metricPalName('page_view', {}).name).toBe('page_view');
  });

  it('/api/v1/collect: user_id is the visitor, session_id the session, ISO timestamps read as UTC', () => {
    const body = metricPalCollectBodySchema.parse({
      events: [
        {
          event_type: 'page_view',
          timestamp: '2025-01-08T11:00:00Z',
          session_id: 'session_123',
          user_id: 'visitor_456',
          properties: {
            url: 'https://example.com/?utm_source=x',
            title: 'Home',
            user_agent: 'Mozilla/5.0 (X11) Firefox/120.0',
            ip_address: '81.2.69.142',
          },
        },
        {
          event_type: 'custom',
          timestamp: '2025-01-08T11:00:01',
          session_id: 's',
          properties: { event_name: 'button_clicked', button_name: 'hero_cta' },
        },
        { event_type: 'scroll', session_id: 's', properties: { scroll_depth: 50 } },
        { event_type: 'identify', session_id: 's', properties: { email: 'Jane@Example.com', name: 'Jane' } },
        { event_type: 'goal', session_id: 's', properties: { goal_name: 'Meeting Booked', integration: 'HubSpot' } },
        { event_type: 'page_exit', session_id: 's', properties: { final_scroll_depth: 80, time_on_page: 31 } },
        { event_type: '' },
      ],
    });
    const r = adaptMetricPal(body, 'site-1', NOW);
    const [pv, custom, scroll, ident, goal, exit] = r.events;
    expect(pv).toMatchObject({
      name: 'page_view',
      client_ts: Date.UTC(2025, 0, 8, 11),
      client_session_id: 'session_123',
      client_visitor_id: 'visitor_456',
      url: 'https://example.com/?utm_source=x',
      title: 'Home',
      client_user_agent: 'Mozilla/5.0 (X11) Firefox/120.0',
      client_ip: '81.2.69.142',
      props: {},
    });
    expect(custom.client_ts).toBe(Date.UTC(2025, 0, 8, 11, 0, 1));
    expect([custom.name, custom.props]).toEqual(['button_clicked', { button_name: 'hero_cta' }]);
    expect([scroll.name, scroll.scroll_depth]).toEqual(['scroll_depth', 50]);
    expect([ident.name, ident.user_id]).toEqual(['identify', 'Jane@Example.com']);
    expect([goal.name, goal.props]).toEqual(['Meeting Booked', { integration: 'HubSpot', goal: 'true' }]);
    expect([exit.scroll_depth, exit.props]).toEqual([80, { time_on_page: '31' }]);
    expect(r.rejected).toHaveLength(1);
  });

  it('privacy mode stores e-mail addresses as their SHA-1', () => {
    const body = metricPalCollectBodySchema.parse({
      privacy_mode: true,
      events: [{ event_type: 'identify', properties: { email: 'jane@example.com' } }],
    });
    const ev = adaptMetricPal(body, 'site-1', NOW).events[0];
    expect(ev.props.email).toMatch(/^[0-9a-f]{40}$/);
    expect(ev.user_id).toBe(ev.props.email);
  });

  it('/optimized: maps action_type as the guide does; unknown actions become custom', () => {
    const body = metricPalOptimizedBodySchema.parse({
      customerObject: { apiKey: 'tm_live_x', website: 'example.com' },
      userObject: { uuid: 'visitor_456', sessionData: { id: 'session_123' } },
      actionLog: [
        { timestamp: '2025-01-08T12:00:00Z', action_type: 'enter-page', url: 'https://example.com' },
        { action_type: 'onclick', url: 'https://example.com', element: 'BUTTON#cta', text: 'Buy' },
        { action_type: 'scroll-depth', url: 'https://example.com', scroll_depth: 25 },
        { action_type: 'custom', url: 'https://example.com', properties: { event_name: 'video_play' } },
        { action_type: 'end-session', url: 'https://example.com' },
        { action_type: 'onhover', url: 'https://example.com' },
        { action_type: 'constructor', url: 'https://example.com' },
      ],
    });
    const r = adaptMetricPalOptimized(body, 'site-1', NOW);
    expect(r.events.map((e) => e.name)).toEqual(['page_view', 'click', 'scroll_depth', 'video_play', 'session_end', 'custom', 'custom']);
    expect(r.events[1].props).toEqual({ element: 'BUTTON#cta', text: 'Buy' });
    expect(r.events[2].scroll_depth).toBe(25);
    expect(r.events[5].props).toEqual({ action_type: 'onhover' });
    expect(r.events.every((e) => e.client_visitor_id === 'visitor_456' && e.client_session_id === 'session_123')).toBe(true);
  });
});
