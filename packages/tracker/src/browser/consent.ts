/**
 * t.consent.js: consent for Tidemark (docs/consent.md). Loaded instead of t.js by the snippet of a site
 * whose consent mode is `required` or `optional-upgrade` (data-consent on the tag), so the core stays
 * as it is and nothing is sent before this script decides:
 *  - required: t.js is added only once analytics is granted (no request before); withdrawing calls
 *    tidemark.optOut(), granting again tidemark.optIn().
 *  - optional-upgrade: t.js is added at once, cookieless; granting analytics switches it to a stored
 *    visitor id (optIn without cookieless), withdrawing back to cookieless.
 * The state is `tidemark.consent()` (no argument) for every script on the page (t.replay.js reads
 * `.replay`), and a `tidemark:consent` event on window when it changes. A site with its own consent
 * manager calls `tidemark.consent({...})`, or its IAB TCF v2.2 / Google Consent Mode v2 signals are read;
 * otherwise the banner and preference centre below ask the visitor (re-opened by any element with
 * `data-tidemark-consent`, or `tidemark.showConsent()`).
 */
import { fromGcm, fromTcf, type Choice } from './consent-signals';

type Tm = ((...a: unknown[]) => unknown) & Record<string, any>;
interface Config {
  mode: string;
  categories: Array<keyof Choice>;
  texts: Record<string, Record<string, string>>;
  default_language: string;
  privacy_policy_url: string;
  theme: { primary: string; background: string; text: string };
  text_version: string;
}

const w = window as unknown as Record<string, any>;
const d = document;
const me = d.currentScript as HTMLScriptElement;
const ds = me.dataset;
const api = ds.api || new URL(me.src).origin;
const required = ds.consent != 'optional-upgrade';
const KEY = 'tidemark_consent';
const NONE: Choice = { analytics: false, replay: false, heatmaps: false, marketing: false };

const EN: Record<string, string> = {
  title: 'Your privacy',
  body: 'We measure how this site is used to improve it. Choose what you allow; you can change your mind at any time.',
  accept_all: 'Accept all',
  reject_all: 'Reject all',
  customize: 'Choose',
  save: 'Save choices',
  close: 'Close',
  analytics: 'Analytics',
  analytics_help: 'Counts visits and pages, with an id kept in this browser.',
  replay: 'Session recordings',
  replay_help: 'Records how pages are used (inputs hidden) to find problems.',
  heatmaps: 'Heatmaps',
  heatmaps_help: 'Where on a page people click and how far they scroll.',
  marketing: 'Marketing',
  marketing_help: 'Connects visits with what you tell us (e.g. your e-mail) for offers.',
  policy: 'Privacy policy',
};

