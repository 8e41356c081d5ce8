import { describe, expect, it } from 'vitest';
import { InsertBatch } from './insert-batch';

describe('InsertBatch', () => {
  const make = (fail = false) => {
    const inserts: number[][] = [];
    const b = new InsertBatch<number>(
      async (rows) => {
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('insert failed');
        inserts.push(rows);
      },
      { waitMs: 20, maxRows: 4, maxBytes: 1000, sizeOf: (n) => n },
    );
    return { b, inserts };
  };

  it('gathers concurrent rows into one insert and settles each only after that insert returned', async () => {
    const { b, inserts } = make();
    const seen: number[][] = [];
    await Promise.all([1, 2, 3].map((n) => b.add(n).then(() => seen.push(inserts.flat()))));
    expect(inserts).toEqual([[1, 2, 3]]);
    // Every caller was answered after its row was in an insert.
    for (const s of seen) expect(s).toEqual([1, 2, 3]);
  });

  it('inserts at once when full by rows or bytes, the rest in the next batch', async () => {
    const { b, inserts } = make();
    await Promise.all([1, 2, 3, 4, 5].map((n) => b.add(n)));
    expect(inserts).toEqual([[1, 2, 3, 4], [5]]);
    const big = make();
    await Promise.all([600, 500, 7].map((n) => big.b.add(n)));
    expect(big.inserts).toEqual([[600, 500], [7]]);
  });

  it('fails every row of a failed insert (none is acknowledged)', async () => {
    const { b } = make(true);
    const results = await Promise.allSettled([1, 2].map((n) => b.add(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
