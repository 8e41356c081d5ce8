import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalEventSchema, CHANNELS, PASSIVE_EVENT_NAMES, type CanonicalEvent } from '@tidemark/core';
import { generateTraffic, generateTrafficBatches } from './traffic';
import { channelOf, referrerDomainOf, sourceOf } from './channel';
import { uuidv7Time } from './uuid';
import { tzOffsetMs } from './time';

const END = Date.UTC(2025, 2, 1, 0, 0, 0);
const DAY = 86_400_000;
const base = { siteId: 'site-a', end: END, seed: 'unit', host: 'demo.example.org' };

function digest(events: Iterable<CanonicalEvent>): { hash: string; count: number } {
  const h = createHash('sha256');
  let count = 0;
  for (const e of events) {
    h.update(JSON.stringify(e));
    count++;
  }
  return { hash: h.digest('hex'), count };
}

// One medium sample shared by the distribution checks (60 days, Berlin time).
const sample = [...generateTraffic({ ...base, days: 60, visitorsPerDay: 250, timezone: 'Europe/Berlin' })];

describe('generateTraffic', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = digest(generateTraffic({ ...base, days: 5, visitorsPerDay: 150 }));
    const b = digest(generateTraffic({ ...base, days: 5, visitorsPerDay: 150 }));
    const c = digest(generateTraffic({ ...base, days: 5, visitorsPerDay: 150, seed: 'other' }));
    expect(a.count).toBeGreaterThan(1000);
    expect(b).toEqual(a);
    expect(c.hash).not.toBe(a.hash);
  });

  it('yields valid canonical events in time order inside the window', () => {
    let prev = -Infinity;
    const ids = new Set<string>();
    for (const e of sample) {
      expect(e.ts).toBeGreaterThanOrEqual(prev);
      prev = e.ts;
      expect(e.ts).toBeGreaterThanOrEqual(END - 60 * DAY);
      expect(e.ts).toBeLessThan(END);
      expect(uuidv7Time(e.event_id)).toBe(e.ts);
      ids.add(e.event_id);
    }
    expect(ids.size).toBe(sample.length);
    for (let i = 0; i < sample.length; i += 97) {
      const r = canonicalEventSchema.safeParse(sample[i]);
      expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
      expect(sample[i].event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('batches carry exactly the stream', () => {
    const opts = { ...base, days: 3, visitorsPerDay: 120 };
    const batches = [...generateTrafficBatches(opts, 333)];
    expect(batches.slice(0, -1).every((b) => b.length === 333)).toBe(true);
    expect(digest(batches.flat())).toEqual(digest(generateTraffic(opts)));
  });

  it('hits a total event target within a few percent', () => {
    const { count } = digest(generateTraffic({ ...base, days: 30, totalEvents: 60_000 }));
    expect(count).toBeGreaterThan(60_000 * 0.93);
    expect(count).toBeLessThan(60_000 * 1.07);
  });

  it("keeps session gaps within 30 minutes and separates a visitor's sessions by more", () => {
    const lastBySession = new Map<string, number>();
    const sessionsByVisitor = new Map<string, Array<{ first: number; last: number }>>();
    const bySession = new Map<string, { first: number; last: number }>();
    let maxInside = 0;
    for (const e of sample) {
      const last = lastBySession.get(e.session_id);
      if (last !== undefined) maxInside = Math.max(maxInside, e.ts - last);
      lastBySession.set(e.session_id, e.ts);
      let s = bySession.get(e.session_id);
      if (!s) {
        s = { first: e.ts, last: e.ts };
        bySession.set(e.session_id, s);
        sessionsByVisitor.set(e.visitor_id, [...(sessionsByVisitor.get(e.visitor_id) ?? []), s]);
      }
      s.last = e.ts;
    }
    expect(maxInside).toBeLessThanOrEqual(30 * 60_000);
    expect(maxInside).toBeGreaterThan(5 * 60_000); // long reads exist
    let between = 0;
    for (const list of sessionsByVisitor.values()) {
      for (let i = 1; i < list.length; i++) {
        expect(list[i].first - list[i - 1].last).toBeGreaterThan(30 * 60_000);
        between++;
      }
    }
    expect(between).toBeGreaterThan(bySession.size * 0.05); // returning visits and same-day revisits
  });

  it('has sane web-analytics shapes: bounce rate, pages per visit, channels, devices, places', () => {
    const sessions = new Map<string, { pv: number; interactive: number }>();
    const passive = new Set<string>(PASSIVE_EVENT_NAMES);
    const count = (key: (e: CanonicalEvent) => string) => {
      const m = new Map<string, number>();
      for (const e of sample) if (e.name === 'page_view') m.set(key(e), (m.get(key(e)) ?? 0) + 1);
      return m;
    };
    for (const e of sample) {
      const s = sessions.get(e.session_id) ?? { pv: 0, interactive: 0 };
      if (e.name === 'page_view') s.pv++;
      else if (!passive.has(e.name)) s.interactive++;
      sessions.set(e.session_id, s);
    }
    const all = [...sessions.values()];
    const bounceRate = all.filter((s) => s.pv === 1 && s.interactive === 0).length / all.length;
    expect(bounceRate).toBeGreaterThan(0.4);
    expect(bounceRate).toBeLessThan(0.6);
    const pvPerVisit = all.reduce((a, s) => a + s.pv, 0) / all.length;
    expect(pvPerVisit).toBeGreaterThan(1.8);
    expect(pvPerVisit).toBeLessThan(4);

    // Channel of a session = channel of its first event (later pages were reached internally).
    const channels = new Map<string, number>();
    const seen = new Set<string>();
    const pageviewsSoFar = new Map<string, number>();
    for (const e of sample) {
      const pv = (pageviewsSoFar.get(e.session_id) ?? 0) + (e.name === 'page_view' ? 1 : 0);
      pageviewsSoFar.set(e.session_id, pv);
      if (pv > 1) expect([e.referrer, e.utm_source, e.source, e.channel]).toEqual(['', '', '', 'Direct']);
      if (seen.has(e.session_id)) continue;
      seen.add(e.session_id);
      channels.set(e.channel, (channels.get(e.channel) ?? 0) + 1);
    }
    for (const c of CHANNELS) expect(channels.get(c) ?? 0, c).toBeGreaterThan(0);
    expect(channels.get('Direct')! / seen.size).toBeLessThan(0.45);
    expect(channels.get('Organic Search')! / seen.size).toBeGreaterThan(0.2);
    expect([...count((e) => e.country).keys()].length).toBeGreaterThan(15);
    expect([...count((e) => e.path).keys()].length).toBeGreaterThan(40);
    const devices = count((e) => e.device_type);
    expect(devices.get('desktop')! > devices.get('mobile')! && devices.get('mobile')! > devices.get('tablet')!).toBe(true);

    const names = new Set(sample.map((e) => e.name));
    for (const n of ['page_view', 'scroll_depth', 'page_exit', 'signup', 'file_download', 'outbound_click', 'purchase'])
      expect(names.has(n), n).toBe(true);
    const purchases = sample.filter((e) => e.name === 'purchase');
    expect(purchases.every((e) => e.revenue_amount! > 0 && /^[A-Z]{3}$/.test(e.revenue_currency))).toBe(true);
    expect(sample.filter((e) => e.name === 'scroll_depth').every((e) => [25, 50, 75, 100].includes(e.scroll_depth!))).toBe(true);
    expect(sample.filter((e) => e.name === 'page_exit').every((e) => e.engaged_ms! > 0)).toBe(true);
  });

  it('derives source and channel from referrer and UTM the same way for every event', () => {
    for (let i = 0; i < sample.length; i += 13) {
      const e = sample[i];
      expect(e.referrer_domain).toBe(referrerDomainOf(e.referrer));
      expect(e.source).toBe(sourceOf(e.utm_source, e.referrer_domain));
      expect(e.channel).toBe(
        channelOf({ referrerDomain: e.referrer_domain, utmSource: e.utm_source, utmMedium: e.utm_medium, utmCampaign: e.utm_campaign }),
      );
      if (e.utm_source && e.name === 'page_view' && e.url.includes('?'))
        expect(new URL(e.url).searchParams.get('utm_source')).toBe(e.utm_source);
    }
  });

  it('follows local-time seasonality, weekly rhythm and growth', () => {
    const byLocalHour = new Array(24).fill(0);
    const byLocalDay = new Array(7).fill(0);
    let firstHalf = 0;
    let secondHalf = 0;
    for (const e of sample) {
      if (e.name !== 'page_view') continue;
      const local = new Date(e.ts + tzOffsetMs('Europe/Berlin', e.ts));
      byLocalHour[local.getUTCHours()]++;
      byLocalDay[local.getUTCDay()]++;
      if (e.ts < END - 30 * DAY) firstHalf++;
      else secondHalf++;
    }
    expect(byLocalHour[14]).toBeGreaterThan(byLocalHour[3] * 5);
    expect(byLocalDay[2]).toBeGreaterThan(byLocalDay[0] * 1.4); // Tuesday vs Sunday
    expect(secondHalf).toBeGreaterThan(firstHalf * 1.1);
  });
});