let saved: { v?: string; c?: Choice; s?: string } = {};
try {
  saved = JSON.parse(localStorage.getItem(KEY) || '{}');
} catch {}
let state: Choice | undefined = saved.c;
const subject: string = saved.s || (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
let cfg: Config | undefined;
let core: HTMLScriptElement | undefined;
let ui: ShadowRoot | undefined;
let returnFocus: Element | null = null;
/** Calls made before the core runs: replayed once it carries the consent marker (the core's own queue stays empty). */
const pending: unknown[][] = [...(w.tidemark?.q || [])].map((a: IArguments) => [...a]);
const granted = () =>
  Object.keys(NONE)
    .filter((k) => state?.[k as keyof Choice])
    .join(',');

function consent(choice?: Partial<Choice> | string): Choice | undefined {
  if (choice === undefined) return { ...NONE, ...state };
  if (typeof choice == 'object') decide({ ...NONE, ...state, ...choice }, 'api');
  return undefined;
}

/** Records and applies a decision; nothing is logged when it repeats the current one. */
function decide(choice: Choice, source: string) {
  const c: Choice = { analytics: !!choice.analytics, replay: !!choice.replay, heatmaps: !!choice.heatmaps, marketing: !!choice.marketing };
  const same = state && JSON.stringify(state) == JSON.stringify(c) && saved.v == cfg?.text_version;
  state = c;
  try {
    localStorage.setItem(KEY, JSON.stringify((saved = { v: cfg?.text_version, c, s: subject })));
  } catch {}
  if (!same && cfg)
    fetch(api + '/api/consent', {
      method: 'POST',
      keepalive: true,
      body: JSON.stringify({ site_id: ds.site, subject, choice: c, text_version: cfg.text_version, source }),
    }).catch(() => {});
  apply();
  close();
}

/** Makes the page follow the state: the core loaded, opted in or out, with or without a stored id. */
function apply() {
  const on = !!state?.analytics;
  const t = w.tidemark as Tm;
  if (core && t._) {
    // Every event says what was granted: the collector enforces the site's mode with it (tm_consent).
    t.addSharedProperty('tm_consent', granted());
    if (!required) t._.c.cookieless = !on;
    if (on || !required) {
      // optional-upgrade: a withdrawal forgets the stored id and goes on cookieless.
      if (!required && !on) t.optOut();
      t.optIn();
    } else t.optOut();
  } else if (on || !required) loadCore();
  // The extensions read the categories from the core's internals (internal.ts `consent`).
  if (t?._) {
    t._.consent = consent();
    t._.consentMode = required ? 'required' : 'optional-upgrade';
  }
  w.dispatchEvent(new CustomEvent('tidemark:consent', { detail: consent() }));
}

function loadCore() {
  if (core) return;
  core = d.createElement('script');
  for (const k in ds) if (k != 'consent') core.dataset[k] = ds[k]!;
  if (!required && !state?.analytics) core.dataset.cookieless = 'true';
  // The first page view waits until the consent marker is set (below), so no event leaves without it.
  const auto = ds.autoTrack != 'false';
  core.dataset.autoTrack = 'false';
  core.src = me.src.replace(/t\.consent\.js/, 't.js');
  core.onload = () => {
    // The core replaced the stub: the consent calls go on the object every script sees.
    const t = Object.assign(w.tidemark as Tm, exported);
    t._.consent = consent();
    t._.consentMode = required ? 'required' : 'optional-upgrade';
    t.addSharedProperty('tm_consent', granted());
    if (!required) apply();
    t._.c.autoTrack = auto;
    if (auto) t.trackPageView();
    for (const a of pending.splice(0)) t(...a);
  };
  d.head.appendChild(core);
}

const t = (k: string) => {
  const lang = (navigator.language || '').toLowerCase();
  const texts = cfg!.texts;
  const mine = texts[lang] || texts[lang.split('-')[0]!] || texts[cfg!.default_language] || {};
  return mine[k] || EN[k]!;
};

function el(tag: string, attrs: Record<string, string>, text?: string, parent?: Node): HTMLElement {
  const e = d.createElement(tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]!);
  if (text) e.textContent = text;
  parent?.appendChild(e);
  return e;
}

function close() {
  if (!ui) return;
  ui.host.remove();
  ui = undefined;
  (returnFocus as HTMLElement | null)?.focus?.();
}

