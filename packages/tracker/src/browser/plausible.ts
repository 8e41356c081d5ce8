/**
 * Plausible-compatible script tag (built to dist/t.plausible.js, served also as /js/script.js and
 * /js/script.hash.js): a page that ran Plausible's `<script defer data-domain="…" src="…/js/script.js">`
 * changes only the host of `src`. It sends Plausible's event format to `/api/event` of the script's
 * origin (or `data-api`): a pageview on load and on history navigation (hash changes with the .hash.
 * variant), and whatever the page passes to `window.plausible(name, {props, revenue, interactive, u,
 * callback})`, including calls queued before it loaded. Engagement (time on page, scroll) is not sent:
 * that needs our own tracker.
 */
interface Options {
  props?: Record<string, unknown>;
  revenue?: { amount: number | string; currency: string };
  interactive?: boolean;
  u?: string;
  url?: string;
  callback?: (result?: { status: number } | { error: unknown }) => void;
}
type Queued = { q?: ArrayLike<unknown>[] } & ((name: string, o?: Options) => void);

const w = window as unknown as Window & { plausible?: Queued };
const l = location;
const script = document.currentScript as HTMLScriptElement | null;
if (script) {
  const domain = script.getAttribute('data-domain') || l.hostname;
  const api = script.getAttribute('data-api') || new URL(script.src).origin + '/api/event';
  const hash = /\.hash\./.test(script.src);
  const send = (n: string, o: Options = {}) => {
    const p: Record<string, unknown> = { n, u: o.u || o.url || l.href, d: domain, r: document.referrer || null, w: innerWidth };
    if (hash) p.h = 1;
    if (o.props) p.p = o.props;
    if (o.revenue) p.$ = o.revenue;
    if (o.interactive === false) p.i = false;
    w.fetch(api, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, keepalive: true, body: JSON.stringify(p) }).then(
      (r) => o.callback?.({ status: r.status }),
      (error) => o.callback?.({ error }),
    );
  };
  const queued = w.plausible?.q || [];
  w.plausible = send as Queued;
  for (const args of queued) send(...(Array.from(args) as [string, Options?]));
  let last: string | undefined;
  const page = (force?: boolean) => {
    if (!force && !hash && last === l.pathname) return;
    last = l.pathname;
    send('pageview');
  };
  const h = history;
  const push = h.pushState;
  h.pushState = function (this: History, ...a: Parameters<History['pushState']>) {
    push.apply(this, a);
    page();
  };
  addEventListener('popstate', () => page());
  if (hash) addEventListener('hashchange', () => page(true));
  page(true);
}
