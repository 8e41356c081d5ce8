import { INGEST_LIMITS as L } from '@tidemark/core';
import { drop } from '../drop';
import type { NamedStep } from '../types';

// Historical imports reach back this far and no further.
const EARLIEST_TS = Date.UTC(2000, 0, 1);

/**
 * Event time. Browser clocks are not trusted: the event time is shifted by the difference between
 * our clock and the client's at sending (`received_at - sent_at`), then anything later than now is
 * clamped to now and anything older than an hour refused. Server-side clients may send historical
 * times (backfills, imports) but not future ones, beyond a small tolerance for clock drift.
 */
export const timestampStep: NamedStep = {
  name: 'timestamp',
  run: (ev, ctx) => {
    const now = ctx.receivedAt;
    const client = ev.client_ts;
    if (client === null) {
      ev.ts = now;
      return ev;
    }
    if (ctx.trust === 'browser') {
      let ts = ctx.sentAt !== null ? client + (now - ctx.sentAt) : client;
      if (ts > now) ts = now;
      if (now - ts > L.browserMaxAgeMs) {
        return drop(
          'stale_timestamp',
          `event time ${new Date(Math.max(0, ts)).toISOString()} is more than ${L.browserMaxAgeMs / 60000} minutes old`,
          'timestamp',
        );
      }
      ev.ts = Math.round(ts);
      return ev;
    }
    if (client > now + L.serverFutureToleranceMs) {
      return drop('future_timestamp', `event time ${new Date(client).toISOString()} is in the future`, 'timestamp');
    }
    if (client < EARLIEST_TS) return drop('invalid_timestamp', 'event time is before 2000-01-01', 'timestamp');
    ev.ts = Math.round(Math.min(client, now));
    return ev;
  },
};
