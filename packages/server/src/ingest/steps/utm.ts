import type { NamedStep } from '../types';

const UTM_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

/**
 * Campaign parameters: as the client sent them, else read from the page URL's query string
 * (server-side contracts usually send only the URL).
 */
export const utmStep: NamedStep = {
  name: 'utm',
  run: (ev) => {
    if (ev.utm_source || ev.utm_medium || ev.utm_campaign || ev.utm_term || ev.utm_content) return ev;
    const q = ev.url.indexOf('?');
    if (q < 0 || !ev.url.includes('utm_', q)) return ev;
    const hash = ev.url.indexOf('#', q);
    const params = new URLSearchParams(ev.url.slice(q + 1, hash < 0 ? undefined : hash));
    for (const k of UTM_KEYS) {
      const v = params.get(k);
      if (v) ev[k] = v.trim().slice(0, 300);
    }
    return ev;
  },
};
