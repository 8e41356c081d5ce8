import { describe, expect, it } from 'vitest';
import { canonicalEventSchema, collectBodySchema } from '@tidemark/core';
import { adaptInsightHub } from './adapters/insighthub';
import { openGeoLookup } from './lib/geo';
import { PIPELINE, runPipeline } from './pipeline';
import { testContext, testServices } from '../../test/helpers/ingest';

const NOW = Date.UTC(2025, 0, 8, 12);

describe('pipeline', () => {
  it('has uniquely named steps, drops before enrichment and identity last', () => {
    const names = PIPELINE.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.indexOf('bot')).toBeLessThan(names.indexOf('user-agent'));
    expect(names.indexOf('utm')).toBeLessThan(names.indexOf('referrer'));
    expect(names.indexOf('referrer')).toBeLessThan(names.indexOf('channel'));
    expect(names.slice(-2)).toEqual(['identity', 'session']);
  });

  it('turns a tracker batch into valid canonical events with no IP anywhere', async () => {
    const geo = await openGeoLookup(undefined);
    const ctx = testContext({ receivedAt: NOW, sentAt: NOW + 3_600_000 + 2000, ip: '81.2.69.142', services: testServices({ geo }) });
    const body = collectBodySchema.parse({
      events: [
        {
          name: 'page_view',
          timestamp: NOW + 3_600_000,
          properties: {
            url: 'https://www.example.com/pricing?utm_source=newsletter&utm_medium=email',
            referrer: 'https://mail.google.com/',
            title: 'Pricing',
          },
        },
        {
          name: 'signup',
          timestamp: NOW + 3_600_000 + 1000,
          properties: { url: 'https://www.example.com/pricing', plan: 'pro', ip: '81.2.69.142' },
        },
        { name: 'page_view', timestamp: NOW + 3_600_000 + 1500, properties: { url: 'https://elsewhere.org/' } },
      ],
    });
    const { events, rejected } = adaptInsightHub(body, ctx.site.id, NOW);
    expect(rejected).toEqual([]);
    const r = runPipeline(events, ctx);
    expect(r.dropped.map((d) => [d.step, d.drop.reason])).toEqual([['page', 'host_not_allowed']]);
    expect(r.events).toHaveLength(2);
    for (const e of r.events) {
      expect(canonicalEventSchema.parse(e)).toEqual(e);
      expect(JSON.stringify(e)).not.toContain('81.2.69.142');
      expect(Object.keys(e).sort()).toEqual(Object.keys(canonicalEventSchema.shape).sort());
    }
    const [pv, signup] = r.events;
    // The client's clock ran an hour fast: times land 2 s and 1 s before the server received them.
    expect([pv.ts, signup.ts]).toEqual([NOW - 2000, NOW - 1000]);
    expect(pv).toMatchObject({
      host: 'www.example.com',
      path: '/pricing',
      utm_source: 'newsletter',
      utm_medium: 'email',
      channel: 'Email',
      source: 'newsletter',
      referrer_domain: 'mail.google.com',
      browser: 'Chrome',
      os: 'Windows',
      device_type: 'desktop',
      country: 'GB',
    });
    expect(signup.visitor_id).toBe(pv.visitor_id);
    expect(signup.session_id).toBe(pv.session_id);
    expect(signup.props).toEqual({ plan: 'pro' });
  });

  it('assigns sessions in time order even when a batch arrives shuffled', () => {
    const ctx = testContext({ receivedAt: NOW });
    const body = collectBodySchema.parse({
      events: [
        { name: 'b', timestamp: NOW - 1000, properties: { url: 'https://example.com/' } },
        { name: 'a', timestamp: NOW - 50 * 60_000, properties: { url: 'https://example.com/' } },
      ],
    });
    const r = runPipeline(adaptInsightHub(body, ctx.site.id, NOW).events, ctx);
    expect(r.events.map((e) => e.name)).toEqual(['a', 'b']);
    expect(r.events[0].session_id).not.toBe(r.events[1].session_id);
  });
});

describe('pipeline robustness', () => {
  it('quarantines an event a step fails on, instead of failing the request', () => {
    const ctx = testContext({ receivedAt: NOW });
    const body = collectBodySchema.parse({
      events: [
        { name: 'boom', properties: { url: 'https://example.com/' } },
        { name: 'fine', properties: { url: 'https://example.com/' } },
      ],
    });
    const exploding = {
      name: 'exploding',
      run: (ev: Parameters<(typeof PIPELINE)[number]['run']>[0]) => {
        if (ev.name === 'boom') throw new Error('kaput');
        return ev;
      },
    };
    const r = runPipeline(adaptInsightHub(body, ctx.site.id, NOW).events, ctx, [exploding, ...PIPELINE]);
    expect(r.events.map((e) => e.name)).toEqual(['fine']);
    expect(r.dropped[0].step).toBe('exploding');
    expect(r.dropped[0].drop.reason).toBe('invalid_event');
    expect(r.dropped[0].drop.issues[0].message).toContain('kaput');
  });
});