/** The banner (first visit) or the preference centre (`detail`): a labelled dialog, keyboard-first. */
function show(detail?: boolean) {
  if (!cfg) return;
  close();
  returnFocus = d.activeElement;
  const host = el('div', { 'data-tidemark-consent-ui': '' }, undefined, d.body);
  ui = host.attachShadow({ mode: 'open' });
  const th = cfg.theme;
  el(
    'style',
    {},
    `.b{position:fixed;z-index:2147483647;left:1rem;right:1rem;bottom:1rem;max-width:40rem;margin:auto;padding:1.25rem;border-radius:12px;` +
      `box-shadow:0 8px 30px #0004;font:15px/1.5 system-ui,sans-serif;background:${th.background};color:${th.text}}` +
      `h2{margin:0 0 .5rem;font-size:1.1rem}p{margin:0 0 1rem}.r{display:flex;gap:.5rem;flex-wrap:wrap}` +
      `button{font:inherit;padding:.5rem 1rem;border-radius:8px;border:2px solid ${th.primary};background:transparent;color:inherit;cursor:pointer}` +
      `button.p{background:${th.primary};color:#fff}button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid ${th.primary};outline-offset:2px}` +
      `label{display:flex;gap:.5rem;align-items:flex-start;margin:0 0 .75rem}small{display:block;opacity:.8}a{color:inherit}`,
    ui,
  );
  const box = el(
    'div',
    { class: 'b', role: 'dialog', 'aria-modal': detail ? 'true' : 'false', 'aria-labelledby': 'tmc-t', 'aria-describedby': 'tmc-d' },
    '',
    ui,
  );
  el('h2', { id: 'tmc-t' }, t('title'), box);
  el('p', { id: 'tmc-d' }, t('body'), box);
  const boxes: Record<string, HTMLInputElement> = {};
  if (detail)
    for (const c of cfg.categories) {
      const label = el('label', {}, '', box);
      const input = el('input', { type: 'checkbox', 'aria-describedby': `tmc-${c}` }, '', label) as HTMLInputElement;
      input.checked = !!state?.[c];
      boxes[c] = input;
      const span = el('span', {}, t(c), label);
      el('small', { id: `tmc-${c}` }, t(`${c}_help`), span);
    }
  if (cfg.privacy_policy_url)
    el('p', {}, '', box).appendChild(el('a', { href: cfg.privacy_policy_url, target: '_blank', rel: 'noopener' }, t('policy')));
  const row = el('div', { class: 'r' }, '', box);
  const all = (v: boolean): Choice => ({ analytics: v, replay: v, heatmaps: v, marketing: v });
  const only = (c: Choice): Choice => {
    for (const k of Object.keys(c) as Array<keyof Choice>) c[k] &&= cfg!.categories.includes(k);
    return c;
  };
  const button = (label: string, cls: string, fn: () => void) => (el('button', { type: 'button', class: cls }, label, row).onclick = fn);
  button(t('accept_all'), 'p', () => decide(only(all(true)), 'banner'));
  button(t('reject_all'), '', () => decide(all(false), 'banner'));
  if (detail)
    button(t('save'), '', () =>
      decide(only({ ...NONE, ...Object.fromEntries(Object.entries(boxes).map(([k, b]) => [k, b.checked])) }), 'banner'),
    );
  else button(t('customize'), '', () => show(true));
  if (detail && state) button(t('close'), '', close);
  // Escape closes a re-opened preference centre; Tab stays inside a modal one.
  box.addEventListener('keydown', (e) => {
    if (e.key == 'Escape' && state) close();
    if (e.key == 'Tab' && detail) {
      const f = [...box.querySelectorAll<HTMLElement>('input,button,a')];
      const i = f.indexOf(ui!.activeElement as HTMLElement);
      if (e.shiftKey ? i <= 0 : i == f.length - 1) {
        e.preventDefault();
        f[e.shiftKey ? f.length - 1 : 0]!.focus();
      }
    }
  });
  (box.querySelector('input,button') as HTMLElement).focus();
}

/** A consent manager's signals, when the page has one; the banner is then not shown. */
function external(): boolean {
  let found = false;
  if (typeof w.__tcfapi == 'function') {
    found = true;
    w.__tcfapi('addEventListener', 2, (tc: any, ok: boolean) => {
      if (ok && tc && (tc.eventStatus == 'tcloaded' || tc.eventStatus == 'useractioncomplete'))
        decide(fromTcf(tc.purpose?.consents), 'tcf');
    });
  }
  const layer: unknown[] | undefined = w.dataLayer;
  if (fromGcm(layer)) {
    found = true;
    decide(fromGcm(layer)!, 'gcm');
    const push = layer!.push;
    layer!.push = function (this: unknown[], ...a: unknown[]) {
      const r = push.apply(this, a);
      const g = fromGcm(layer);
      if (g && (a[0] as ArrayLike<unknown> | undefined)?.[0] == 'consent') decide(g, 'gcm');
      return r;
    };
  }
  return found;
}

const exported = { consent, showConsent: () => show(true) };

// Until the core arrives, a stub answers consent calls and keeps the others for the core.
if (!w.tidemark?._) {
  w.tidemark = Object.assign((m: any, ...a: unknown[]) => (m in exported ? (exported as any)[m](...a) : pending.push([m, ...a])), exported);
} else Object.assign(w.tidemark, exported);

d.addEventListener('click', (e) => {
  const target = (e.target as Element | null)?.closest?.('[data-tidemark-consent]');
  if (target) {
    e.preventDefault();
    show(true);
  }
});

if (!required) loadCore();
fetch(`${api}/api/consent/config?site=${encodeURIComponent(ds.site || '')}`)
  .then((r) => r.json())
  .then((c: Config) => {
    cfg = c;
    if (!external() && (!state || saved.v != c.text_version)) show();
    if (state) apply();
  })
  .catch(() => {});
