import type { CanonicalEvent } from '@tidemark/core';
import { Prng, Weighted } from './prng';
import { randomHex, uuidv7 } from './uuid';
import { channelOf, referrerDomainOf, sourceOf } from './channel';
import { buildPages, NEXT_KIND, PagePicker, type Page, type PageKind } from './catalog/pages';
import { pickAcquisition, utmQuery } from './catalog/sources';
import { PLACES, type Place } from './catalog/geo';
import { pickDevice, type Device } from './catalog/tech';
import { DAY_MS, HOUR_MS, HOUR_WEIGHTS, WEEKDAY_WEIGHTS, tzOffsetMs } from './time';

export interface TrafficOptions {
  siteId: string;
  /** Length of the window in days; the window is [end - days, end). */
  days: number;
  /** End of the window (exclusive), ms. Pass it explicitly for reproducible output. */
  end?: number;
  /** Same seed + same options = the same events, byte for byte. */
  seed?: number | string;
  /** Average visitors per day (before weekday/hour seasonality and growth). */
  visitorsPerDay?: number;
  /** Alternatively, roughly how many events to produce in total (within a few %). */
  totalEvents?: number;
  /** The site's IANA timezone: seasonality follows local time. Default 'UTC'. */
  timezone?: string;
  host?: string;
  siteName?: string;
  /** Relative growth from the first to the last day (0.4 = +40%). */
  growth?: number;
  /** Share of daily visitors who were seen on an earlier day (same visitor_id, device and place). */
  returningShare?: number;
}

interface Resolved {
  siteId: string;
  days: number;
  end: number;
  start: number;
  seed: number | string;
  visitorsPerDay: number;
  timezone: string;
  host: string;
  siteName: string;
  growth: number;
  returningShare: number;
}

interface Visitor {
  id: string;
  device: Device;
  place: Place;
  language: string;
  /** Time of the visitor's last generated event: a returning visit must start after its session timed out. */
  lastSeen: number;
}

/**
 * Acquisition as the collector stores it. Only the landing page's events carry the external referrer
 * and UTM tags; later pages were reached from the site itself, a referrer the collector clears, so
 * they look direct (reports attribute a session by its first event).
 */
interface Acquired {
  referrer: string;
  referrerDomain: string;
  source: string;
  channel: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
}

const INTERNAL: Acquired = {
  referrer: '',
  referrerDomain: '',
  source: '',
  channel: 'Direct',
  utm_source: '',
  utm_medium: '',
  utm_campaign: '',
  utm_term: '',
  utm_content: '',
};

/** Shared by the events of one session. */
interface SessionFields {
  visitorId: string;
  sessionId: string;
  userId: string;
  /** Acquisition of the page being viewed: the landing page's, then INTERNAL. */
  acq: Acquired;
  visitor: Visitor;
}

/** Shared by events without properties (most of them); frozen so no consumer can change it for all. */
const NO_PROPS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const SPIKE_P = 0.03;
const SESSION_GAP_MS = 30 * 60_000;
const SCROLL_DEPTHS: Record<'deep' | 'shallow', Weighted<number>> = {
  deep: Weighted.of([
    [0, 10],
    [25, 20],
    [50, 25],
    [75, 25],
    [100, 20],
  ]),
  shallow: Weighted.of([
    [0, 30],
    [25, 30],
    [50, 20],
    [75, 12],
    [100, 8],
  ]),
};
const PLANS = Weighted.of([
  ['free', 70],
  ['pro', 25],
  ['team', 5],
]);
const PRICES = Weighted.of<[string, string, number]>([
  [['pro', 'monthly', 19], 45],
  [['pro', 'yearly', 190], 20],
  [['team', 'monthly', 49], 20],
  [['team', 'yearly', 490], 8],
  [['enterprise', 'yearly', 2400], 2],
]);
const CURRENCIES = Weighted.of([
  ['USD', 75],
  ['EUR', 18],
  ['GBP', 7],
]);
const DOWNLOADS = [
  'tidemark-2.1.0-linux-amd64.tar.gz',
  'tidemark-2.1.0-darwin-arm64.tar.gz',
  'docker-compose.yml',
  'tidemark-whitepaper.pdf',
];
const OUTBOUND = [
  'https://github.com/tidemark/tidemark',
  'https://twitter.com/tidemark',
  'https://discord.gg/tidemark',
  'https://www.npmjs.com/package/tidemark',
];

/** The traffic of one site, in time order: page views, scroll and exit pings, custom events. */
export function* generateTraffic(options: TrafficOptions): Generator<CanonicalEvent> {
  for (const chunk of generateChunks(options)) yield* chunk;
}

