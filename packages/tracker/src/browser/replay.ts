/**
 * Tidemark session replay (built to dist/t.replay.js; docs/session-replay.md). The core loads it when the
 * collector names it for this session (the site enabled replay and the session fell in its sample). It:
 * - reads the site's replay settings (GET /api/collect/replay/config), waits for consent where the site
 *   requires it (`tidemark._.consent.replay`, see below), skips excluded paths;
 * - records with rrweb's recorder under strict masking: every input, textarea and select, `data-tm-mask`
 *   and the site's mask selectors masked in the browser; `data-tm-block`, `rr-block` and the site's block
 *   selectors replaced by placeholders; no canvas, no cross-origin iframes;
 * - uploads chunks to POST /api/collect/replay every few seconds and when the page is hidden, gzip where
 *   CompressionStream exists, with a recording id and sequence numbers kept in sessionStorage, so the
 *   recording continues across the session's page loads. They are written there when recording starts and
 *   when the page is hidden or left, not with every chunk (each write costs the page a quarter of a
 *   millisecond); a page that ends without that (a crash) leaves them marked open, and the next page then
 *   starts a new recording rather than reuse sequence numbers.
 *
 * Consent contract (shared with the consent API): `tidemark._.consent` is the object of granted purposes;
 * whoever changes it dispatches `tidemark:consent` on window. Where no consent API is loaded this script
 * provides a minimal `tidemark.consent(purposes)` that does exactly that (kept for the tab's session).
 */
import { record } from '@rrweb/record';
import type { ReplayClientConfig } from '@tidemark/core';
import { recordOptions } from './replay-options';
import type { TrackerInternals } from './internal';
import { compilePatterns } from './util';
import { startUploadWorker, type WorkerAck, type WorkerChunk } from './replay-worker';

type Tidemark = Record<string, any> & { _?: TrackerInternals & { consent?: Record<string, unknown> } };
interface State {
  /** recording id */
  r: string;
  /** next sequence number */
  q: number;
  /** session id the recording belongs to */
  s: string;
  /** started (ms) */
  t: number;
  /** bytes sent */
  b: number;
  /** 1 while a page may be sending chunks past the stored `q` (written with 0 when the page is left). */
  o?: number;
}

const w = window as unknown as Record<string, any>;
const tm = w.tidemark as Tidemark | undefined;
const x = tm?._;
const KEY = 'tidemark_replay';
/** The site's replay settings as last fetched, and when: the session's next pages start without asking again. */
const CONFIG_KEY = 'tidemark_replay_config';
/** As long as the server lets a browser cache them (GET /api/collect/replay/config: max-age=60). */
const CONFIG_MS = 60_000;
const FLUSH_MS = 5000;
const MAX_MS = 60 * 60_000;
/** keepalive bodies share a 64 KiB budget per page: a larger chunk is split. */
const KEEPALIVE_BYTES = 60_000;
/** Chunks shorter than this (characters of JSON) are sent uncompressed when they go from the page's thread. */
const PLAIN_CHARS = 8192;
/** A worker's chunk is split past this many characters (far below the server's 512 KB of gzip per chunk). */
const WORKER_CHARS = 400_000;

let cfg: ReplayClientConfig;
let state: State | undefined;
let buffer: unknown[] = [];
let stop: (() => void) | undefined;
let done = false;
let timer: ReturnType<typeof setInterval> | undefined;
/** Uploads one after another, so sequence numbers follow the order of the events. */
let chain: Promise<unknown> = Promise.resolve();
/**
 * Uploads off the page's thread (replay-worker.ts), started with the page's first chunk that goes out while
 * the page stays (the first flush): a request from the page's thread costs it about as much as starting the
 * worker, and every later chunk through the worker costs it a message. A page left before its first flush
 * starts none. Undefined until then, and where no worker could start (`noWorker`).
 */
let worker: Worker | undefined;
let noWorker = false;
/** Chunks handed to the worker and not yet acknowledged, by sequence number: their events and JSON. */
const pending = new Map<number, { e: unknown[]; t: string }>();

/** sessionStorage read (no value) or write of JSON; storage may be disabled or full, so errors are swallowed. */
function kept<T>(key: string, v?: T): T | undefined {
  try {
    if (v) sessionStorage.setItem(key, JSON.stringify(v));
    else return JSON.parse(sessionStorage.getItem(key) || 'null') || undefined;
  } catch {}
  return undefined;
}
const storage = (v?: State) => kept(KEY, v);

