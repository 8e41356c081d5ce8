/**
 * t.experiment.js: experiments (docs/experiments.md). Included by pages that run experiments, beside the
 * snippet or instead of it (it then adds t.js with its own data-* attributes). It adds
 * `tidemark.experiment(key)`, a promise of the visitor's variant (null when the page is not told one):
 * visitor ids are computed by the collector (the cookieless hash needs the IP), so the variant comes from
 * the server: the core's first answer carries the signed attribution id of this visitor and session, which
 * this script sends with the identified user id to `POST /api/experiments/assign`. For each running
 * experiment the answer also names the exposure's event id, one per session and experiment, which the
 * store keeps once however often pages send it; this script sends it once per page, on the first call.
 */
// A module (not a global script): its names stay its own.
export {};

type Tm = ((...a: unknown[]) => unknown) & Record<string, any>;
interface Assignment {
  variant: string;
  exposure_id: string | null;
}

const w = window as unknown as Record<string, any>;
const d = document;
const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
const me = d.currentScript as HTMLScriptElement;
const ds = me.dataset;
let answer: Promise<Record<string, Assignment>> | undefined;
let answerFor: string | undefined;
const sent: Record<string, 1> = {};

/** Resolves with test()'s first truthy value, or undefined after `ms`. */
const until = <T>(test: () => T, ms: number): Promise<T | undefined> =>
  new Promise((resolve) => {
    const end = Date.now() + ms;
    const tick = () => {
      const v = test();
      v || Date.now() > end ? resolve(v || undefined) : setTimeout(tick, 50);
    };
    tick();
  });

/** The running core (t.js sets `_`), not the loader's queue. */
const core = (): Tm | undefined => (w.tidemark?._ ? w.tidemark : undefined);

/** Nothing is sent for this visitor: Do Not Track / GPC respected, or opted out. */
function silent(t: Tm): boolean {
  let out: unknown;
  try {
    out = localStorage.getItem('tidemark_optout');
  } catch {}
  return !!out || (t.getConfig().respectDnt && (nav.doNotTrack == '1' || !!nav.globalPrivacyControl));
}

function assignmentsFor(t: Tm, uid: string): Promise<Record<string, Assignment>> {
  const c = t.getConfig();
  // Send what the core holds now, so its answer (with the attribution id) comes without the batching delay.
  t._.s();
  return until(() => t.getAttributionId() as string | null, 5000)
    .then((aid) =>
      aid
        ? fetch(c.api + '/api/experiments/assign', { method: 'POST', body: JSON.stringify({ site_id: c.site, aid, user_id: uid || null }) })
            .then((r) => (r.ok ? r.json() : {}))
            .then((j: { experiments?: Record<string, Assignment> }) => j.experiments || {})
        : {},
    )
    .catch(() => ({}));
}

/** The exposure, sent like the core's events (same wire format) but with the server's event id. */
function expose(t: Tm, key: string, a: Assignment, uid: string) {
  const c = t.getConfig();
  const vid = t.getVisitorId();
  const event = {
    event_id: a.exposure_id,
    name: '$exposure',
    timestamp: Date.now(),
    properties: {
      url: location.href,
      path: location.pathname,
      title: d.title,
      referrer: d.referrer,
      key,
      variant: a.variant,
      user_id: uid || undefined,
    },
    context: {
      screen_width: screen.width,
      screen_height: screen.height,
      viewport_width: innerWidth,
      viewport_height: innerHeight,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      language: nav.language,
      webdriver: nav.webdriver,
      touch: nav.maxTouchPoints,
    },
  };
  const body = JSON.stringify({ site_id: c.site, sent_at: Date.now(), events: [event], visitor: vid ? { id: vid } : undefined });
  fetch(c.api + '/api/collect', { method: 'POST', body, keepalive: true }).catch(() => {});
}

async function experiment(key: unknown): Promise<string | null> {
  const t = await until(core, 10_000);
  if (!t || silent(t)) return null;
  t.experiment = experiment;
  const uid = t.getUserIdentity()?.user_id || '';
  // Identifying changes the unit (the user id is assigned from then on): ask again.
  if (!answer || answerFor != uid) {
    answerFor = uid;
    answer = assignmentsFor(t, uid);
  }
  const a = (await answer)[key + ''];
  if (!a) return null;
  if (a.exposure_id && !sent[a.exposure_id]) {
    sent[a.exposure_id] = 1;
    expose(t, key + '', a, uid);
  }
  return a.variant;
}

// On the loader's queue function (or a new one) now, on the core's object once it runs (it replaces the queue).
w.tidemark ||= (...args: unknown[]) => {
  (w.tidemark.q ||= []).push(args);
};
w.tidemark.experiment = experiment;
until(core, 10_000).then((t) => t && (t.experiment = experiment));
// Alone on the page: add the core with this tag's configuration.
if (ds.site && !d.querySelector('script[src*="/t.js"],script[src*="/t.consent.js"]')) {
  const s = d.createElement('script');
  for (const k in ds) s.dataset[k] = ds[k]!;
  s.src = me.src.replace(/t\.experiment\.js/, 't.js');
  d.head.appendChild(s);
}
