import { Weighted, type Prng } from '../prng';

/**
 * A browser/OS/device combination named as the collector's user-agent parsing reports it
 * (browser and OS names normalised, versions cut to major.minor).
 */
export interface TechProfile {
  browser: string;
  os: string;
  device_type: 'desktop' | 'mobile' | 'tablet';
  browserVersions: Weighted<string>;
  osVersions: Weighted<string>;
  screens: Weighted<readonly [number, number]>;
}

/** One visitor's concrete device. */
export interface Device {
  browser: string;
  browser_version: string;
  os: string;
  os_version: string;
  device_type: string;
  screen_w: number;
  screen_h: number;
  viewport_w: number;
  viewport_h: number;
}

const recent = (major: number, count: number, suffix = '') =>
  Weighted.of(Array.from({ length: count }, (_, i) => [`${major - i}${suffix}`, 0.55 ** i] as [string, number]));
const list = <T>(pairs: Array<[T, number]>) => Weighted.of(pairs);

const DESKTOP_WIN = list<readonly [number, number]>([
  [[1920, 1080], 40],
  [[1366, 768], 12],
  [[1536, 864], 14],
  [[2560, 1440], 9],
  [[1440, 900], 5],
  [[1280, 720], 5],
  [[1600, 900], 5],
  [[3840, 2160], 3],
]);
const DESKTOP_MAC = list<readonly [number, number]>([
  [[1440, 900], 22],
  [[1512, 982], 20],
  [[1728, 1117], 14],
  [[1680, 1050], 8],
  [[2560, 1440], 14],
  [[1920, 1080], 16],
  [[1280, 800], 6],
]);
const PHONE_IOS = list<readonly [number, number]>([
  [[390, 844], 30],
  [[393, 852], 25],
  [[430, 932], 15],
  [[414, 896], 12],
  [[375, 812], 10],
  [[375, 667], 8],
]);
const PHONE_ANDROID = list<readonly [number, number]>([
  [[412, 915], 30],
  [[360, 800], 25],
  [[393, 873], 15],
  [[384, 854], 10],
  [[412, 892], 10],
  [[360, 780], 10],
]);
const TABLET_IOS = list<readonly [number, number]>([
  [[810, 1080], 35],
  [[820, 1180], 35],
  [[1024, 1366], 20],
  [[768, 1024], 10],
]);
const TABLET_ANDROID = list<readonly [number, number]>([
  [[800, 1280], 60],
  [[1280, 800], 20],
  [[962, 601], 20],
]);

const WINDOWS = list([['10', 100]]);
const MACOS = list([['10.15', 100]]);
const IOS = list([
  ['18.1', 30],
  ['18.0', 15],
  ['17.6', 25],
  ['17.5', 10],
  ['16.7', 12],
  ['15.8', 8],
]);
const ANDROID = list([
  ['14', 40],
  ['13', 25],
  ['12', 15],
  ['11', 10],
  ['10', 10],
]);
const LINUX = list([['', 100]]);
const CHROMEOS = list([['14541.0', 100]]);

const CHROME = recent(131, 6, '.0');
const EDGE = recent(131, 5, '.0');
const FIREFOX = recent(133, 6, '.0');
const SAFARI = list([
  ['18.1', 30],
  ['18.0', 15],
  ['17.6', 25],
  ['17.5', 10],
  ['16.6', 12],
  ['15.6', 8],
]);
const SAMSUNG = list([
  ['26.0', 50],
  ['25.0', 35],
  ['24.0', 15],
]);
const OPERA = recent(114, 4, '.0');

const p = (
  browser: string,
  os: string,
  device_type: TechProfile['device_type'],
  browserVersions: Weighted<string>,
  osVersions: Weighted<string>,
  screens: Weighted<readonly [number, number]>,
): TechProfile => ({ browser, os, device_type, browserVersions, osVersions, screens });

