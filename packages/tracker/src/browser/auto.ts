/**
 * Tidemark tracker extension (built to dist/t.auto.js). t.js loads it when interactions (the default),
 * privacy mode, auto-identify or excluded paths are on. It adds:
 * - interactions: scroll_depth milestones, page_exit (engaged time, deepest scroll), outbound_click,
 *   file_download, form_submit;
 * - auto-identify from submitted forms and from an `email` URL parameter (with an `auto_identify` event);
 * - loading t.mp.js (metricpal.ts) when the MetricPal automatic events or cross-domain links are asked for;
 * - the event filter: excluded paths and privacy-mode e-mail hashing.
 * It plugs into the core through `tidemark._` (internal.ts).
 */
import type { TrackerInternals } from './internal';
import { compilePatterns, DOWNLOAD_EXT, EMAIL, hashEmails, scrollPercent } from './util';

const d = document;
const now = Date.now;
const on = (type: string, fn: (e: any) => void) => d.addEventListener(type, fn, true);
const tidemark = (window as unknown as { tidemark?: { _?: TrackerInternals; identify(id: string): void; trackPageView(): void } }).tidemark;
const x = tidemark?._;
const MILESTONES = [25, 50, 75, 90, 100];

let milestone = 0;
let depth = scrollPercent();
let engaged = 0;
let shownAt = d.hidden ? 0 : now();

/** Short CSS selector: tag, then #id or the first class (id read as an attribute: a field named "id" shadows form.id). */
const selector = (el: Element, id = el.getAttribute('id')) => el.localName + (id ? '#' + id : el.classList[0] ? '.' + el.classList[0] : '');

/** page_exit of the current page view: visible time since the previous page_exit of it, deepest scroll. */
function exit() {
  const ms = engaged + (shownAt && now() - shownAt);
  if (ms) {
    engaged = 0;
    shownAt = d.hidden ? 0 : now();
    x!.t('page_exit', { engaged_ms: ms, scroll_depth: (depth = Math.max(depth, scrollPercent())) });
  }
}

function onClick(e: MouseEvent) {
  const a = (e.target as Element).closest?.('a');
  if (!a || e.button > 1) return; // right button: a context menu, not a navigation
  const u = new URL(a.href);
  const ext = /\.(\w+)$/.exec(u.pathname)?.[1].toLowerCase();
  // Query and fragment are left out: they often carry tokens (signed download links, tracking ids).
  const props = { href: u.origin + u.pathname, selector: selector(a), x: e.pageX | 0, y: e.pageY | 0 };
  if (DOWNLOAD_EXT.test(ext!) || a.hasAttribute('download'))
    x!.t('file_download', { ...props, filename: u.pathname.split('/').pop(), extension: ext });
  else if (u.host != location.host && /^http/.test(u.protocol))
    x!.t('outbound_click', { ...props, text: a.textContent!.trim().slice(0, 100) });
}

/** identify with an e-mail address found on the page, and say where it came from (`auto_identify`). */
const autoIdentify = (email: unknown, source: string) => {
  if (EMAIL.test(email as string)) {
    tidemark!.identify((email as string).trim());
    x!.t('auto_identify', { source, email_domain: (email as string).split('@')[1]!.trim().toLowerCase() });
  }
};

if (x?.c) {
  const c = x.c;
  if (c.metricpal || c.crossDomain) {
    const s = d.createElement('script');
    s.src = (d.currentScript as HTMLScriptElement).src.replace('t.auto.js', 't.mp.js');
    d.head.append(s);
  } else x.s(); // the first page view waited for this script (t.mp.js sends it once it has the visitor id)
  if (c.autoIdentify) autoIdentify(new URLSearchParams(location.search).get('email'), 'url');
  const excluded = compilePatterns(c.exclude);
  x.f = (e) =>
    excluded.some((r) => r.test(e.properties.path as string))
      ? Promise.resolve(0)
      : (c.privacyMode ? hashEmails(e.properties) : Promise.resolve()).then(() => 1);
  if (c.interactions) {
    x.e = () => {
      exit();
      milestone = depth = 0;
    };
    on('scroll', () => {
      depth = Math.max(depth, scrollPercent());
      while (MILESTONES[milestone] <= depth) x.t('scroll_depth', { scroll_depth: MILESTONES[milestone++] });
    });
    on('visibilitychange', () => (d.hidden ? exit() : (shownAt = now())));
    on('click', onClick);
    on('auxclick', onClick);
  }
  // Back after longer than a session: the server starts a new session, which needs an entry page.
  let hiddenAt = 0;
  on('visibilitychange', () =>
    d.hidden
      ? (hiddenAt = now())
      : c.autoTrack && hiddenAt && now() - hiddenAt > (c.sessionTimeout as number) * 6e4 && tidemark!.trackPageView(),
  );
  on('submit', (e: SubmitEvent) => {
    const f = e.target as HTMLFormElement;
    // Only what names the form; field values never leave the page.
    if (c.interactions) x.t('form_submit', { form_id: f.getAttribute('id'), form_name: f.getAttribute('name'), selector: selector(f) });
    if (c.autoIdentify) autoIdentify(f.querySelector<HTMLInputElement>('input[type=email]')?.value, 'form');
  });
}
