import { describe, expect, it } from 'vitest';
import { adaptPlausible, plausibleSiteRef } from './plausible';
import type { AdaptInput } from '../contracts';

const input: AdaptInput = {
  siteId: 'site-1',
  receivedAt: 1_700_000_000_000,
  visitorHeader: '',
  trackingId: 'tm_x',
  pageHeader: '',
  siteDomain: 'example.com',
  umamiWebsiteId: '',
};

describe('Plausible adapter', () => {
  it('reads short and long field names alike', () => {
    const short = adaptPlausible({ n: 'pageview', u: 'https://example.com/a', d: 'example.com', r: 'https://x.test/', w: 1280 }, input);
    const long = adaptPlausible(
      { name: 'pageview', url: 'https://example.com/a', domain: 'example.com', referrer: 'https://x.test/' },
      input,
    );
    expect(short.events[0]).toMatchObject({ name: 'page_view', url: 'https://example.com/a', referrer: 'https://x.test/', screen_w: 1280 });
    expect(long.events[0]).toMatchObject({ name: 'page_view', url: 'https://example.com/a', referrer: 'https://x.test/' });
    expect(short.events[0]!.dedupe_key).toBe(long.events[0]!.dedupe_key);
  });

  it('takes props as an object or its JSON text, keeping scalars only, at most 30', () => {
    const asText = adaptPlausible(
      { n: 'x', u: 'https://example.com/', p: JSON.stringify({ a: 'b', n: 2, t: true, l: [1], m: { k: 1 }, z: null }) },
      input,
    );
    expect(asText.events[0]!.props).toEqual({ a: 'b', n: '2', t: 'true' });
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v']));
    expect(Object.keys(adaptPlausible({ n: 'x', u: 'https://example.com/', props: many }, input).events[0]!.props)).toHaveLength(30);
    const bad = adaptPlausible({ n: 'x', u: 'https://example.com/', p: '{not json' }, input);
    expect(bad.events).toHaveLength(0);
    expect(bad.rejected[0]!.issues[0]!.path).toBe('p');
  });

  it('reads revenue as an object or JSON text; refuses one without a currency', () => {
    expect(adaptPlausible({ n: 'Buy', u: 'https://example.com/', $: { amount: '10.5', currency: 'usd' } }, input).events[0]).toMatchObject({
      revenue_amount: 10.5,
      revenue_currency: 'USD',
    });
    expect(
      adaptPlausible({ n: 'Buy', u: 'https://example.com/', revenue: '{"amount":3,"currency":"EUR"}' }, input).events[0],
    ).toMatchObject({
      revenue_amount: 3,
      revenue_currency: 'EUR',
    });
    expect(adaptPlausible({ n: 'Buy', u: 'https://example.com/', $: { amount: 3, currency: 'euros' } }, input).rejected).toHaveLength(1);
  });

  it('maps engagement to page_exit with scroll depth and engaged time; hash mode keeps the fragment', () => {
    const e = adaptPlausible({ n: 'engagement', u: 'https://example.com/app#/x', sd: 87.6, e: 1234, h: 1 }, input).events[0]!;
    expect(e).toMatchObject({ name: 'page_exit', scroll_depth: 88, engaged_ms: 1234, path: '/app#/x' });
    const custom = adaptPlausible({ n: 'Signup', u: 'https://example.com/app#/x', sd: 50, e: 10 }, input).events[0]!;
    expect(custom).toMatchObject({ name: 'Signup', scroll_depth: null, engaged_ms: null, path: '' });
  });

  it('quarantines what it cannot use: no name, no url, a name too long, wrong types', () => {
    for (const body of [
      { u: 'https://example.com/' },
      { n: 'x' },
      { n: 'x'.repeat(121), u: 'https://example.com/' },
      { n: 5, u: 'https://example.com/' },
    ]) {
      const r = adaptPlausible(body, input);
      expect(r.events, JSON.stringify(body)).toHaveLength(0);
      expect(r.rejected).toHaveLength(1);
    }
  });

  it('names the site by d (first of a list), else by the url host', () => {
    expect(plausibleSiteRef({ d: 'Example.com,rollup.test' })).toBe('Example.com');
    expect(plausibleSiteRef({ domain: 'example.com' })).toBe('example.com');
    expect(plausibleSiteRef({ u: 'https://WWW.Example.com/a' })).toBe('www.example.com');
    expect(plausibleSiteRef({ u: 'nope' })).toBeNull();
    expect(plausibleSiteRef([])).toBeNull();
  });
});
