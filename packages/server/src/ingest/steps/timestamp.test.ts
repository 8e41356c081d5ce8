import { describe, expect, it } from 'vitest';
import { Drop } from '../drop';
import { testContext, testEvent } from '../../../test/helpers/ingest';
import { timestampStep } from './timestamp';

const NOW = Date.UTC(2025, 0, 8, 12, 0, 0);
const MIN = 60_000;

function ts(clientTs: number | null, ctxOver: Parameters<typeof testContext>[0] = {}): number | string {
  const ctx = testContext({ receivedAt: NOW, ...ctxOver });
  const r = timestampStep.run(testEvent({ client_ts: clientTs }, ctx), ctx);
  return r instanceof Drop ? r.reason : r.ts;
}

describe('timestamp step (browser): clock skew correction', () => {
  it('uses the server time when the client sent none', () => {
    expect(ts(null)).toBe(NOW);
  });

  it('shifts event times by the difference between server time and the client send time', () => {
    // Client clock 2 hours fast: it sent at its 14:00:05 an event of its 14:00:00.
    const fast = NOW + 2 * 60 * MIN;
    expect(ts(fast, { sentAt: fast + 5000 })).toBe(NOW - 5000);
    // Client clock 3 days slow.
    const slow = NOW - 3 * 24 * 60 * MIN;
    expect(ts(slow - 30_000, { sentAt: slow })).toBe(NOW - 30_000);
  });

  it('clamps times later than now to now', () => {
    expect(ts(NOW + 10 * MIN)).toBe(NOW);
    expect(ts(NOW + 1000, { sentAt: NOW })).toBe(NOW);
  });

  it('refuses events older than an hour after correction', () => {
    expect(ts(NOW - 59 * MIN)).toBe(NOW - 59 * MIN);
    expect(ts(NOW - 61 * MIN)).toBe('stale_timestamp');
    expect(ts(NOW - 2 * 60 * MIN, { sentAt: NOW - 1000 })).toBe('stale_timestamp');
  });
});

describe('timestamp step (server): historical allowed, future not', () => {
  const server = { trust: 'server' as const, contract: 'metricpal.v1.collect' as const };
  it('keeps historical times as sent', () => {
    const old = Date.UTC(2023, 5, 1);
    expect(ts(old, server)).toBe(old);
  });
  it('refuses times beyond the drift tolerance in the future, and absurdly old ones', () => {
    expect(ts(NOW + 60 * MIN, server)).toBe('future_timestamp');
    expect(ts(NOW + 60_000, server)).toBe(NOW);
    expect(ts(Date.UTC(1990, 0, 1), server)).toBe('invalid_timestamp');
  });
  it('ignores sent_at: backends own their clocks', () => {
    const old = Date.UTC(2024, 0, 1);
    expect(ts(old, { ...server, sentAt: NOW - 86_400_000 })).toBe(old);
  });
});
