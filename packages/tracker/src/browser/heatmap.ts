/**
 * Tidemark heatmap extension (built to dist/t.heatmap.js), loaded by t.js when the server names it for
 * the session (site setting heatmaps_enabled, sampled per session; docs/heatmaps.md). It records:
 * - samples sent to /api/collect/heatmap (InsightHub PRD §7.1.2 shape, plus page_width): every click at
 *   page coordinates with the element's selector, mouse moves every 100 ms, the deepest scroll of each
 *   page view (once, when the page is hidden or left);
 * - events through the core: rage_click (3+ clicks, each within 1 s of the last, within 30 px: one per
 *   burst with its count), dead_click (a click on a non-interactive element followed within 1 s by no
 *   navigation, DOM change, focus change or tracked event), error_click (a click followed within 1 s by an
 *   uncaught error), exit_intent (the pointer leaves through the top, desktop, once per page view),
 *   form_focus and form_abandon (field names only, never values).
 */
import type { TrackerInternals } from './internal';
import { scrollPercent, type Props } from './util';

type Sample = Props;

const w = window;
const d = document;
const root = d.documentElement;
const now = Date.now;
const on = (t: EventTarget, type: string, fn: (e: any) => void) => t.addEventListener(type, fn, true);
const tm = (w as unknown as { tidemark?: Record<string, any> & { _?: TrackerInternals } }).tidemark;
const x = tm?._;

const samples: Sample[] = [];
let page = location.href;
let depth = 0;
let scrolled = 0;
let lastMove = 0;
let exited = 0;
/** Burst of clicks: first position, count, time of the last click, selector of its target. */
let burst: { x: number; y: number; n: number; t: number; s: string } | undefined;
/** The click whose consequences are watched (dead and error clicks): its props and what happened since. */
let watched: Watch | undefined;
interface Watch {
  p: Props;
  busy?: number;
  err?: string;
  at: number;
}
/** Forms touched in this page view: by form element, the field names that got input; `s` once submitted. */
let forms = new Map<HTMLFormElement, { f: Set<string>; s?: number; o?: number }>();

const esc = (v: string) => CSS.escape(v);

