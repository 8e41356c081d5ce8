import UAParser from 'ua-parser-js';
import { LruCache } from './lru';
import { isBotAgent, isNotBrowserAgent } from './ua-bot';
import { browserFamily, keepsOsVersion, osFamily } from './ua-names';

/** What the collector keeps from a user agent string. */
export interface UaInfo {
  /** Browser family (ua-names.ts): "Chrome", "Safari", "Samsung Internet", "Facebook" … */
  browser: string;
  browser_version: string;
  /** OS family: "Windows", "macOS", "iOS", "iPadOS", "Android", "Linux", "ChromeOS" … */
  os: string;
  os_version: string;
  /** From the user agent alone; device.ts weighs it against client hints and the tracker's report. */
  device_type: 'desktop' | 'mobile' | 'tablet';
  /** Crawler, script, automation or an attack probe: the event is dropped as a bot. */
  bot: boolean;
  /** Not a browser's user agent at all (curl, python-requests …): a bot when it comes from the tracker. */
  notBrowser: boolean;
}

const MAX_UA_LENGTH = 1000;

/** Major.minor only: patch levels add cardinality, not insight. */
export function shortVersion(v: string | undefined): string {
  if (!v) return '';
  const m = /^(\d+)(?:[._](\d+))?/.exec(v);
  if (!m) return v.slice(0, 20);
  return m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1];
}

/**
 * Device type from the user agent: ua-parser-js's verdict, corrected where platform tokens are decisive.
 * Chrome and Firefox leave "Mobile" out on Android tablets; desktop platforms are desktops (the
 * tracker's report later tells an iPad or phone asking for the desktop site apart, see device.ts).
 */
function uaDevice(ua: string, os: string, parsedType: string | undefined): UaInfo['device_type'] {
  if (os === 'iPadOS') return 'tablet';
  if (os === 'iOS') return 'mobile';
  if (os === 'Android') {
    if (parsedType === 'tablet' || /\bTablet\b/.test(ua)) return 'tablet';
    return /\bMobile\b/.test(ua) ? 'mobile' : 'tablet';
  }
  if (os === 'Windows' || os === 'macOS' || os === 'ChromeOS' || os === 'Linux') return /Windows Phone/.test(ua) ? 'mobile' : 'desktop';
  if (parsedType === 'tablet') return 'tablet';
  if (parsedType === 'mobile' || parsedType === 'wearable') return 'mobile';
  return 'desktop';
}

export function parseUserAgent(ua: string): UaInfo {
  if (!ua || ua.length > MAX_UA_LENGTH) {
    return { browser: '', browser_version: '', os: '', os_version: '', device_type: 'desktop', bot: true, notBrowser: true };
  }
  const r = new UAParser(ua).getResult();
  const browserName = r.browser.name ?? '';
  const osName = r.os.name ?? '';
  const os = osFamily(osName, ua);
  return {
    browser: browserFamily(browserName, ua).slice(0, 60),
    browser_version: shortVersion(r.browser.version).slice(0, 40),
    os: os.slice(0, 60),
    os_version: keepsOsVersion(osName) ? shortVersion(r.os.version).slice(0, 40) : '',
    device_type: uaDevice(ua, os, r.device.type),
    bot: isBotAgent(ua) || /headless/i.test(browserName),
    notBrowser: isNotBrowserAgent(ua),
  };
}

/** User agent parsing costs tens of microseconds; visitors repeat a few thousand strings, so cache them. */
export class UserAgentCache {
  private readonly cache: LruCache<string, UaInfo>;

  constructor(max = 20_000) {
    this.cache = new LruCache(max);
  }

  get(ua: string): UaInfo {
    let info = this.cache.get(ua);
    if (!info) {
      info = parseUserAgent(ua);
      this.cache.set(ua, info);
    }
    return info;
  }
}
