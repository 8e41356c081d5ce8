/**
 * Tidemark tracker extension for pages written against the MetricPal script (built to dist/t.mp.js). t.auto.js
 * loads it when `data-metricpal` or `data-cross-domain` is set. It adds:
 * - the MetricPal automatic events: `click` (every click), `search` (search URL parameters on arrival and
 *   submitted search forms), `session_start`, `form_interaction` (first focus and blur of each field);
 * - `sendData(method)` and `getClickInfo(element)` on the API (window.tidemark = window.MetricPal);
 * - cross-domain links: links to the hosts in `data-cross-domain` carry the visitor id (`tm_vid`), read back on arrival;
 * - cross-frame identity: `metricpal-identify` messages between a page and its frames, allowed origins only;
 * - HubSpot forms and meetings and Klaviyo forms, from the events their embeds emit on the page (no requests of ours
 *   to them): `form_submit` / `meeting_booked` with `integration`, and identify with the address (auto-identify on).
 * Field values are never read except the e-mail addresses of the integrations, and only with auto-identify.
 */
import type { TrackerInternals } from './internal';
import { EMAIL, type Props } from './util';

type Api = Record<string, (...args: any[]) => any>;

const w = window;
const d = document;
const loc = location;
const now = Date.now;
const on = (target: EventTarget, type: string, fn: (e: any) => void) => target.addEventListener(type, fn, true);
const tidemark = (w as unknown as { tidemark?: Api & { _?: TrackerInternals } }).tidemark!;
const x = tidemark._!;
const c = x.c;
const auto = c.metricpal;
const PARAM = 'tm_vid';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEARCH_PARAMS = ['q', 'query', 'search', 's', 'keyword', 'keywords'];
/** Hosts of the HubSpot embeds' frames (legacy forms may also post from the page itself). */
const HUBSPOT = /(^|\.)(hubspot\.com|hsforms\.com|hsforms\.net|hubspot\.net)$/;

const text = (v: unknown, n = 100) => (v == null ? undefined : (v + '').trim().slice(0, n));
const hostOf = (url: string) => {
  try {
    return new URL(url, loc.href).hostname;
  } catch {}
};
/** The hosts listed in data-cross-domain (comma/space separated); `true` alone lists none. */
const domains = (c.crossDomain + '')
  .split(/[\s,]+/)
  .filter((h) => h && h != 'true')
  .map((h) => h.toLowerCase());
const listed = (host = '') => domains.some((h) => host == h || host.endsWith('.' + h));
/** Origins a frame or parent may exchange identities with: this page's own and the listed hosts'. */
const allowedOrigin = (origin: string) => origin == loc.origin || listed(hostOf(origin));