/** The same events in arrays of up to `batchSize` (bulk loading). */
export function* generateTrafficBatches(options: TrafficOptions, batchSize = 10_000): Generator<CanonicalEvent[]> {
  let pending: CanonicalEvent[] = [];
  for (const chunk of generateChunks(options)) {
    for (let i = 0; i < chunk.length; ) {
      const take = Math.min(batchSize - pending.length, chunk.length - i);
      for (let j = 0; j < take; j++) pending.push(chunk[i + j]);
      i += take;
      if (pending.length === batchSize) {
        yield pending;
        pending = [];
      }
    }
  }
  if (pending.length) yield pending;
}

/**
 * Sorted arrays, one per hour of the window. Hour-sized chunks keep events short-lived (they die in
 * the young generation instead of being promoted), which matters at tens of millions of events.
 */
export function* generateChunks(options: TrafficOptions): Generator<CanonicalEvent[]> {
  const o = resolve(options);
  const gen = new TrafficGenerator(o, new Prng(o.seed));
  let carry: CanonicalEvent[] = [];
  const hours = o.days * 24;
  for (let h = 0; h < hours; h++) {
    const hourStart = o.start + h * HOUR_MS;
    const hourEnd = Math.min(hourStart + HOUR_MS, o.end);
    if (h % 24 === 0) gen.startDay(h / 24);
    const buf = carry;
    gen.hour(h % 24, hourStart, buf);
    const sorted = sortByTs(buf, hourStart);
    let cut = sorted.length;
    while (cut > 0 && sorted[cut - 1].ts >= hourEnd) cut--;
    carry = h === hours - 1 ? [] : sorted.slice(cut); // events past the window's end have not happened yet
    sorted.length = cut;
    if (sorted.length) yield sorted;
  }
}

/**
 * Stable sort by ts without a comparator: (ts offset, index) packed into one double and sorted as a
 * typed array, several times faster than Array#sort with a callback.
 */
function sortByTs(events: CanonicalEvent[], base: number): CanonicalEvent[] {
  const n = events.length;
  const keys = new Float64Array(n);
  const IDX = 2 ** 22; // room for 4M events per chunk; offsets up to ~2^31 ms (~24 days)
  for (let i = 0; i < n; i++) keys[i] = (events[i].ts - base) * IDX + i;
  keys.sort();
  const out = new Array<CanonicalEvent>(n);
  for (let i = 0; i < n; i++) out[i] = events[keys[i] % IDX];
  return out;
}

function resolve(options: TrafficOptions): Resolved {
  if (!options.siteId) throw new Error('generateTraffic: siteId is required');
  if (!(options.days > 0)) throw new Error('generateTraffic: days must be > 0');
  const days = Math.ceil(options.days);
  const end = options.end ?? Date.now();
  const base: Resolved = {
    siteId: options.siteId,
    days,
    end,
    start: end - days * DAY_MS,
    seed: options.seed ?? 1,
    visitorsPerDay: options.visitorsPerDay ?? 500,
    timezone: options.timezone ?? 'UTC',
    host: options.host ?? 'www.example.com',
    siteName: options.siteName ?? 'Tidemark Demo',
    growth: options.growth ?? 0.4,
    returningShare: options.returningShare ?? 0.25,
  };
  if (options.totalEvents !== undefined) {
    if (options.visitorsPerDay !== undefined) throw new Error('generateTraffic: give visitorsPerDay or totalEvents, not both');
    base.visitorsPerDay = options.totalEvents / (days * eventsPerVisitor(base));
  }
  return base;
}

/** Mean events per visitor-day, measured on a sample drawn from an unrelated stream. */
function eventsPerVisitor(o: Resolved): number {
  const g = new TrafficGenerator(o, new Prng(`calibrate:${o.seed}`));
  const sink: CanonicalEvent[] = [];
  const n = 20_000;
  for (let i = 0; i < n; i++) g.visitorDay(o.start + 12 * HOUR_MS, sink);
  return sink.length / n;
}

class TrafficGenerator {
  private readonly pages: Page[];
  private readonly picker: PagePicker;
  private readonly pool: Visitor[] = [];
  private poolNext = 0;
  private readonly poolCap: number;

  constructor(
    private readonly o: Resolved,
    private readonly rng: Prng,
  ) {
    this.pages = buildPages(o.siteName);
    this.picker = new PagePicker(this.pages);
    this.poolCap = Math.max(1000, Math.min(300_000, Math.round(o.visitorsPerDay * 20)));
  }

  private hourWeights: number[] = [];
  private dayFactor = 0;

