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

  it('flags bots, empty and absurdly long user agents', () => {
    expect(parseUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)').bot).toBe(true);
    expect(parseUserAgent('').bot).toBe(true);
    expect(parseUserAgent(`Mozilla/5.0 ${'x'.repeat(2000)}`).bot).toBe(true);
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
