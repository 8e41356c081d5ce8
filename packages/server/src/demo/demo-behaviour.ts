import { buildPages, Prng, uuidv7, Weighted } from '@tidemark/testkit';
import type { CanonicalEvent } from '@tidemark/core';

/**
 * What the demo's visitors leave beside their page views, as the behaviour scripts would send it: web
 * vitals (`page_performance`, docs/web-vitals.md) for every page view, heatmap samples (clicks, pointer
 * positions, the deepest scroll; docs/heatmaps.md) for a share of the sessions as a site samples them,
 * frustration signals (rage and dead clicks) and script errors now and then. Every event copies its page
 * view's visitor, session, page and device, and lies a few seconds after it.
 */

/** The share of sessions whose heatmap samples are kept (a site's `heatmap_sample_rate`). */
export const HEATMAP_SESSIONS = 0.35;

interface Target {
  selector: string;
  /** Horizontal centre and half-width, as shares of the page width. */
  x: [number, number];
  /** Vertical centre and half-height, in CSS px from the top of the page. */
  y: [number, number];
  /** How often it is clicked, relative to the page's other targets. */
  weight: number;
  /** Clicking it does nothing (dead clicks land here). */
  inert?: boolean;
}

const HEADER: Target[] = [
  { selector: 'header > a.logo', x: [0.1, 0.04], y: [32, 12], weight: 2 },
  { selector: 'header > nav > a[data-nav="features"]', x: [0.52, 0.03], y: [32, 10], weight: 3 },
  { selector: 'header > nav > a[data-nav="pricing"]', x: [0.6, 0.03], y: [32, 10], weight: 5 },
  { selector: 'header > nav > a[data-nav="docs"]', x: [0.68, 0.03], y: [32, 10], weight: 2 },
  { selector: 'header > a.button.signup', x: [0.88, 0.04], y: [32, 14], weight: 4 },
];

const BY_KIND: Record<string, Target[]> = {
  home: [
    { selector: 'main > section.hero > a.button.primary', x: [0.42, 0.06], y: [430, 18], weight: 10 },
    { selector: 'main > section.hero > a.button.secondary', x: [0.58, 0.06], y: [430, 18], weight: 4 },
    { selector: 'main > section.hero > img.screenshot', x: [0.5, 0.3], y: [700, 140], weight: 3, inert: true },
    { selector: 'main > section.features > div.card', x: [0.5, 0.35], y: [1150, 120], weight: 3, inert: true },
  ],
  pricing: [
    { selector: 'main > div.plans > a[data-plan="starter"]', x: [0.25, 0.06], y: [640, 16], weight: 4 },
    { selector: 'main > div.plans > a[data-plan="growth"]', x: [0.5, 0.06], y: [640, 16], weight: 9 },
    { selector: 'main > div.plans > a[data-plan="business"]', x: [0.75, 0.06], y: [640, 16], weight: 3 },
    { selector: 'main > div.plans > span.price', x: [0.5, 0.3], y: [420, 20], weight: 3, inert: true },
    { selector: 'main > section.faq > details', x: [0.5, 0.3], y: [1100, 160], weight: 4 },
  ],
  signup: [
    { selector: 'main > form#signup > input[name="email"]', x: [0.5, 0.15], y: [360, 14], weight: 8 },
    { selector: 'main > form#signup > input[name="password"]', x: [0.5, 0.15], y: [420, 14], weight: 7 },
    { selector: 'main > form#signup > button', x: [0.5, 0.08], y: [490, 16], weight: 8 },
  ],
  checkout: [
    { selector: 'main > form#checkout > input[name="card"]', x: [0.45, 0.15], y: [380, 14], weight: 6 },
    { selector: 'main > form#checkout > button.pay', x: [0.45, 0.08], y: [560, 18], weight: 7 },
    { selector: 'main > aside.summary', x: [0.8, 0.12], y: [400, 90], weight: 2, inert: true },
  ],
};