/** Tag, id, text and a CSS path of an element (MetricPal's getClickInfo). */
function clickInfo(el: Element | null) {
  if (!el?.tagName) return null;
  const path: string[] = [];
  for (let e: Element | null = el; e && e != d.documentElement && path.length < 6; e = e.parentElement) {
    const id = e.getAttribute('id');
    path.unshift(e.localName + (id ? '#' + id : e.classList[0] ? '.' + e.classList[0] : ''));
    if (id) break;
  }
  return {
    element_tag: el.localName,
    element_id: el.getAttribute('id') || undefined,
    element_text: text(el.textContent),
    element_classes: text(el.getAttribute('class'), 200),
    href: (el as HTMLAnchorElement).href ? (el as HTMLAnchorElement).href.split(/[?#]/)[0] : undefined,
    selector: path.join(' > '),
  };
}

const identifyWith = (email: unknown, source: string) => {
  if (c.autoIdentify && EMAIL.test(email as string)) {
    tidemark.identify((email as string).trim());
    x.t('auto_identify', { source, email_domain: (email as string).split('@')[1]!.trim().toLowerCase() });
  }
};

/** Posts the identity to the parent frame, when this page is framed by an allowed origin (read from the referrer). */
function postIdentity() {
  const who = tidemark.getUserIdentity();
  const parentOrigin = d.referrer && new URL(d.referrer).origin;
  if (who && w.parent != w && parentOrigin && allowedOrigin(parentOrigin))
    w.parent.postMessage(
      { name: 'metricpal-identify', identity: { user_id: who.user_id, visitor_id: tidemark.getVisitorId() } },
      parentOrigin,
    );
}

// --- API additions -------------------------------------------------------------------------------------------

tidemark.getClickInfo = clickInfo;
/**
 * Sends the queued events now. Either method ('beacon' or 'xhr') goes out as the core sends: a keepalive
 * request, which like a beacon outlives the page, or a beacon when the page is hidden.
 */
tidemark.sendData = () => {
  x.s();
  return true;
};
const identify = tidemark.identify;
tidemark.identify = (...args: unknown[]) => {
  identify(...args);
  postIdentity();
};

// --- cross-domain identity ------------------------------------------------------------------------------------

// Arrival: a visitor id carried by a decorated link becomes this visitor's id (persistent ids only, never over an
// opt-out); the parameter then leaves the address bar so it is not copied or bookmarked.
const params = new URLSearchParams(loc.search);
const carried = params.get(PARAM);
if (carried != null) {
  try {
    if (UUID.test(carried) && !c.cookieless && !localStorage.tidemark_optout) {
      localStorage.tidemark_vid = carried;
      tidemark.optIn(); // re-reads the stored visitor id
    }
  } catch {}
  params.delete(PARAM);
  const q = params + '';
  history.replaceState(history.state, '', loc.pathname + (q ? '?' + q : '') + loc.hash);
}
// The core holds the landing's first page view for this script: it goes out now, with the adopted id.
x.s();

/** Decorates a link to a listed host with the visitor id just before it is followed. */
function decorate(e: Event) {
  const a = (e.target as Element).closest?.('a');
  const id = tidemark.getVisitorId();
  if (!a || !id || !domains[0]) return;
  const u = new URL(a.href, loc.href);
  if (u.host != loc.host && listed(u.hostname) && /^http/.test(u.protocol)) {
    u.searchParams.set(PARAM, id);
    a.href = u.href;
  }
}
for (const t of ['mousedown', 'click', 'auxclick', 'keydown', 'touchstart']) on(d, t, decorate);

// --- messages: frame identity, HubSpot ------------------------------------------------------------------------

on(w, 'message', (e: MessageEvent) => {
  const m = e.data;
  if (!m || typeof m != 'object') return;
  if (m.name == 'metricpal-identify') {
    if (!allowedOrigin(e.origin) || e.source == w) return;
    const who = m.identity;
    const id = text(typeof who == 'string' ? who : who?.user_id || who?.email, 200);
    if (id && tidemark.getUserIdentity()?.user_id != id) identify(id);
    return;
  }
  if (!auto || (e.origin != loc.origin && !HUBSPOT.test(hostOf(e.origin) || ''))) return;
  // Legacy HubSpot forms: {type: 'hsFormCallback', eventName: 'onFormSubmit', id: formGuid, data: [{name, value}]}.
  if (m.type == 'hsFormCallback' && m.eventName == 'onFormSubmit') {
    x.t('form_submit', { integration: 'hubspot', form_id: text(m.id) });
    const fields: Props[] = Array.isArray(m.data) ? m.data : [];
    identifyWith(fields.find((f) => f && f.name == 'email')?.value, 'hubspot');
  }
  // HubSpot meetings: {meetingBookSucceeded: true, meetingsPayload: {bookingResponse: {postResponse: {contact: {email}}}}}.
  if (m.meetingBookSucceeded) {
    x.t('meeting_booked', { integration: 'hubspot' });
    identifyWith(m.meetingsPayload?.bookingResponse?.postResponse?.contact?.email, 'hubspot_meetings');
  }
});

if (auto) {
  // --- automatic events -------------------------------------------------------------------------------------

  on(d, 'click', (e: MouseEvent) => x.t('click', { ...clickInfo(e.target as Element), x: e.pageX | 0, y: e.pageY | 0 }));

  const query = SEARCH_PARAMS.map((p) => params.get(p)).find((v) => v?.trim());
  if (query) x.t('search', { query: text(query, 200), search_type: 'url' });
  on(d, 'submit', (e: SubmitEvent) => {
    const f = e.target as HTMLFormElement;
    const input = f.querySelector<HTMLInputElement>(
      'input[type=search],' + SEARCH_PARAMS.map((p) => `input[name=${p}]`).join(',') + ',[role=search] input',
    );
    if (input?.value.trim()) x.t('search', { query: text(input.value, 200), search_type: 'form', form_id: text(f.getAttribute('id')) });
  });

  // A visit starts when nothing was seen for longer than the session timeout (persistent ids: the last activity
  // is remembered), or, cookieless, when the page was not reached from this site.
  const timeout = (c.sessionTimeout as number) * 6e4;
  let last = 0;
  const seen = () => {
    try {
      const stored = c.cookieless ? last : +(localStorage.tidemark_last || 0);
      if (c.cookieless && !last ? !d.referrer || hostOf(d.referrer) != loc.hostname : now() - stored > timeout)
        x.t('session_start', { reason: !last && c.cookieless ? 'entry' : stored ? 'timeout' : 'new_visitor' });
      last = now();
      if (!c.cookieless && !localStorage.tidemark_optout) localStorage.tidemark_last = last;
    } catch {}
  };
  seen();
  for (const t of ['click', 'keydown', 'scroll', 'visibilitychange']) on(d, t, () => !d.hidden && seen());

  // First focus and first blur of each field of a form, per page: the kind of field, never its value.
  const done = new Set<string>();
  const field = (interaction: string) => (e: FocusEvent) => {
    const el = e.target as HTMLInputElement;
    const form = el.form;
    if (!form || !/^(input|select|textarea)$/.test(el.localName)) return;
    const key = interaction + (el.name || el.id) + form.getAttribute('id');
    if (done.has(key)) return;
    done.add(key);
    x.t('form_interaction', {
      form_id: text(form.getAttribute('id') || form.getAttribute('name')),
      element_type: el.type || el.localName,
      element_name: text(el.name || el.id),
      interaction,
    });
  };
  on(d, 'focusin', field('focus'));
  on(d, 'focusout', field('blur'));

  // --- Klaviyo and new HubSpot forms: window events on the page ----------------------------------------------

  // Klaviyo: CustomEvent('klaviyoForms', {detail: {type: 'submit', formId, metaData: {$email | email}}}).
  on(w, 'klaviyoForms', (e: CustomEvent) => {
    const m = e.detail;
    if (m?.type != 'submit') return;
    x.t('form_submit', { integration: 'klaviyo', form_id: text(m.formId) });
    identifyWith(m.metaData?.$email || m.metaData?.email, 'klaviyo');
  });
  // HubSpot forms of the new editor: 'hs-form-event:on-submission:success' with {detail: {formId, instanceId}}.
  on(w, 'hs-form-event:on-submission:success', (e: CustomEvent) => {
    x.t('form_submit', { integration: 'hubspot', form_id: text(e.detail?.formId) });
    const form = (w as any).HubSpotFormsV4?.getFormFromEvent?.(e);
    form
      ?.getFormFieldValues?.()
      .then((fields: Props[]) => identifyWith(fields.find((f) => /(^|\/)email$/.test(f.name as string))?.value, 'hubspot'))
      .catch(() => {});
  });
}

postIdentity();
