/**
 * Browser and OS names as people know them. ua-parser-js names variants of one product separately
 * ("Mobile Safari", "Opera Touch", "Samsung Browser") and falls back to engine tokens ("WebKit",
 * "Mozilla") when it finds no product; the dashboard's breakdowns want one row per product family.
 */

const BROWSER_FAMILIES: Record<string, string> = {
  'Mobile Safari': 'Safari',
  'Safari Mobile': 'Safari',
  'Mobile Chrome': 'Chrome',
  'Chrome Mobile': 'Chrome',
  'Mobile Firefox': 'Firefox',
  'Firefox Focus': 'Firefox',
  'Firefox Reality': 'Firefox',
  Fennec: 'Firefox',
  'Opera Touch': 'Opera',
  'Opera Mini': 'Opera',
  'Opera Mobi': 'Opera',
  'Opera Tablet': 'Opera',
  'Opera GX': 'Opera',
  'Opera Coast': 'Opera',
  'Samsung Browser': 'Samsung Internet',
  Yandex: 'Yandex Browser',
  UCBrowser: 'UC Browser',
  GSA: 'Google App',
  Line: 'LINE',
  Silk: 'Amazon Silk',
  IE: 'Internet Explorer',
  IEMobile: 'Internet Explorer',
  Edge: 'Edge',
};

/** Engine or legacy tokens ua-parser-js reports when it recognised no product: never shown as a browser. */
const ENGINE_TOKENS = new Set(['Mozilla', 'WebKit', 'Netscape', 'Blink', 'Gecko', 'KHTML', 'AppleWebKit']);

/** Products that name themselves in a token ua-parser-js 1.x does not read (or reads as the web view). */
const TOKENS: readonly [RegExp, string][] = [
  [/\bLinkedInApp\b/, 'LinkedIn'],
  [/\[?Pinterest\//, 'Pinterest'],
  [/\bmusical_ly_|\btrill_\d|BytedanceWebview/, 'TikTok'],
  [/\bGSA\/\d/, 'Google App'],
  [/\bUCMobile\//, 'UC Browser'],
  // Brave sends Chrome's user agent, sometimes with a "Brave" token: "Brave Chrome/", "brave/", "(Brave)", " Brave" at the end.
  [/[\s(]brave(?:[\s/)]|$)/i, 'Brave'],
];

/** Browsers that exist only on iOS and iPadOS: with a Mac's user agent they are on an iPad (or iPhone) asking for the desktop site. */
export const IOS_ONLY_BROWSER_RE = /\b(?:CriOS|FxiOS|EdgiOS|OPiOS|OPT)\//;

const LINUX_DISTROS = new Set([
  'Ubuntu',
  'Kubuntu',
  'Xubuntu',
  'Lubuntu',
  'Debian',
  'Fedora',
  'Arch',
  'Linux Mint',
  'Mint',
  'Gentoo',
  'CentOS',
  'RedHat',
  'Red Hat',
  'SUSE',
  'openSUSE',
  'Mandriva',
  'Slackware',
  'Mageia',
  'PCLinuxOS',
  'Manjaro',
  'Deepin',
  'elementary OS',
  'Zenwalk',
  'Linpus',
  'VectorLinux',
  'Knoppix',
]);

const OS_FAMILIES: Record<string, string> = {
  'Mac OS': 'macOS',
  'Mac OS X': 'macOS',
  macOS: 'macOS',
  'Chromium OS': 'ChromeOS',
  'Chrome OS': 'ChromeOS',
  'Android-x86': 'Android',
};

/** The browser family for a ua-parser-js name, with the user agent for what the parser misses. */
export function browserFamily(parsedName: string, ua: string): string {
  for (const [re, name] of TOKENS) if (re.test(ua)) return name;
  if (ENGINE_TOKENS.has(parsedName)) {
    if (/\b(?:iPhone|iPad|iPod)\b/.test(ua)) return 'Safari WebView';
    if (/\bGecko\/\d/.test(ua) && /\brv:\d/.test(ua)) return 'Firefox';
    return '';
  }
  return BROWSER_FAMILIES[parsedName] ?? parsedName;
}

/** The OS family: Linux distributions are Linux, an iPad's iOS is iPadOS. */
export function osFamily(parsedName: string, ua: string): string {
  if (parsedName === 'iOS' && /\biPad\b/.test(ua)) return 'iPadOS';
  // Chrome on iPad asks for the desktop site by default: a Mac's user agent with Chrome's iOS token.
  if (parsedName === 'Mac OS' && IOS_ONLY_BROWSER_RE.test(ua)) return 'iPadOS';
  // Fire tablets (Silk, KF… models) run Fire OS, an Android.
  if (parsedName === 'Linux' && /\bSilk\/|\bKF[A-Z]{2,4}\b/.test(ua)) return 'Android';
  if (LINUX_DISTROS.has(parsedName)) return 'Linux';
  return OS_FAMILIES[parsedName] ?? parsedName;
}

/** Distribution release numbers say nothing about the OS family. */
export function keepsOsVersion(parsedName: string): boolean {
  return !LINUX_DISTROS.has(parsedName);
}
