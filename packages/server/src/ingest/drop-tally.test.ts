import { describe, expect, it } from 'vitest';
import type { WriteBatch } from '../store';
import { withDropTally } from './drop-tally';

const drop = (reason: string, count = 1, site = 's1'): WriteBatch => ({
  events: [],
  raw: [],
  quarantine: [],
  drops: [{ site_id: site, day: '2026-01-05', reason, count }],
});

describe('withDropTally', () => {
  it('writes the first drop of a quiet period at once and adds up the ones that follow', async () => {
    const got: WriteBatch[] = [];
    let fail = false;
    const sink = withDropTally(
      {
        submit: async (b: WriteBatch) => {
          if (fail) throw new Error('store down');
          got.push(b);
        },
      },
      50,
    );
    await sink.submit(drop('rate_limited'));
    expect(got).toHaveLength(1);
    for (let i = 0; i < 100; i++) await sink.submit(drop('rate_limited', 2));
    await sink.submit(drop('host_not_allowed', 3, 's2'));
    // Batches holding anything besides drops are never held back.
    const full: WriteBatch = { ...drop('bot'), raw: [{ id: 'x', site_id: 's1', received_at: 0, contract: 'c', body: '{}' }] };
    await sink.submit(full);
    expect(got).toHaveLength(2);
    expect(got[1]).toBe(full);
    await new Promise((r) => setTimeout(r, 80));
    expect(got).toHaveLength(3);
    expect(got[2]!.drops).toEqual([
      { site_id: 's1', day: '2026-01-05', reason: 'rate_limited', count: 200 },
      { site_id: 's2', day: '2026-01-05', reason: 'host_not_allowed', count: 3 },
    ]);
    // A tally that cannot be written is kept for the next try, and close writes what is left.
    await sink.submit(drop('rate_limited'));
    fail = true;
    await new Promise((r) => setTimeout(r, 80));
    fail = false;
    await sink.close();
    expect(got.slice(3).flatMap((b) => b.drops)).toEqual([{ site_id: 's1', day: '2026-01-05', reason: 'rate_limited', count: 1 }]);
    const total = got.flatMap((b) => b.drops).reduce((n, d) => n + d.count, 0);
    expect(total).toBe(1 + 200 + 3 + 1 + 1); // every count once: nothing lost, nothing doubled
  });
});
