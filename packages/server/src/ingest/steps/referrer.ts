import { siteRules } from '../lib/site-rules';
import { sourceForHost } from '../lib/sources';
import type { NamedStep } from '../types';

/** Referrer host without "www."; android-app://<package> referrers yield the package name. */
export function referrerDomain(referrer: string): string {
  if (!referrer) return '';
  try {
    const u = new URL(referrer);
    if (u.protocol === 'android-app:') return u.hostname.toLowerCase();
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return '';
    const h = u.hostname.toLowerCase();
    return h.startsWith('www.') ? h.slice(4) : h;
  } catch {
    return '';
  }
}

/**
 * Referrer domain and traffic source. Navigation within the site is not a referral: the referrer
 * is cleared. The referrer keeps origin and path only (query strings carry search terms, tokens,
 * e-mail addresses). `source` = utm_source, else the known name of the referrer ("Google"), else
 * the referrer domain; '' means direct.
 */
export const referrerStep: NamedStep = {
  name: 'referrer',
  run: (ev, ctx) => {
    let domain = referrerDomain(ev.referrer);
    if (domain && siteRules(ctx.site).hostAllowed(domain)) domain = '';
    if (!domain) ev.referrer = '';
    else {
      const cut = ev.referrer.search(/[?#]/);
      if (cut >= 0) ev.referrer = ev.referrer.slice(0, cut);
    }
    ev.referrer_domain = domain.slice(0, 253);
    if (ev.utm_source) {
      ev.source = ev.utm_source;
    } else if (domain) {
      ev.source = (sourceForHost(domain)?.name ?? domain).slice(0, 300);
    } else ev.source = '';
    return ev;
  },
};