/** A stable selector: up to three levels below body of tag + #id (which ends the walk), one data-* attribute, two classes. */
function selector(el: Element | null): string {
  const parts: string[] = [];
  for (let i = 0; el && el != d.body && el != root && i < 3; i++, el = el.parentElement) {
    let p = el.localName;
    const id = el.getAttribute('id');
    if (id) {
      parts.unshift(p + '#' + esc(id));
      break;
    }
    const data = [...el.attributes].find((a) => a.name.startsWith('data-') && a.value.length < 40);
    if (data) p += '[' + data.name + '="' + data.value.replace(/["\\]/g, '') + '"]';
    for (const c of [...el.classList].slice(0, 2)) p += '.' + esc(c);
    parts.unshift(p);
  }
  return parts.join(' > ').slice(0, 300);
}

function flush() {
  const c = x!.c;
  // A site with a consent mode: samples only with the heatmaps category (internal.ts `consent`).
  if (x!.consentMode && !x!.consent?.heatmaps) samples.length = 0;
  if (!samples[0]) return;
  const events = samples.splice(0, 500);
  fetch(c.api + '/api/collect/heatmap', {
    method: 'POST',
    keepalive: true,
    body: JSON.stringify({
      site_id: c.site,
      sent_at: now(),
      page_url: page,
      viewport: { width: innerWidth, height: innerHeight },
      page_height: root.scrollHeight,
      page_width: root.scrollWidth,
      events,
      visitor: tm!.getVisitorId() && { id: tm!.getVisitorId() },
      consent: x!.consentMode && Object.keys(x!.consent!).filter((k) => x!.consent![k]) + '',
    }),
  }).catch(() => {});
}

const push = (s: Sample) => {
  samples.push({ ...s, timestamp: now() });
  if (samples[49]) flush();
};

/** The page view ends (hidden, left, or another route): its deepest scroll, abandoned forms, then the samples. */
function endPage() {
  if (!scrolled) push({ type: 'scroll', depth: Math.max(depth, scrollPercent()) });
  scrolled = 1;
  forms.forEach((v, f) => {
    if (!v.s && v.f.size) x!.t('form_abandon', { ...formProps(f), fields: [...v.f].join(',').slice(0, 300) });
    v.s = 1;
  });
  flush();
}

/** A new route (SPA navigation): the next samples belong to it. */
function checkPage() {
  if (location.href != page) {
    endPage();
    page = location.href;
    depth = scrolled = exited = 0;
    forms = new Map();
  }
}

const formProps = (f: HTMLFormElement) => ({ form_id: f.getAttribute('id'), form_name: f.getAttribute('name'), selector: selector(f) });

function endBurst() {
  if (burst && burst.n > 2) x!.t('rage_click', { selector: burst.s, x: burst.x, y: burst.y, count: burst.n });
  burst = undefined;
}

/** Something the visitor would notice happened: the watched click was not dead. */
const busy = () => watched && (watched.busy = 1);

function onClick(e: MouseEvent) {
  checkPage();
  const el = e.target as Element;
  const s = selector(el);
  const px = e.pageX | 0;
  const py = e.pageY | 0;
  push({ type: 'click', x: px, y: py, element: s });
  const t = now();
  if (burst && t - burst.t < 1000 && Math.hypot(px - burst.x, py - burst.y) <= 30) {
    burst.n++;
    burst.t = t;
  } else {
    endBurst();
    burst = { x: px, y: py, n: 1, t, s };
    const p = { selector: s, x: px, y: py };
    const w0: Watch = (watched = { p, at: t });
    const focused = d.activeElement;
    const interactive = el.closest('a,button,input,select,textarea,label,summary,details,[role],[onclick],[tabindex],[contenteditable]');
    setTimeout(() => {
      if (w0.err) x!.t('error_click', { ...p, message: w0.err.slice(0, 300) });
      else if (!interactive && !w0.busy && d.activeElement == focused && location.href == page) x!.t('dead_click', p);
      if (watched == w0) watched = undefined;
    }, 1000);
  }
  setTimeout(() => burst && now() - burst.t >= 1000 && endBurst(), 1001);
}

if (x?.c) {
  // Tracked events in the second after a click (the page's own or the interaction events) mean it did something.
  for (const o of [x, tm!] as Array<Record<string, any>>) {
    const k = o == x ? 't' : 'track';
    const orig = o[k];
    o[k] = (name: string, ...rest: unknown[]) => {
      if (!/^(rage|dead|error)_click$|^form_|^exit_intent$/.test(name)) busy();
      return orig(name, ...rest);
    };
  }
  new MutationObserver(busy).observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
  on(d, 'click', onClick);
  on(d, 'mousemove', (e: MouseEvent) => {
    const t = now();
    if (t - lastMove >= 100) {
      lastMove = t;
      push({ type: 'move', x: e.pageX | 0, y: e.pageY | 0 });
    }
  });
  on(w, 'scroll', () => (depth = Math.max(depth, scrollPercent())));
  const onError = (e: ErrorEvent | PromiseRejectionEvent) => {
    if (watched && now() - watched.at < 1000) watched.err = (e as ErrorEvent).message || String((e as PromiseRejectionEvent).reason);
  };
  on(w, 'error', onError);
  on(w, 'unhandledrejection', onError);
  // Desktop only: a fine pointer on a wide viewport.
  on(d, 'mouseout', (e: MouseEvent) => {
    if (!e.relatedTarget && e.clientY <= 0 && !exited && innerWidth > 1023 && matchMedia('(pointer:fine)').matches) {
      exited = 1;
      x.t('exit_intent', { y: e.pageY | 0 });
    }
  });
  on(d, 'focusin', (e: FocusEvent) => {
    const f = (e.target as HTMLInputElement).form;
    if (f && !forms.has(f)) {
      forms.set(f, { f: new Set() });
      x.t('form_focus', formProps(f));
    }
  });
  on(d, 'input', (e: Event) => {
    const el = e.target as HTMLInputElement;
    const f = el.form;
    if (f) {
      const v = forms.get(f) ?? { f: new Set<string>() };
      forms.set(f, v);
      v.f.add(el.name || el.id || el.type);
    }
  });
  on(d, 'submit', (e: SubmitEvent) => {
    const v = forms.get(e.target as HTMLFormElement);
    if (v) v.s = 1;
  });
  on(d, 'visibilitychange', () => d.hidden && endPage());
  on(w, 'pagehide', endPage);
  on(w, 'popstate', () => setTimeout(checkPage));
  setInterval(() => {
    checkPage();
    flush();
  }, 5000);
}
