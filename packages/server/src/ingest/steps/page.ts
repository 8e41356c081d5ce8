import { drop } from '../drop';
import { siteRules } from '../lib/site-rules';
import type { NamedStep } from '../types';

/**
 * Splits the page URL into host and path. Browser events must come from a page of the site (its
 * domain, a subdomain, or an allowed host); server-side events are vouched for by their API key.
 */
export const pageStep: NamedStep = {
  name: 'page',
  run: (ev, ctx) => {
    if (!ev.url) {
      if (ctx.trust === 'browser') return drop('invalid_url', 'url is required', 'url');
      return ev;
    }
    let u: URL;
    try {
      u = new URL(ev.url);
    } catch {
      return drop('invalid_url', 'url is not an absolute URL', 'url');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return drop('invalid_url', 'url must be http(s)', 'url');
    ev.host = u.hostname.toLowerCase();
    if (!ev.path) ev.path = u.pathname || '/';
    if (ctx.trust === 'browser' && !siteRules(ctx.site).hostAllowed(ev.host)) return drop('host_not_allowed');
    return ev;
  },
};
