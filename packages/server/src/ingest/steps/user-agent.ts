import { resolveDevice, type DeviceReport } from '../lib/device';
import { endUserAgent } from '../lib/end-user';
import type { NamedStep, PreEvent } from '../types';

/**
 * Browser, OS and device type: the user agent (parsed once per distinct string), then the device weighed
 * against the client hints and the tracker's report (lib/device.ts, precedence in ingest/README.md).
 */
export const userAgentStep: NamedStep = {
  name: 'user-agent',
  run: (ev, ctx) => {
    const ua = endUserAgent(ev, ctx);
    if (!ua) return ev;
    const info = ctx.services.userAgents.get(ua);
    // The request's client hints describe the request's browser: not a visitor a backend passes on.
    const hints = ev.client_user_agent ? null : (ctx.signals.clientHints ?? null);
    const d = resolveDevice(info, hints, report(ev));
    ev.browser = info.browser;
    ev.browser_version = info.browser_version;
    ev.os = d.os;
    ev.os_version = d.os_version;
    ev.device_type = d.device_type;
    return ev;
  },
};

function report(ev: PreEvent): DeviceReport | null {
  if (ev.client_mobile === null && ev.client_touch === null && ev.screen_w === null) return null;
  return { mobile: ev.client_mobile, touch: ev.client_touch, screen_w: ev.screen_w, screen_h: ev.screen_h };
}
