import { describe, expect, it } from 'vitest';
import { eventIdStep, DERIVED_ID_WINDOW_MS } from './event-id';
import { testContext, testEvent } from '../../../test/helpers/ingest';
import type { PreEvent } from '../types';

const run = (over: Partial<PreEvent>, ctx = testContext()) => eventIdStep.run(testEvent({ ...over }), ctx) as PreEvent;

describe('event-id step', () => {
  it('derives the same UUIDv7 for the same content, visitor and 10-second window; another otherwise', () => {
    const t = Math.floor(Date.UTC(2025, 0, 8, 12) / DERIVED_ID_WINDOW_MS) * DERIVED_ID_WINDOW_MS;
    const a = run({ dedupe_key: 'k', ts: t + 1_000 }).event_id;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(run({ dedupe_key: 'k', ts: t + 9_000 }).event_id).toBe(a);
    expect(run({ dedupe_key: 'k', ts: t + 11_000 }).event_id).not.toBe(a);
    expect(run({ dedupe_key: 'other', ts: t + 1_000 }).event_id).not.toBe(a);
    expect(run({ dedupe_key: 'k', ts: t + 1_000 }, testContext({ ip: '198.51.100.1' })).event_id).not.toBe(a);
  });

  it('with the client’s own event time, needs no window', () => {
    const a = run({ dedupe_key: 'k', dedupe_exact: true, client_ts: 1_736_337_600_123, ts: 1 }).event_id;
    expect(run({ dedupe_key: 'k', dedupe_exact: true, client_ts: 1_736_337_600_123, ts: 99_999_999 }).event_id).toBe(a);
  });

  it('keeps a client id and makes a random one when there is no dedupe key', () => {
    const id = crypto.randomUUID();
    expect(run({ event_id: id.toUpperCase() }).event_id).toBe(id);
    expect(run({}).event_id).not.toBe(run({}).event_id);
  });
});