const CONTENT: Target[] = [
  { selector: 'main > article > a', x: [0.45, 0.25], y: [900, 500], weight: 4 },
  { selector: 'main > article > pre', x: [0.45, 0.25], y: [1200, 300], weight: 2, inert: true },
  { selector: 'main > aside.toc > a', x: [0.85, 0.06], y: [400, 200], weight: 3 },
];

/** Each page kind's click targets by weight ('' for the content pages: blog, docs and the rest). */
const TARGETS = new Map(
  [...Object.entries(BY_KIND), ['', CONTENT] as const].map(([kind, own]) => {
    const all = [...HEADER, ...own];
    return [
      kind,
      new Weighted(
        all,
        all.map((t) => t.weight),
      ),
    ];
  }),
);

const ERRORS = [
  {
    message: "TypeError: Cannot read properties of undefined (reading 'price')",
    source: '/assets/pricing.js',
    line: 118,
    column: 23,
    pages: ['pricing'],
  },
  { message: 'ReferenceError: Intercom is not defined', source: '/assets/chat.js', line: 4, column: 1, pages: ['home', 'docs', 'doc'] },
  { message: 'Error: Payment widget failed to load', source: '/assets/checkout.js', line: 57, column: 11, pages: ['checkout'] },
];

/** Page height by kind, px (what `page_height` says and how far the page can be scrolled). */
export const HEIGHT: Record<string, number> = { home: 2600, pricing: 1800, signup: 900, checkout: 1100, login: 800, contact: 1000 };

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Each generated page's kind, from the traffic catalogue (a page's kind does not depend on the site's name). */
const KIND_BY_PATH = new Map(buildPages('').map((p) => [p.path, p.kind]));

/** The kind of a generated page ('' for a path the catalogue does not have). */
export const kindOf = (path: string): string => KIND_BY_PATH.get(path) ?? '';

/** The share of heatmap-sampled sessions of the last RECORDED_DAYS that the demo also records, and at most how many. */
export const REPLAY_SESSIONS = 0.3;
const RECORDED_DAYS = 2;
const MAX_RECORDINGS = 150;

/** One recorded session: its page views, each with the behaviour events generated for it. */
export interface SessionTrace {
  visitor_id: string;
  session_id: string;
  country: string;
  device: string;
  browser: string;
  pages: Array<{ view: CanonicalEvent; events: CanonicalEvent[] }>;
}

export interface DemoBehaviour {
  /** The behaviour events of a batch's page views. */
  of(events: CanonicalEvent[]): CanonicalEvent[];
  /** The sessions to record, with what they did (demo-recordings.ts turns them into recordings). */
  recorded(): SessionTrace[];
}

interface Sessions {
  /** Whether a session is in the heatmap sample, decided at its first page view. */
  sampled: Map<string, boolean>;
  traces: Map<string, SessionTrace>;
}

/**
 * A source of the events the behaviour scripts would add to page views, batch after batch of the generated
 * traffic (a session split between two batches stays in or out of the samples); deterministic for a seed.
 */
export function demoBehaviour(seed: number | string, end: number): DemoBehaviour {
  const rng = new Prng(`${seed}:behaviour`);
  const sessions: Sessions = { sampled: new Map(), traces: new Map() };
  return { of: (events) => behaviourOf(events, rng, sessions, end), recorded: () => [...sessions.traces.values()] };
}

