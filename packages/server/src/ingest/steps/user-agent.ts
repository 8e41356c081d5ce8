import { endUserAgent } from '../lib/end-user';
import type { NamedStep } from '../types';

/** Browser, OS and device type from the user agent (parsed once per distinct string). */
export const userAgentStep: NamedStep = {
  name: 'user-agent',
  run: (ev, ctx) => {
    const ua = endUserAgent(ev, ctx);
    if (!ua) return ev;
    const info = ctx.services.userAgents.get(ua);
    ev.browser = info.browser;
    ev.browser_version = info.browser_version;
    ev.os = info.os;
    ev.os_version = info.os_version;
    ev.device_type = info.device_type;
    return ev;
  },
};
