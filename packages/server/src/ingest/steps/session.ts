import { uuidv7 } from '../lib/uuid';
import type { NamedStep } from '../types';
import { sessionKey, sessionTimeoutMs } from './identity';

/**
 * Sessions (DESIGN §4): a visitor's events on a site whose consecutive gaps are at most the site's
 * session timeout. The cache holds, per site and visitor, the current session and its latest event
 * time. A `session_end` event closes the session: the visitor's next event starts a new one.
 * Server-side clients that name their sessions keep their ids.
 */
export const sessionStep: NamedStep = {
  name: 'session',
  run: (ev, ctx) => {
    if (ctx.trust === 'server' && ev.client_session_id) {
      ev.session_id = ev.client_session_id.slice(0, 128);
      return ev;
    }
    const cache = ctx.services.sessions;
    const key = sessionKey(ctx.site.id, ev.visitor_id);
    const timeout = sessionTimeoutMs(ctx);
    const entry = cache.get(key);
    if (entry && ev.ts - entry.lastTs <= timeout && entry.lastTs - ev.ts <= timeout) {
      ev.session_id = entry.sessionId;
      if (ev.ts > entry.lastTs) cache.set(key, { sessionId: entry.sessionId, lastTs: ev.ts });
    } else if (entry && ev.ts < entry.lastTs) {
      // A straggler from well before the current session: its own session, leaving the current one be.
      ev.session_id = uuidv7(ev.ts);
      return ev;
    } else {
      ev.session_id = uuidv7(ev.ts);
      cache.set(key, { sessionId: ev.session_id, lastTs: ev.ts });
    }
    if (ev.name === 'session_end') cache.delete(key);
    return ev;
  },
};
