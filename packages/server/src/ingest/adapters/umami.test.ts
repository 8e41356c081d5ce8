import { describe, expect, it } from 'vitest';
import { adaptUmami, umamiSiteRef } from './umami';
import type { AdaptInput } from '../contracts';

const WEBSITE = '6f1c2b9e-2d4a-4c1e-9a51-0d3c7e5b8a21';
const input: AdaptInput = {
  siteId: 'site-1',
  receivedAt: 1_700_000_000_000,
  visitorHeader: '',
  trackingId: 'tm_x',
  pageHeader: '',
  siteDomain: 'example.com',
  umamiWebsiteId: WEBSITE,
};

describe('Umami adapter', () => {
  it('maps a page view: host and path joined, screen split, distinct id as user id', () => {
    const r = adaptUmami(
      [
        {
          type: 'event',
          payload: {
            website: WEBSITE,
            hostname: 'www.example.com',
            url: '/a?b=1',
            referrer: 'https://r.test/',
            title: 'A',
            language: 'de-DE',
            screen: '1920x1080',
            id: 'u-7',
          },
        },
      ],
      input,
    );
    expect(r.events[0]).toMatchObject({
      name: 'page_view',
      url: 'https://www.example.com/a?b=1',
      referrer: 'https://r.test/',
      title: 'A',
      language: 'de-DE',
      screen_w: 1920,
      screen_h: 1080,
      user_id: 'u-7',
      dedupe_exact: false,
    });
  });

  it('maps custom events with data, identify, and a timestamp in seconds', () => {
    const r = adaptUmami(
      [
        {
          type: 'event',
          payload: { website: WEBSITE, name: 'signup', data: { plan: 'pro', n: 2, deep: { a: 1 } }, timestamp: 1_699_999_990 },
        },
        { type: 'identify', payload: { website: WEBSITE, data: { tier: 'gold' } } },
      ],
      input,
    );
    expect(r.events[0]).toMatchObject({
      name: 'signup',
      url: 'https://example.com/',
      props: { plan: 'pro', n: '2', deep: '{"a":1}' },
      client_ts: 1_699_999_990_000,
      dedupe_exact: true,
    });
    expect(r.events[1]).toMatchObject({ name: 'identify', props: { tier: 'gold' } });
  });

  it('refuses items of another website and invalid items, keeping the rest', () => {
    const r = adaptUmami(
      [
        { type: 'event', payload: { website: WEBSITE } },
        { type: 'event', payload: { website: '00000000-0000-4000-8000-000000000000' } },
        { type: 'pageview', payload: { website: WEBSITE } },
        'junk',
      ],
      input,
    );
    expect(r.events).toHaveLength(1);
    expect(r.rejected).toHaveLength(3);
  });

  it('names the site by the first item’s website, lower case', () => {
    expect(umamiSiteRef([{ payload: { website: WEBSITE.toUpperCase() } }])).toBe(WEBSITE);
    expect(umamiSiteRef([{ payload: {} }])).toBeNull();
    expect(umamiSiteRef([null])).toBeNull();
  });
});
