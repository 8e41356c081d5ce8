import { drop } from '../drop';
import { endUserAgent } from '../lib/end-user';
import type { NamedStep } from '../types';

/**
 * Crawlers and automation: user agents isbot knows, headless browsers (HeadlessChrome, PhantomJS …),
 * attack probes in the User-Agent header (lib/ua-bot.ts); from the tracker also a user agent that is no
 * browser's at all (curl, python-requests, Go-http-client …), a tracker that saw navigator.webdriver,
 * and requests without the headers every real browser sends (User-Agent, Accept-Language).
 */
export const botStep: NamedStep = {
  name: 'bot',
  run: (ev, ctx) => {
    const ua = endUserAgent(ev, ctx);
    if (ctx.trust === 'browser') {
      if (!ua || !ctx.signals.hasAcceptLanguage || ctx.signals.webdriver) return drop('bot');
    } else if (!ua) {
      return ev; // a backend passed no visitor user agent: nothing to judge
    }
    const info = ctx.services.userAgents.get(ua);
    return info.bot || (ctx.trust === 'browser' && info.notBrowser) ? drop('bot') : ev;
  },
};
