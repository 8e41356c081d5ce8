import { describe, expect, it } from 'vitest';
import { resolveDevice, type ClientHints, type DeviceReport } from './device';
import { parseUserAgent } from './user-agent';

const MAC_SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const LINUX_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const ANDROID_REDUCED = 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const ANDROID_PHONE =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';

const hints = (h: Partial<ClientHints>): ClientHints => ({ mobile: null, platform: '', model: '', ...h });
const report = (r: Partial<DeviceReport>): DeviceReport => ({ mobile: null, touch: null, screen_w: null, screen_h: null, ...r });
const resolve = (ua: string, h: ClientHints | null, r: DeviceReport | null) => {
  const d = resolveDevice(parseUserAgent(ua), h, r);
  return `${d.device_type} ${d.os}`;
};

describe('device type precedence', () => {
  it('without other signals, the user agent decides', () => {
    expect(resolve(MAC_SAFARI, null, null)).toBe('desktop macOS');
    expect(resolve(ANDROID_REDUCED, null, null)).toBe('tablet Android');
    expect(resolve(ANDROID_PHONE, null, null)).toBe('mobile Android');
  });

  it('client hints come first: Sec-CH-UA-Mobile, a tablet model, the platform', () => {
    expect(resolve(ANDROID_REDUCED, hints({ mobile: true, platform: 'Android' }), report({ screen_w: 800, screen_h: 1280 }))).toBe(
      'mobile Android',
    );
    expect(resolve(ANDROID_PHONE, hints({ mobile: false, model: 'SM-X710' }), null)).toBe('tablet Android');
    expect(resolve(LINUX_CHROME, hints({ mobile: false, platform: 'Chrome OS' }), null)).toBe('desktop ChromeOS');
    expect(resolve(LINUX_CHROME, hints({ mobile: false, platform: 'Android' }), null)).toBe('tablet Android');
  });

  it("then the tracker's report: touch and screen tell a desktop-site iPad, iPhone or Android phone", () => {
    expect(resolve(MAC_SAFARI, null, report({ touch: 5, screen_w: 1180, screen_h: 820 }))).toBe('tablet iPadOS');
    expect(resolve(MAC_SAFARI, null, report({ touch: 5, screen_w: 390, screen_h: 844 }))).toBe('mobile iOS');
    // iPadOS Safari reports its screen in portrait; a Mac's is landscape (a rotated 1080p monitor is wider than any iPad).
    expect(resolve(MAC_SAFARI, null, report({ screen_w: 820, screen_h: 1180 }))).toBe('tablet iPadOS');
    expect(resolve(MAC_SAFARI, null, report({ screen_w: 1080, screen_h: 1920 }))).toBe('desktop macOS');
    expect(resolve(MAC_SAFARI, null, report({ touch: 0, screen_w: 1512, screen_h: 982 }))).toBe('desktop macOS');
    expect(resolve(LINUX_CHROME, hints({ mobile: false, platform: 'Android' }), report({ touch: 5, screen_w: 412, screen_h: 915 }))).toBe(
      'mobile Android',
    );
    expect(resolve(LINUX_CHROME, null, report({ touch: 5, screen_w: 412, screen_h: 915 }))).toBe('mobile Android');
    expect(resolve(ANDROID_REDUCED, null, report({ mobile: true }))).toBe('mobile Android');
    expect(resolve(ANDROID_REDUCED, null, report({ touch: 5, screen_w: 360, screen_h: 780 }))).toBe('mobile Android');
  });

  it('touch alone does not make a Windows or Linux laptop a tablet', () => {
    const win = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
    expect(resolve(win, null, report({ touch: 10, screen_w: 1536, screen_h: 864 }))).toBe('desktop Windows');
    expect(resolve(LINUX_CHROME, null, report({ touch: 10, screen_w: 1920, screen_h: 1080 }))).toBe('desktop Linux');
  });

  it('a "Mobile" Android user agent stays a phone on a large screen (foldables unfolded)', () => {
    expect(resolve(ANDROID_PHONE, null, report({ touch: 5, screen_w: 673, screen_h: 841 }))).toBe('mobile Android');
  });
});
