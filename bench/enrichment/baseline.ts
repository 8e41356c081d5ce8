/**
 * The enrichment as it was before client hints, the tracker's report and the family names (the user-agent
 * parse, the user-agent step and the bot step of that version, kept here so that one run measures both).
 */
import UAParser from 'ua-parser-js';
import { isbot } from 'isbot';

export interface BaselineUa {
  browser: string;
  browser_version: string;
  os: string;
  os_version: string;
  device_type: 'desktop' | 'mobile' | 'tablet';
  bot: boolean;
}

const HEADLESS_RE = /headless|phantomjs|slimerjs|puppeteer|playwright|selenium|webdriver|chrome-lighthouse|electron\/.*\bheadless/i;
const BROWSER_NAMES: Record<string, string> = {
  'Mobile Safari': 'Safari',
  'Mobile Firefox': 'Firefox',
  'Mobile Chrome': 'Chrome',
  'Chrome WebView': 'Chrome WebView',
  Edge: 'Edge',
};
const OS_NAMES: Record<string, string> = { 'Mac OS': 'macOS', 'Chromium OS': 'ChromeOS' };

function shortVersion(v: string | undefined): string {
  if (!v) return '';
  const m = /^(\d+)(?:[._](\d+))?/.exec(v);
  if (!m) return v.slice(0, 20);
  return m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1];
}

export function baselineParse(ua: string): BaselineUa {
  if (!ua || ua.length > 1000) return { browser: '', browser_version: '', os: '', os_version: '', device_type: 'desktop', bot: true };
  const r = new UAParser(ua).getResult();
  const browserName = r.browser.name ?? '';
  const osName = r.os.name ?? '';
  const bot = isbot(ua) || HEADLESS_RE.test(ua) || /headless/i.test(browserName);
  let device: BaselineUa['device_type'] = 'desktop';
  const t = r.device.type;
  if (t === 'tablet') device = 'tablet';
  else if (t === 'mobile' || t === 'wearable') device = 'mobile';
  else if (!t && (osName === 'iOS' || osName === 'Android')) device = /Mobile/.test(ua) || osName === 'iOS' ? 'mobile' : 'tablet';
  return {
    browser: (BROWSER_NAMES[browserName] ?? browserName).slice(0, 60),
    browser_version: shortVersion(r.browser.version).slice(0, 40),
    os: (OS_NAMES[osName] ?? osName).slice(0, 60),
    os_version: shortVersion(r.os.version).slice(0, 40),
    device_type: device,
    bot,
  };
}