export const TECH: Weighted<TechProfile> = list<TechProfile>([
  [p('Chrome', 'Windows', 'desktop', CHROME, WINDOWS, DESKTOP_WIN), 28],
  [p('Edge', 'Windows', 'desktop', EDGE, WINDOWS, DESKTOP_WIN), 7],
  [p('Firefox', 'Windows', 'desktop', FIREFOX, WINDOWS, DESKTOP_WIN), 3.5],
  [p('Opera', 'Windows', 'desktop', OPERA, WINDOWS, DESKTOP_WIN), 0.8],
  [p('Chrome', 'macOS', 'desktop', CHROME, MACOS, DESKTOP_MAC), 10],
  [p('Safari', 'macOS', 'desktop', SAFARI, MACOS, DESKTOP_MAC), 7],
  [p('Firefox', 'macOS', 'desktop', FIREFOX, MACOS, DESKTOP_MAC), 1.2],
  [p('Chrome', 'Linux', 'desktop', CHROME, LINUX, DESKTOP_WIN), 1.5],
  [p('Firefox', 'Linux', 'desktop', FIREFOX, LINUX, DESKTOP_WIN), 1.2],
  [p('Chrome', 'ChromeOS', 'desktop', CHROME, CHROMEOS, DESKTOP_WIN), 0.8],
  [p('Safari', 'iOS', 'mobile', SAFARI, IOS, PHONE_IOS), 19],
  [p('Chrome', 'iOS', 'mobile', CHROME, IOS, PHONE_IOS), 2],
  [p('Chrome', 'Android', 'mobile', CHROME, ANDROID, PHONE_ANDROID), 16],
  [p('Samsung Internet', 'Android', 'mobile', SAMSUNG, ANDROID, PHONE_ANDROID), 3],
  [p('Firefox', 'Android', 'mobile', FIREFOX, ANDROID, PHONE_ANDROID), 0.5],
  [p('Safari', 'iPadOS', 'tablet', SAFARI, IOS, TABLET_IOS), 2.2],
  [p('Chrome', 'Android', 'tablet', CHROME, ANDROID, TABLET_ANDROID), 0.9],
]);

export function pickDevice(rng: Prng): Device {
  const t = TECH.pick(rng);
  const [w, h] = t.screens.pick(rng);
  // Browser chrome and window sizes: desktops often browse in a smaller window; phones lose the bars.
  const desktop = t.device_type === 'desktop';
  const vw = desktop && rng.chance(0.3) ? Math.round(w * (0.6 + rng.next() * 0.35)) : w - (desktop ? rng.int(0, 17) : 0);
  const vh = h - (desktop ? rng.int(70, 140) : rng.int(90, 180));
  return {
    browser: t.browser,
    browser_version: t.browserVersions.pick(rng),
    os: t.os,
    os_version: t.osVersions.pick(rng),
    device_type: t.device_type,
    screen_w: w,
    screen_h: h,
    viewport_w: vw,
    viewport_h: vh,
  };
}

/**
 * A User-Agent string that parses back to the device (load tests send it so the server derives the
 * same browser/OS as the generated event says).
 */
export function userAgentFor(d: Pick<Device, 'browser' | 'browser_version' | 'os' | 'os_version' | 'device_type'>): string {
  const v = d.browser_version || '120.0';
  const full = /^\d+\.\d+$/.test(v) ? `${v}.0.0` : v; // Chromium-family UAs carry four parts
  const iosV = (d.os_version || '17.5').replace(/\./g, '_');
  const androidV = d.os_version || '14';
  const platform =
    d.os === 'Windows'
      ? 'Windows NT 10.0; Win64; x64'
      : d.os === 'macOS'
        ? 'Macintosh; Intel Mac OS X 10_15_7'
        : d.os === 'ChromeOS'
          ? `X11; CrOS x86_64 ${d.os_version || '14541.0'}.0`
          : d.os === 'iPadOS'
            ? `iPad; CPU OS ${iosV} like Mac OS X`
            : d.os === 'iOS'
              ? `iPhone; CPU iPhone OS ${iosV} like Mac OS X`
              : d.os === 'Android'
                ? d.device_type === 'tablet'
                  ? `Linux; Android ${androidV}; SM-X710`
                  : `Linux; Android ${androidV}; K`
                : 'X11; Linux x86_64';
  const mobile = d.device_type === 'mobile' ? ' Mobile' : '';
  switch (d.browser) {
    case 'Firefox': {
      if (d.os === 'Android') return `Mozilla/5.0 (Android ${androidV}; Mobile; rv:${v}) Gecko/${v} Firefox/${v}`;
      return `Mozilla/5.0 (${platform}; rv:${v}) Gecko/20100101 Firefox/${v}`;
    }
    case 'Safari':
      return `Mozilla/5.0 (${platform}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v}${d.os === 'iOS' || d.os === 'iPadOS' ? ' Mobile/15E148' : ''} Safari/604.1`;
    case 'Edge':
      return `Mozilla/5.0 (${platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${full} Safari/537.36 Edg/${full}`;
    case 'Opera':
      return `Mozilla/5.0 (${platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36 OPR/${full}`;
    case 'Samsung Internet':
      return `Mozilla/5.0 (${platform}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${v} Chrome/125.0.0.0 Mobile Safari/537.36`;
    default:
      if (d.os === 'iOS' || d.os === 'iPadOS')
        return `Mozilla/5.0 (${platform}) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/${full} Mobile/15E148 Safari/604.1`;
      return `Mozilla/5.0 (${platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${full}${mobile} Safari/537.36`;
  }
}
