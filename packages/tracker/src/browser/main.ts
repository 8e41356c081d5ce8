/**
 * Tidemark browser tracker, core (built to dist/t.js). Wire format and behaviour: packages/tracker/README.md.
 * Scroll milestones, page_exit, outbound/download/form tracking, auto-identify, excluded paths and privacy-mode
 * hashing live in t.auto.js (auto.ts), which this file loads when one of them is on. Size matters (budget test: 2,000 bytes gzip), so the code favours
 * short shapes over abstractions.
 */
import type { TrackerEvent, TrackerInternals } from './internal';
import { readConfig, uuid7, type Props, type TrackerConfig } from './util';

type Api = Record<string, (...args: any[]) => unknown>;

const w = window as unknown as Record<string, any>;
const d = document;
const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
const loc = location;
const now = Date.now;
const on = (target: EventTarget, type: string, fn: (e: any) => void) => target.addEventListener(type, fn, true);
const src = (d.currentScript as HTMLScriptElement | null)?.src;
const dataset = (d.currentScript as HTMLScriptElement | null)?.dataset;
/** Commands the asynchronous loader queued before this script arrived. */
const queued: IArguments[] = w.tidemark?.q || [];
const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;

let cfg: TrackerConfig | undefined;
let queue: TrackerEvent[] = [];
let timer: ReturnType<typeof setTimeout> | 0 = 0;
let failures = 0;
/** Truthy when nothing may be sent (Do Not Track / GPC, opt-out). */
let silenced: unknown;
let visitorId: string | undefined;
/** The collector's latest attribution id for this visitor and session (docs/revenue.md); memory only. */
let aid: unknown;
let userId: string | undefined;
let traits: Props | undefined;
const shared: Props = {};
const loaded: Record<string, HTMLScriptElement> = {};
/** Page fields of the current page view; every event carries them. */
let page: Props;
let pageUrl = '';
let pagePath: string;
/** Settles once t.auto.js has loaded (or failed to); with privacy mode or exclusions, events wait for its filter. */
let extension: Promise<unknown> = Promise.resolve();

/** localStorage get (v undefined) / set / remove (v ''); storage may be disabled, so errors are swallowed. */
function store(key: string, v?: string): any {
  try {
    return localStorage[v == null ? 'getItem' : v ? 'setItem' : 'removeItem']('tidemark_' + key, v!);
  } catch {}
}

/** Do Not Track or Global Privacy Control is on and the site respects it (the default). */
const dnt = () => cfg!.respectDnt && (nav.doNotTrack == '1' || nav.globalPrivacyControl);

const routePath = () => loc.pathname + (cfg?.hash ? loc.hash : '');

function track(name: unknown, props?: Props) {
  const c = cfg;
  if (!c || !name || silenced) return;
  const e: TrackerEvent = {
    event_id: uuid7(),
    name: name + '',
    timestamp: now(),
    properties: { ...page, user_id: userId, ...shared, ...props },
    context: {
      screen_width: screen.width,
      screen_height: screen.height,
      viewport_width: innerWidth,
      viewport_height: innerHeight,
      timezone,
      language: nav.language,
      // Automation is a bot to the collector.
      webdriver: nav.webdriver,
      // For the device type: an iPad asking for the desktop site sends a Mac's user agent but has touch.
      // (userAgentData.mobile would not fit the size budget; Chromium sends it as Sec-CH-UA-Mobile anyway.)
      touch: nav.maxTouchPoints,
    },
  };
  // Privacy mode and excluded paths are t.auto.js's filter: until it is there the event waits; if it never
  // comes (failed to load) the event is not sent, so an e-mail address never leaves unhashed.
  if (c.privacyMode || c.exclude)
    extension
      .then(() => internals.f!(e))
      .then(
        (ok) => ok && enqueue(e),
        () => {},
      );
  else enqueue(e);
}

function enqueue(e: TrackerEvent) {
  const c = cfg!;
  if (e.name == 'identify') {
    userId = e.properties.user_id as string;
    if (!c.cookieless) store('uid', userId);
  }
  queue.push(e);
  if (c.debug) console.log(e);
  // Events of a hidden page go out at once: the page may never run another timer.
  if (d.hidden || queue[(c.batchSize as number) - 1]) flush();
  else timer ||= setTimeout(flush, c.intervalStart as number);
}

function flush() {
  clearTimeout(timer);
  timer = 0;
  while (queue[0]) send(queue.splice(0, cfg!.batchSize as number));
}

function send(events: TrackerEvent[]) {
  const c = cfg!;
  const url = c.api + '/api/collect';
  // A string body is sent as text/plain: a "simple" cross-origin request, no preflight.
  const body = JSON.stringify({ site_id: c.site, sent_at: now(), events, visitor: visitorId && { id: visitorId } });
  // keepalive: the request outlives the page (every supported browser has it; sendBeacon is not needed).
  fetch(url, { method: 'POST', body, keepalive: true })
    .then((r) => {
      if (r.status > 499 || r.status == 429) throw 0;
      failures = 0;
      // An answer that cannot be read is retried like a failed send (the ids make a repeat harmless).
      return r.json();
    })
    // x: the extensions the server chose for this site and session (heatmaps, replay …; docs/tracker-extensions.md).
    .then((j) => {
      aid = j.aid || aid;
      src && j.x?.map(load);
    })
    .catch(() => {
      // Back off 1, 2, 4, 8, 16 s; events keep their ids, so a retry of a batch that did arrive is deduplicated.
      if (failures < 5) {
        queue.unshift(...events);
        clearTimeout(timer);
        timer = setTimeout(flush, 1000 << failures++);
      } else failures = 0;
    });
}

