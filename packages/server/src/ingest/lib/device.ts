/**
 * Device type (and, where it reveals it, the real OS) from every signal a request carries, most trusted
 * first — precedence documented in ingest/README.md:
 *  1. User-Agent Client Hints (Sec-CH-UA-Mobile, -Platform, -Model): sent by Chromium browsers
 *     themselves, not frozen or reduced like their user agent.
 *  2. What the tracker saw: navigator.userAgentData.mobile, navigator.maxTouchPoints and the screen.
 *     It tells an iPad (or iPhone) asking for the desktop site, which sends a Mac's user agent, from a Mac,
 *     and a phone asking for the desktop site from a Linux desktop.
 *  3. The user agent string (parseUserAgent).
 */
import type { UaInfo } from './user-agent';

export type DeviceType = UaInfo['device_type'];

/** Sec-CH-UA-* request headers, parsed (collect-common.ts). Absent values are null / ''. */
export interface ClientHints {
  mobile: boolean | null;
  /** Sec-CH-UA-Platform: "Android", "Windows", "macOS", "Linux", "Chrome OS", "iOS" … */
  platform: string;
  /** Sec-CH-UA-Model (high entropy: only once our Accept-CH asked for it): "SM-X710", "Pixel 8" … */
  model: string;
}

/** The tracker's report for one event. */
export interface DeviceReport {
  mobile: boolean | null;
  touch: number | null;
  screen_w: number | null;
  screen_h: number | null;
}

export interface ResolvedDevice {
  device_type: DeviceType;
  os: string;
  os_version: string;
}

/** Android's own line between phone and tablet layouts: smallest width 600 density-independent px. */
const TABLET_MIN_WIDTH = 600;
/** The largest iPad screen (13" iPad Pro: 1032 × 1376 CSS px); a portrait "Mac" up to this is an iPad. */
const IPAD_MAX_WIDTH = 1032;

// Model numbers of Android tablets (Sec-CH-UA-Model carries the bare model): Galaxy Tab, Lenovo Tab,
// Xiaomi/Redmi Pad, Huawei MatePad, Pixel Tablet, OnePlus Pad, Realme Pad, Fire tablets, Nokia T.
const TABLET_MODEL_RE =
  /^(?:SM-[TPX]\d|GT-P\d|Lenovo TB|TB-?\d|TB\d{3}|Lenovo Tab|Pixel Tablet|OPD\d|RMP\d|KF[A-Z]{2,4}WI|BAH\d|DBY-|AGS\d|MatePad|Redmi Pad|Xiaomi Pad|\d{5}RP\d{2}[A-Z]|TA-1(?:39|40)\d)/i;

const PLATFORMS: Record<string, string> = {
  android: 'Android',
  windows: 'Windows',
  macos: 'macOS',
  'mac os x': 'macOS',
  linux: 'Linux',
  'chrome os': 'ChromeOS',
  'chromium os': 'ChromeOS',
  ios: 'iOS',
};
const DESKTOP_OS = new Set(['Windows', 'macOS', 'Linux', 'ChromeOS']);

export function isTabletModel(model: string): boolean {
  return TABLET_MODEL_RE.test(model);
}

/** Combines the parsed user agent with the client hints and the tracker's report (either may be absent). */
export function resolveDevice(info: UaInfo, hints: ClientHints | null, report: DeviceReport | null): ResolvedDevice {
  if (!hints && !report) return info;
  let os = info.os;
  let osVersion = info.os_version;
  const platform = hints?.platform ? (PLATFORMS[hints.platform.toLowerCase()] ?? '') : '';
  if (platform && platform !== os && !(platform === 'iOS' && os === 'iPadOS')) {
    os = platform;
    osVersion = '';
  }
  const device = deviceFrom(info, os, hints, report);
  if (device === 'iPadOS' || device === 'iOS') return { device_type: device === 'iOS' ? 'mobile' : 'tablet', os: device, os_version: '' };
  if (device === 'Android') return { device_type: 'mobile', os: 'Android', os_version: '' };
  return { device_type: device, os, os_version: osVersion };
}

/** The device type; or the OS where the report shows the user agent's platform was not the real one. */
function deviceFrom(
  info: UaInfo,
  os: string,
  hints: ClientHints | null,
  report: DeviceReport | null,
): DeviceType | 'iOS' | 'iPadOS' | 'Android' {
  // 1. Client hints.
  if (hints?.mobile === true) return 'mobile';
  if (hints?.model && isTabletModel(hints.model)) return 'tablet';

  // 2. The tracker's report.
  if (report?.mobile === true) return 'mobile';
  const w = report?.screen_w ?? 0;
  const h = report?.screen_h ?? 0;
  const short = w > 0 && h > 0 ? Math.min(w, h) : 0;
  const touch = (report?.touch ?? 0) > 0;
  if (os === 'macOS' && short > 0 && (touch || (w < h && w >= TABLET_MIN_WIDTH && w <= IPAD_MAX_WIDTH))) {
    // Macs have no touch screen, and iPadOS Safari reports its screen in portrait whatever the rotation.
    return short < TABLET_MIN_WIDTH ? 'iOS' : 'iPadOS';
  }
  // An iOS-only browser with a Mac's user agent (parsed as iPadOS) on a phone's screen is an iPhone.
  if (os === 'iPadOS' && short > 0 && short < TABLET_MIN_WIDTH) return 'iOS';
  // A Linux "desktop" with touch and a phone's screen is Android asking for the desktop site.
  if (os === 'Linux' && touch && short > 0 && short < TABLET_MIN_WIDTH) return 'Android';
  const notMobile = hints?.mobile === false || report?.mobile === false;
  if (os === 'Android') {
    if (short > 0 && info.device_type !== 'mobile') return short < TABLET_MIN_WIDTH ? 'mobile' : 'tablet';
    if (notMobile || (hints?.mobile == null && info.device_type === 'desktop'))
      return short > 0 && short < TABLET_MIN_WIDTH ? 'mobile' : 'tablet';
  }
  if (notMobile && DESKTOP_OS.has(os)) return 'desktop';

  // 3. The user agent string.
  return info.device_type;
}