/** The session id inside the collector's attribution id (base64url of "exp\0visitor\0session", then a MAC). */
function sessionOf(aid: string): string {
  try {
    return atob(aid.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/')).split('\0')[2] || '';
  } catch {
    return '';
  }
}

const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

const excluded = () => compilePatterns(cfg.exclude.join(' ')).some((r) => r.test(location.pathname));
const consented = () => !cfg.consent || x?.consent?.replay === true;

/**
 * gzip through CompressionStream where the browser has it. The bytes go in directly: a Blob around the text
 * (and one more just to learn its size) cost the page more than the compression itself (bench/README.md).
 */
async function gzip(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | ArrayBuffer> {
  if (!w.CompressionStream) return data;
  return new Response(new Response(data).body!.pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
}

/** The page is being left: sequence numbers taken from now on are written at once. */
let leaving = false;
/** What `keep` last wrote (sequence number, open flag, bytes): an unchanged state is not written again. */
let written = '';

/**
 * The next sequence number. A hidden page, or one being left, may end at any moment, so its numbers are
 * written at once (closed: exact); a visible page's are written when it is hidden or left.
 */
function next(): number {
  const q = state!.q++;
  if (leaving || document.hidden) keep(false);
  return q;
}

/** The recording's state for the session's next pages: open while later numbers may go unwritten. */
function keep(open: boolean) {
  if (!state) return;
  const key = `${state.q}:${+open}:${state.b}`;
  if (key == written) return;
  written = key;
  storage({ ...state, o: +open });
}

const chunkUrl = (q: number) => {
  const c = x!.c;
  return `${c.api}/api/collect/replay?s=${encodeURIComponent(c.site as string)}&r=${state!.r}&q=${q}&a=${encodeURIComponent(tm!.getAttributionId() || '')}`;
};

/**
 * Sends events as one chunk, or as several when one would not fit a request: through the upload worker
 * while there is one; `now` (the page is hidden or being left), or without a worker, from the page's thread.
 */
async function upload(events: unknown[], now?: boolean): Promise<void> {
  if (!state || !events.length) return;
  const text = JSON.stringify(events);
  if (!worker && !noWorker && !now) {
    worker = startUploadWorker(acknowledged, () => {
      worker = undefined;
      noWorker = true;
      takeBackPending();
    });
    noWorker = !worker;
  }
  const viaWorker = worker && !now;
  // A hidden page may be gone before an asynchronous compression ends: plain JSON then. A small
  // chunk goes plain too: setting up the compression costs the page more than the few bytes it saves.
  const data = viaWorker ? undefined : (new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>);
  const body = !data || now || text.length < PLAIN_CHARS ? data : await gzip(data);
  if ((body ? body.byteLength > KEEPALIVE_BYTES : text.length > WORKER_CHARS) && events.length > 1) {
    const half = events.length >> 1;
    await upload(events.slice(0, half), now);
    return upload(events.slice(half), now);
  }
  const q = next();
  if (!body) {
    pending.set(q, { e: events, t: text });
    worker!.postMessage({ q, u: chunkUrl(q), t: text } satisfies WorkerChunk);
  } else return send(q, body);
}

/** An answer that stops the recording for good (replay off, quota, too large, consent); 429 is retried. */
const refused = (status: number) => status >= 400 && status < 500 && status != 429;

/** One chunk from the page's thread, retried unless the page is being left. */
async function send(q: number, body: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<void> {
  const bytes = body.byteLength;
  state!.b += bytes;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await fetch(chunkUrl(q), {
        method: 'POST',
        body,
        keepalive: bytes <= KEEPALIVE_BYTES,
        headers: { 'content-type': 'text/plain' },
      });
      if (refused(r.status)) return halt();
      if (r.ok) return;
    } catch {}
    if (leaving) return;
    await new Promise((f) => setTimeout(f, 1000 << attempt));
  }
}

/** The worker answered for a chunk: acknowledged (or refused for good, which stops the recording). */
function acknowledged(a: WorkerAck) {
  // No answer at all: kept, and sent again from the page when it unloads.
  if (!a.s) return;
  pending.delete(a.q);
  if (state) state.b += a.b;
  if (refused(a.s)) halt();
}

/**
 * What the worker still holds goes from the page's thread: when the page unloads (the worker dies with it),
 * or when the worker could not start. The same sequence number where the chunk fits one request.
 */
function takeBackPending(now?: boolean) {
  for (const [q, p] of pending) {
    pending.delete(q);
    const data = new TextEncoder().encode(p.t) as Uint8Array<ArrayBuffer>;
    if (now && data.byteLength <= KEEPALIVE_BYTES) void send(q, data);
    else if (now) void upload(p.e, true);
    else chain = chain.then(() => send(q, data));
  }
}

/**
 * Sends what the recorder gathered: on the timer through the chain (and the worker once there is one); when
 * the page is hidden or left, at once from the page's thread (a page being left usually is hidden just
 * before: a chunk handed to the worker then would only be sent again at page hide).
 */
function flush(how?: 'hidden' | 'leave') {
  const events = buffer;
  buffer = [];
  if (state && (Date.now() - state.t > MAX_MS || state.b > cfg.maxBytes)) halt();
  if (how == 'leave') takeBackPending(true);
  if (how) void upload(events, true);
  else if (events.length) chain = chain.then(() => upload(events));
  // Hidden or left: the numbers taken so far are final for now (`next` wrote those it took).
  if (how) keep(false);
  if (how == 'leave') leaving = true;
}

function halt() {
  done = true;
  stop?.();
  stop = undefined;
  clearInterval(timer);
}

function start() {
  if (stop || done || !consented() || excluded()) return;
  const aid = tm!.getAttributionId() as string | null;
  const session = aid && sessionOf(aid);
  if (!session) return void setTimeout(start, 500);
  if (state?.s != session) {
    // A page of the stored recording ended without saying how far it got (`o`): its numbers are not known.
    const stored = storage();
    state = stored && stored.s == session && !stored.o ? stored : { r: randomId(), q: 0, s: session, t: Date.now(), b: 0 };
  }
  if (Date.now() - state.t > MAX_MS || state.b > cfg.maxBytes) return;
  keep(true);
  stop = record(recordOptions(cfg, (e) => void buffer.push(e)));
  timer ||= setInterval(flush, FLUSH_MS);
}

/** A route change of a single-page app: a marker for the timeline, and exclusions apply to the new path. */
function onRoute() {
  if (done) return;
  if (excluded()) {
    flush();
    stop?.();
    stop = undefined;
  } else if (stop) record.addCustomEvent('nav', { href: location.href });
  else start();
}

if (x?.c && !w.__tmReplay) {
  w.__tmReplay = 1;
  // The minimal consent API where none is loaded (see the contract above).
  if (!tm!.consent) {
    x.consent = JSON.parse(sessionStorage.getItem('tidemark_consent') || '{}');
    tm!.consent = (p: Record<string, unknown>) => {
      Object.assign((x.consent ||= {}), p);
      try {
        sessionStorage.setItem('tidemark_consent', JSON.stringify(x.consent));
      } catch {}
      dispatchEvent(new CustomEvent('tidemark:consent', { detail: x.consent }));
    };
  }
  const site = x.c.site as string;
  const known = kept<{ t: number; s: string; c: ReplayClientConfig }>(CONFIG_KEY);
  (known && known.s == site && Date.now() - known.t < CONFIG_MS && known.t <= Date.now()
    ? Promise.resolve(known.c)
    : fetch(`${x.c.api}/api/collect/replay/config?s=${encodeURIComponent(site)}`)
        .then((r) => r.json())
        .then((c: ReplayClientConfig) => (kept(CONFIG_KEY, { t: Date.now(), s: site, c }), c))
  )
    .then((c: ReplayClientConfig) => {
      cfg = c;
      addEventListener('tidemark:consent', () => (consented() ? start() : (flush(), halt())));
      addEventListener('error', () => stop && record.addCustomEvent('error', {}));
      addEventListener('unhandledrejection', () => stop && record.addCustomEvent('error', {}));
      // Hidden: what there is goes out (its numbers are written as they are taken); visible again: open.
      document.addEventListener('visibilitychange', () => (document.hidden ? flush('hidden') : keep(true)));
      addEventListener('pagehide', () => flush('leave'));
      // Back from the back/forward cache: other pages may have gone on with the recording meanwhile.
      addEventListener('pageshow', (e) => {
        if (!e.persisted || !state) return;
        leaving = false;
        const stored = storage();
        if (stored && stored.r == state.r) state.q = Math.max(state.q, stored.q);
        keep(!document.hidden);
      });
      for (const m of ['pushState', 'replaceState'] as const) {
        const original = history[m];
        history[m] = function (this: History, ...args: Parameters<History['pushState']>) {
          original.apply(this, args);
          onRoute();
        };
      }
      addEventListener('popstate', onRoute);
      start();
    })
    .catch(() => {});
}
