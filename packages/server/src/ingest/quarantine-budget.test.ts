import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../counters';
import type { QuarantineRecord, WriteBatch } from '../store';
import { withQuarantineBudget } from './quarantine-budget';

const T = Date.UTC(2026, 0, 5, 12);
const q = (i: number, site = 's1', reason = 'invalid_event', at = T): QuarantineRecord => ({
  id: `0190b3a0-0000-7000-8000-${String(i).padStart(12, '0')}`,
  site_id: site,
  received_at: at,
  contract: 'insighthub.collect',
  reason,
  errors: '[]',
  payload: '{}',
});
const raw = (site = 's1') => ({
  id: '0190b3a0-0000-7000-8000-ffffffffffff',
  site_id: site,
  received_at: T,
  contract: 'insighthub.collect',
  body: '{}',
});

function sinkOf() {
  const got: WriteBatch[] = [];
  return { got, sink: { submit: async (b: WriteBatch) => void got.push(b) } };
}

describe('withQuarantineBudget', () => {
  it('keeps the first rows of the day per site and counts the rest as quarantine_full instead of their reason', async () => {
    const { got, sink } = sinkOf();
    const budget = withQuarantineBudget(sink, new MemoryCounterStore(), 3);
    await budget.submit({
      events: [],
      raw: [raw()],
      quarantine: [q(1), q(2)],
      drops: [{ site_id: 's1', day: '2026-01-05', reason: 'invalid_event', count: 2 }],
    });
    await budget.submit({
      events: [],
      raw: [raw()],
      quarantine: [q(3), q(4, 's1', 'url_too_long'), q(5)],
      drops: [
        { site_id: 's1', day: '2026-01-05', reason: 'invalid_event', count: 2 },
        { site_id: 's1', day: '2026-01-05', reason: 'url_too_long', count: 1 },
        { site_id: 's1', day: '2026-01-05', reason: 'bot', count: 4 },
      ],
    });
    await budget.submit({
      events: [],
      raw: [raw()],
      quarantine: [q(6)],
      drops: [{ site_id: 's1', day: '2026-01-05', reason: 'invalid_event', count: 1 }],
    });
    expect(got.map((b) => b.quarantine.map((r) => r.id.slice(-1)))).toEqual([['1', '2'], ['3'], []]);
    expect(got[1]!.drops).toEqual([
      { site_id: 's1', day: '2026-01-05', reason: 'invalid_event', count: 1 },
      { site_id: 's1', day: '2026-01-05', reason: 'bot', count: 4 },
      { site_id: 's1', day: '2026-01-05', reason: 'quarantine_full', count: 2 },
    ]);
    // Nothing of the last request is kept: its raw body neither.
    expect(got.map((b) => b.raw.length)).toEqual([1, 1, 0]);
    expect(got[2]!.drops).toEqual([{ site_id: 's1', day: '2026-01-05', reason: 'quarantine_full', count: 1 }]);
  });

  it('keeps the raw body of a request that stored events, and gives each site and day its own budget', async () => {
    const { got, sink } = sinkOf();
    const budget = withQuarantineBudget(sink, new MemoryCounterStore(), 1);
    const event = { event_id: 'e' } as unknown as WriteBatch['events'][number];
    await budget.submit({
      events: [],
      raw: [raw()],
      quarantine: [q(1)],
      drops: [{ site_id: 's1', day: '2026-01-05', reason: 'invalid_event', count: 1 }],
    });
    await budget.submit({
      events: [event],
      raw: [raw()],
      quarantine: [q(2)],
      drops: [{ site_id: 's1', day: '2026-01-05', reason: 'invalid_event', count: 1 }],
    });
    await budget.submit({
      events: [],
      raw: [raw('s2')],
      quarantine: [q(3, 's2')],
      drops: [{ site_id: 's2', day: '2026-01-05', reason: 'invalid_event', count: 1 }],
    });
    await budget.submit({
      events: [],
      raw: [],
      quarantine: [q(4, 's1', 'invalid_event', T + 86_400_000)],
      drops: [{ site_id: 's1', day: '2026-01-06', reason: 'invalid_event', count: 1 }],
    });
    expect(got.map((b) => [b.quarantine.length, b.raw.length])).toEqual([
      [1, 1],
      [0, 1],
      [1, 1],
      [1, 0],
    ]);
  });

  it('passes batches through untouched when there is no cap or nothing to quarantine', async () => {
    const { got, sink } = sinkOf();
    const batch: WriteBatch = { events: [], raw: [raw()], quarantine: [q(1), q(2)], drops: [] };
    await withQuarantineBudget(sink, new MemoryCounterStore(), 0).submit(batch);
    const drops: WriteBatch = {
      events: [],
      raw: [],
      quarantine: [],
      drops: [{ site_id: 's1', day: '2026-01-05', reason: 'bot', count: 1 }],
    };
    await withQuarantineBudget(sink, new MemoryCounterStore(), 1).submit(drops);
    expect(got[0]).toBe(batch);
    expect(got[1]).toBe(drops);
  });
});

describe('withQuarantineBudget over counters that start empty', () => {
  it('counts what the store already holds for the day before charging it first, once per site and day', async () => {
    const { got, sink } = sinkOf();
    const asked: Array<[string, number]> = [];
    const storedSince = async (site: string, since: number) => {
      asked.push([site, since]);
      return site === 's1' ? 2 : 0;
    };
    const budget = withQuarantineBudget(sink, new MemoryCounterStore(), 3, { storedSince });
    const inv = (rows: QuarantineRecord[]): WriteBatch => ({
      events: [],
      raw: [],
      quarantine: rows,
      drops: [{ site_id: rows[0]!.site_id, day: '2026-01-05', reason: 'invalid_event', count: rows.length }],
    });
    await Promise.all([budget.submit(inv([q(1), q(2)])), budget.submit(inv([q(3)]))]);
    await budget.submit(inv([q(4, 's2'), q(5, 's2')]));
    // s1 held 2 already: one more fits, whichever batch came first.
    expect(got.filter((b) => b.quarantine[0]?.site_id !== 's2').flatMap((b) => b.quarantine)).toHaveLength(1);
    expect(got.find((b) => b.quarantine[0]?.site_id === 's2')!.quarantine).toHaveLength(2);
    expect(asked).toEqual([
      ['s1', Date.UTC(2026, 0, 5)],
      ['s2', Date.UTC(2026, 0, 5)],
    ]);
  });
});