/** Adds t.<name>.js, served beside this script, once per page (callers make sure there is a src). */
const load = (name: string) =>
  (loaded[name] ||= d.head.appendChild(
    Object.assign(d.createElement('script'), { src: src!.replace(/t\.js(\?|$)/, 't.' + name + '.js$1') }),
  ));

/** Starts a page view: the page fields every later event carries. */
function newPage() {
  page = { url: loc.href, path: (pagePath = routePath()), title: d.title, referrer: pageUrl || d.referrer };
  pageUrl = loc.href;
}

function pageView(props?: Props) {
  internals.e?.(); // t.auto.js: page_exit of the page view that ends
  newPage();
  track('page_view', props);
}

const onNavigate = () => cfg!.autoTrack && routePath() != pagePath && pageView();

function useStorage() {
  if (!cfg!.cookieless && !silenced) {
    store('vid', (visitorId = store('vid') || uuid7()));
    userId ||= store('uid');
  }
}

function init(site?: string, options?: Props) {
  if (cfg) return;
  const c = readConfig({ api: new URL(src || loc.href).origin }, dataset, options, site ? { site } : undefined);
  if (!c.site) return; // loader: wait for tidemark('init', id)
  cfg = internals.c = c;
  silenced = dnt() || store('optout');
  useStorage();
  if (c.interactions || c.privacyMode || c.autoIdentify || c.exclude)
    // Without a script URL (inlined copy) there is nothing to load: the promise rejects and events that
    // need t.auto.js's filter are not sent, as when it fails to load.
    extension = new Promise((done) => (load('auto').onload = load('auto').onerror = done));
  for (const m of ['pushState', 'replaceState'] as const) {
    const original = history[m];
    history[m] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      onNavigate();
    };
  }
  on(w as unknown as Window, 'popstate', onNavigate);
  if (c.hash) on(w as unknown as Window, 'hashchange', onNavigate);
  on(d, 'visibilitychange', () => {
    if (d.hidden) flush();
  });
  // The first page view goes out at once (or as soon as t.auto.js, and t.mp.js when it adopts a visitor id
  // from a cross-domain link, are there): its answer names the extensions (replay, heatmaps), which then
  // see the page's first seconds instead of starting after the batching interval.
  c.autoTrack ? (pageView(), extension || flush()) : newPage();
}

// s: sends what is queued now (t.mp.js's sendData).
const internals = { t: track, s: flush } as TrackerInternals;

const api: Api = {
  _: internals as never,
  init,
  track,
  trackEvent: track,
  trackPageView: pageView,
  identify: (id: unknown, t?: Props) => {
    if (id) {
      userId = id + '';
      traits = t;
      track('identify', { ...t, user_id: userId });
    }
  },
  // The collector reads a revenue event's amount and currency (docs/revenue.md).
  revenue: (p?: Props) => track('revenue', p),
  goal: (name: unknown, props?: Props) => track(name, { ...props, goal: true }),
  // (key, value), or an object of properties
  addSharedProperty: (key: any, value?: unknown) => Object.assign(shared, key.substr ? { [key]: value } : key),
  getVisitorId: () => visitorId || null,
  getAttributionId: () => aid || null,
  isIdentified: () => !!userId,
  getUserIdentity: () => (userId ? { user_id: userId, traits } : null),
  getConfig: () => cfg,
  endSession: () => {
    track('session_end');
    flush();
  },
  optOut: () => {
    silenced = 1;
    queue = [];
    store('optout', '1');
    store('vid', '');
    store('uid', '');
    visitorId = undefined;
  },
  optIn: () => {
    store('optout', '');
    if (cfg) {
      silenced = dnt();
      useStorage();
    }
  },
};

// Calls by name go through the object, so methods an extension wraps or adds (t.mp.js) answer them too.
const tidemark: Api & ((method: string, ...args: unknown[]) => unknown) = Object.assign(
  (method: string, ...args: unknown[]) => tidemark[method]?.(...args),
  api,
);
// A second copy of the script on the same page (snippet pasted twice) stays inert.
if (!w.tidemark?._) {
  // window.MetricPal: the same API under the name pages written for MetricPal call.
  w.tidemark = w.MetricPal = tidemark;
  init();
  // Replay the loader's queue, init first (a second init is a no-op).
  for (const a of [...queued.filter((a) => a[0] == 'init'), ...queued]) tidemark(...(a as unknown as [string]));
}
// The running copy may be the loader's, still waiting for a site: a snippet copy that names one configures it.
else if (dataset?.site) w.tidemark.init(0, { api: new URL(src!).origin, ...dataset });