/** `end`: the generated window's end; nothing lies at or after it (a page view just before it gets its events squeezed in). */
function behaviourOf(events: CanonicalEvent[], rng: Prng, sessions: Sessions, end: number): CanonicalEvent[] {
  const { sampled, traces } = sessions;
  const out: CanonicalEvent[] = [];
  for (const pv of events) {
    if (pv.name !== 'page_view') continue;
    const first = out.length;
    const kind = kindOf(pv.path);
    const mobile = pv.device_type === 'mobile';
    const width = pv.viewport_w ?? (mobile ? 390 : 1440);
    const height = HEIGHT[kind] ?? 2200;
    const at = (offset: number, name: string): CanonicalEvent => {
      const ts = Math.max(pv.ts, Math.min(pv.ts + offset, end - 1));
      return { ...pv, event_id: uuidv7(ts, rng), ts, name, props: {}, referrer: '' };
    };

    // Web vitals: slower on phones, on heavier pages and for some visits.
    const slow = (mobile ? 1.6 : 1) * (kind === 'home' || kind === 'checkout' ? 1.25 : 1);
    const vitals = at(rng.int(4000, 30000), 'page_performance');
    const ttfb = Math.round(rng.logNormal(180 * slow, 0.5));
    const fcp = ttfb + Math.round(rng.logNormal(700 * slow, 0.45));
    vitals.props = {
      ttfb: String(ttfb),
      fcp: String(fcp),
      lcp: String(fcp + Math.round(rng.logNormal(500 * slow, 0.7))),
      cls: (rng.chance(0.6) ? rng.next() * 0.05 : rng.logNormal(0.08 * slow, 0.8)).toFixed(3),
      navigation_type: rng.chance(0.9) ? 'navigate' : 'reload',
    };
    if (rng.chance(0.7)) vitals.props.inp = String(Math.round(rng.logNormal(120 * slow, 0.6)));
    out.push(vitals);

    const error = ERRORS.find((e) => e.pages.includes(kind));
    if (error && rng.chance(0.02)) {
      const e = at(rng.int(500, 4000), 'error_occurred');
      e.props = {
        message: error.message,
        source: `https://${pv.host}${error.source}`,
        line: String(error.line),
        column: String(error.column),
        fingerprint: `demo-${ERRORS.indexOf(error)}`,
      };
      out.push(e);
    }

    if (!sampled.has(pv.session_id)) {
      sampled.set(pv.session_id, rng.chance(HEATMAP_SESSIONS));
      const recent = pv.ts >= end - RECORDED_DAYS * 86_400_000;
      if (sampled.get(pv.session_id) && recent && traces.size < MAX_RECORDINGS && rng.chance(REPLAY_SESSIONS))
        traces.set(pv.session_id, {
          visitor_id: pv.visitor_id,
          session_id: pv.session_id,
          country: pv.country,
          device: pv.device_type,
          browser: pv.browser,
          pages: [],
        });
    }
    const targets = TARGETS.get(kind) ?? TARGETS.get('')!;
    const point = (t: Target) => ({
      x: Math.round(clamp((t.x[0] + (rng.next() * 2 - 1) * t.x[1]) * width, 0, width - 1)),
      y: Math.round(clamp(t.y[0] + (rng.next() * 2 - 1) * t.y[1], 0, height - 1)),
    });
    const sample = (offset: number, name: string, t?: Target) => {
      const e = at(offset, name);
      e.props = { page_height: String(height), page_width: String(width) };
      if (t) Object.assign(e, point(t), { selector: t.selector });
      return e;
    };

    let offset = rng.int(800, 3000);
    const clicks = rng.poisson(1.4);
    for (let i = 0; i < clicks; i++) {
      const t = targets.pick(rng);
      if (sampled.get(pv.session_id)) {
        // The pointer's way there, at most one position per 100 ms as the script sends them.
        for (let m = rng.int(2, 6); m > 0; m--) out.push(sample(offset - m * 150, 'heatmap_move', t));
        out.push(sample(offset, 'heatmap_click', t));
      }
      // Frustration signals come from every session (the core sends them), on what the visitor clicked.
      if (t.inert && rng.chance(0.25)) out.push(sample(offset + 1000, 'dead_click', t));
      else if (rng.chance(0.012)) {
        const burst = sample(offset + 400, 'rage_click', t);
        burst.props = { count: String(rng.int(3, 7)) };
        out.push(burst);
      }
      offset += rng.int(1500, 6000);
    }
    if (sampled.get(pv.session_id)) {
      const scroll = sample(offset + 500, 'heatmap_scroll');
      scroll.scroll_depth = Math.round(clamp(rng.logNormal(55, 0.5), 5, 100));
      out.push(scroll);
    }
    traces.get(pv.session_id)?.pages.push({ view: pv, events: out.slice(first) });
  }
  return out;
}
