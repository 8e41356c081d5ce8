import { drop } from '../drop';
import { endUserAgent } from '../lib/end-user';
import type { NamedStep } from '../types';

/**
 * Crawlers and automation: user agents isbot knows, headless browsers (HeadlessChrome, PhantomJS …),
 * a tracker that saw navigator.webdriver, and browser requests without the headers every real
 * browser sends (User-Agent, Accept-Language).
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
    return ctx.services.userAgents.get(ua).bot ? drop('bot') : ev;
  },
};