  /**
   * Per-day traffic level and hourly shape: growth trend, weekday/hour seasonality in the site's
   * timezone, a few spike days (launches, front-page mentions) and day-to-day noise, all normalised so
   * the window averages exactly `visitorsPerDay` (which makes a `totalEvents` target accurate).
   */
  private planDays(): Array<{ hours: number[]; level: number }> {
    const { o, rng } = this;
    const spikes = new Map<number, number>();
    const spikeCount = Math.round(o.days * SPIKE_P);
    while (spikes.size < Math.min(spikeCount, o.days)) spikes.set(rng.int(0, o.days - 1), 1.8 + rng.next() * 1.4);
    const plan: Array<{ hours: number[]; level: number }> = [];
    let total = 0;
    for (let d = 0; d < o.days; d++) {
      const dayStart = o.start + d * DAY_MS;
      const hours: number[] = [];
      for (let h = 0; h < 24; h++) {
        const t = dayStart + h * HOUR_MS + HOUR_MS / 2;
        const local = new Date(t + tzOffsetMs(o.timezone, t));
        hours.push(HOUR_WEIGHTS[local.getUTCHours()] * WEEKDAY_WEIGHTS[local.getUTCDay()]);
      }
      const x = o.days > 1 ? d / (o.days - 1) : 0.5;
      const level = (1 + o.growth * x) * (spikes.get(d) ?? 1) * Math.exp(0.08 * rng.normal());
      total += (level * hours.reduce((a, w) => a + w, 0)) / 24;
      plan.push({ hours, level });
    }
    for (const p of plan) p.level *= (o.visitorsPerDay * o.days) / total;
    return plan;
  }

  private plan: Array<{ hours: number[]; level: number }> | undefined;

  startDay(d: number): void {
    this.plan ??= this.planDays();
    this.hourWeights = this.plan[d].hours;
    this.dayFactor = this.plan[d].level;
  }

  /** Visitors whose first session starts in hour `h` of the current day. */
  hour(h: number, hourStart: number, out: CanonicalEvent[]): void {
    const rng = this.rng;
    const visitors = rng.poisson((this.dayFactor * this.hourWeights[h]) / 24);
    for (let i = 0; i < visitors; i++) this.visitorDay(hourStart + Math.floor(rng.next() * HOUR_MS), out);
  }

  /** One visitor's day: 1–3 sessions, separated by more than the 30-minute session timeout. */
  visitorDay(firstStart: number, out: CanonicalEvent[]): void {
    const rng = this.rng;
    const visitor = this.visitor(firstStart);
    const sessions = rng.chance(0.85) ? 1 : rng.chance(0.75) ? 2 : 3;
    let start = firstStart;
    for (let s = 0; s < sessions; s++) {
      const last = this.session(visitor, start, s > 0, out);
      visitor.lastSeen = last;
      start = last + (31 + Math.floor(rng.logNormal(90, 0.9))) * 60_000;
    }
  }

  private visitor(start: number): Visitor {
    const rng = this.rng;
    if (this.pool.length > 200 && rng.chance(this.o.returningShare)) {
      const v = this.pool[Math.floor(rng.next() * this.pool.length)];
      if (v.lastSeen + SESSION_GAP_MS < start) return v;
    }
    const place = PLACES.pick(rng);
    const v: Visitor = { id: randomHex(16, rng), device: pickDevice(rng), place, language: place.languages.pick(rng), lastSeen: 0 };
    if (this.pool.length < this.poolCap) this.pool.push(v);
    else {
      this.pool[this.poolNext] = v;
      this.poolNext = (this.poolNext + 1) % this.poolCap;
    }
    return v;
  }

  /** Emits one session's events and returns the time of its last event. */
  private session(visitor: Visitor, start: number, returning: boolean, out: CanonicalEvent[]): number {
    const rng = this.rng;
    const acq = pickAcquisition(rng, returning);
    const referrerDomain = referrerDomainOf(acq.referrer);
    const landing: Acquired = {
      referrer: acq.referrer,
      referrerDomain,
      source: sourceOf(acq.utm_source, referrerDomain),
      channel: channelOf({ referrerDomain, utmSource: acq.utm_source, utmMedium: acq.utm_medium, utmCampaign: acq.utm_campaign }),
      utm_source: acq.utm_source,
      utm_medium: acq.utm_medium,
      utm_campaign: acq.utm_campaign,
      utm_term: acq.utm_term,
      utm_content: acq.utm_content,
    };
    const s: SessionFields = { visitorId: visitor.id, sessionId: randomHex(16, rng), userId: '', acq: landing, visitor };
    const pageviews = rng.chance(acq.bounce) ? 1 : Math.min(25, 2 + rng.geometric(0.35));
    let page = this.picker.of(acq.entry.pick(rng)).pick(rng);
    let t = start;
    let last = t;
    for (let k = 0; k < pageviews; k++) {
      if (k > 0) {
        s.acq = INTERNAL;
        let next = this.picker.of(NEXT_KIND[page.kind].pick(rng)).pick(rng);
        if (next === page) next = this.picker.of(NEXT_KIND[page.kind].pick(rng)).pick(rng);
        page = next;
      }
      const url = k === 0 ? `https://${this.o.host}${page.path}${utmQuery(acq)}` : `https://${this.o.host}${page.path}`;
      out.push(this.event(s, 'page_view', t, page, url));
      // Time on page: median ~40 s, long tail, capped so the next pageview stays inside the session timeout.
      const dwell = Math.round(Math.min(25 * 60_000, Math.max(2_000, rng.logNormal(40_000, 1.1))));
      this.interactions(s, page, url, t, dwell, out);
      if (rng.chance(0.85)) {
        const exit = this.event(s, 'page_exit', t + dwell, page, url);
        exit.engaged_ms = Math.round(dwell * (0.45 + rng.next() * 0.5));
        out.push(exit);
        last = t + dwell;
      } else last = Math.max(last, t);
      t += dwell + rng.int(200, 3_000);
    }
    return Math.max(last, t);
  }

