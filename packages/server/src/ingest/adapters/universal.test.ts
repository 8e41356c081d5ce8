import { describe, expect, it } from 'vitest';
import { universalBodySchema } from '@tidemark/core';
import { adaptUniversal } from './universal';

const input = {
  siteId: 'site-1',
  receivedAt: Date.UTC(2026, 0, 2),
  visitorHeader: '',
  trackingId: 'tm_abc',
  pageHeader: 'https://shop.example/p',
  siteDomain: 'example.com',
  umamiWebsiteId: '',
};
const adapt = (events: unknown[]) => adaptUniversal(universalBodySchema.parse({ events }), input);

describe('Universal Site Tracking adapter', () => {
  it("maps the spec's examples: evt_type is the name, evt_* and custom keys are properties", () => {
    const out = adapt([
      { evt_type: 'item_interaction', evt_category: 'products', evt_action: 'click', evt_label: 'widget_pro_v2', evt_value: 299 },
      {
        evt_type: 'page_view',
        page_url: 'https://shop.example/a',
        page_title: 'A',
        session_id: 's-1',
        event_timestamp: '2026-01-01T10:00:00Z',
        tenantId: 'tm_abc',
        plan: 'gold',
      },
    ]);
    expect(out.rejected).toEqual([]);
    expect(out.events[0]).toMatchObject({ name: 'item_interaction', url: 'https://shop.example/p' });
    expect(out.events[0]!.props).toEqual({ evt_category: 'products', evt_action: 'click', evt_label: 'widget_pro_v2', evt_value: '299' });
    expect(out.events[1]).toMatchObject({
      name: 'page_view',
      url: 'https://shop.example/a',
      title: 'A',
      client_session_id: 's-1',
      client_ts: Date.parse('2026-01-01T10:00:00Z'),
      props: { plan: 'gold', client_session_id: 's-1' },
    });
  });

  it('rejects with the contract messages', () => {
    const out = adapt([
      { evt_category: 'x' },
      { evt_type: 'item_interaction', evt_action: 'click' },
      { evt_type: 'transaction_step', evt_label: 'checkout' },
      { evt_type: 'click', tenantId: 'someone_else' },
      { evt_type: 'click', event_timestamp: 'yesterday-ish' },
      { evt_type: 7 },
    ]);
    expect(out.events).toEqual([]);
    expect(out.rejected.map((r) => r.issues.map((i) => i.message))).toEqual([
      ['Missing evt_type'],
      ['Item interaction missing item identifier'],
      ['Transaction step missing action'],
      ['Invalid tenant_id'],
      ['unreadable timestamp'],
      [expect.stringContaining('expected string')],
    ]);
    expect(out.rejected[0]!.issues[0]!.path).toBe('0.evt_type');
  });
});