  private interactions(s: SessionFields, page: Page, url: string, t: number, dwell: number, out: CanonicalEvent[]): void {
    const rng = this.rng;
    const depth = (page.kind === 'post' || page.kind === 'doc' ? SCROLL_DEPTHS.deep : SCROLL_DEPTHS.shallow).pick(rng);
    if (depth >= 25 && rng.chance(0.85)) {
      const e = this.event(s, 'scroll_depth', t + Math.round(dwell * (0.2 + rng.next() * 0.6)), page, url);
      e.scroll_depth = depth;
      out.push(e);
    }
    const at = t + Math.round(dwell * 0.85);
    const kind: PageKind = page.kind;
    if (kind === 'signup' && rng.chance(0.3)) {
      s.userId = `user_${randomHex(10, rng)}`;
      const e = this.event(s, 'signup', at, page, url);
      e.props = { plan: PLANS.pick(rng) };
      out.push(e);
    } else if (kind === 'checkout' && rng.chance(0.35)) {
      const [plan, billing, usd] = PRICES.pick(rng);
      const currency = CURRENCIES.pick(rng);
      const e = this.event(s, 'purchase', at, page, url);
      e.revenue_amount = currency === 'USD' ? usd : currency === 'EUR' ? Math.round(usd * 0.92) : Math.round(usd * 0.79);
      e.revenue_currency = currency;
      e.props = { plan, billing };
      out.push(e);
    } else if (kind === 'doc' && (page.path.includes('/installation') || page.path.includes('/self-hosting/')) && rng.chance(0.15)) {
      // As the tracker reports a click on a file link.
      const file = rng.pick(DOWNLOADS);
      const e = this.event(s, 'file_download', at, page, url);
      e.props = { href: `https://${this.o.host}/downloads/${file}`, filename: file, extension: file.slice(file.lastIndexOf('.') + 1) };
      out.push(e);
    } else if ((kind === 'post' || kind === 'doc' || kind === 'home') && rng.chance(0.03)) {
      const e = this.event(s, 'outbound_click', at, page, url);
      e.props = { href: rng.pick(OUTBOUND) };
      out.push(e);
    }
  }

  private event(s: SessionFields, name: string, ts: number, page: Page, url: string): CanonicalEvent {
    const v = s.visitor;
    const d = v.device;
    const a = s.acq;
    return {
      event_id: uuidv7(ts, this.rng),
      site_id: this.o.siteId,
      ts,
      received_at: ts + 30 + (this.rng.u32() % 1500),
      name,
      visitor_id: s.visitorId,
      session_id: s.sessionId,
      user_id: s.userId,
      url,
      host: this.o.host,
      path: page.path,
      title: page.title,
      referrer: a.referrer,
      referrer_domain: a.referrerDomain,
      source: a.source,
      utm_source: a.utm_source,
      utm_medium: a.utm_medium,
      utm_campaign: a.utm_campaign,
      utm_term: a.utm_term,
      utm_content: a.utm_content,
      channel: a.channel,
      country: v.place.country,
      region: v.place.region,
      city: v.place.city,
      browser: d.browser,
      browser_version: d.browser_version,
      os: d.os,
      os_version: d.os_version,
      device_type: d.device_type,
      screen_w: d.screen_w,
      screen_h: d.screen_h,
      viewport_w: d.viewport_w,
      viewport_h: d.viewport_h,
      language: v.language,
      timezone: v.place.timezone,
      props: NO_PROPS,
      revenue_amount: null,
      revenue_currency: '',
      x: null,
      y: null,
      selector: '',
      scroll_depth: null,
      engaged_ms: null,
    };
  }
}
