import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DuckDbClient } from './client';
import { IdFilter, idWords, idWordsSql, v7LowerBound } from './id-filter';
import { storedIdsSql } from './dedupe';
import { uuidv4, uuidv7 } from '../../../test/helpers/events';

/** Many random v4-shaped ids at once (one random draw for all of them). */
function randomIds(n: number): string[] {
  const hex = randomBytes(16 * n).toString('hex');
  return Array.from({ length: n }, (_, i) => {
    const h = hex.slice(32 * i, 32 * i + 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  });
}

describe('IdFilter', () => {
  it('never forgets an id, across growth, and rarely claims an unknown one', () => {
    const filter = new IdFilter();
    const known = [...randomIds(390_000), ...Array.from({ length: 10_000 }, (_, i) => uuidv7(Date.now() - i))];
    for (const id of known) filter.add(id);
    expect(filter.size).toBe(known.length);
    expect(known.every((id) => filter.mightContain(id))).toBe(true);
    let falsePositives = 0;
    for (const id of randomIds(200_000)) if (filter.mightContain(id)) falsePositives++;
    expect(falsePositives).toBeLessThan(200); // ≈4e-5 per id by design; 1e-3 is a loose bound
  });

  it('checks a group and records the ids it is told to, hashing each once, the same as add/mightContain', () => {
    const filter = new IdFilter();
    const stored = randomIds(1000);
    for (const id of stored) filter.add(id);
    const group = [...stored.slice(0, 10), ...randomIds(990)];
    const { candidates, record } = filter.check(group);
    expect(candidates.slice(0, 10)).toEqual(stored.slice(0, 10));
    expect(candidates.length).toBeLessThan(15);
    for (let i = 10; i < 500; i++) record(i);
    expect(filter.size).toBe(1490);
    expect(group.slice(10, 500).every((id) => filter.mightContain(id))).toBe(true);
    expect(group.slice(500).filter((id) => filter.mightContain(id)).length).toBeLessThan(5);
  });

  it('spreads ids that differ in a few bits only (client-chosen, non-random)', () => {
    const filter = new IdFilter();
    const id = (n: number) => `00000000-0000-1000-8000-${n.toString(16).padStart(12, '0')}`;
    for (let n = 0; n < 50_000; n++) filter.add(id(n));
    let falsePositives = 0;
    for (let n = 50_000; n < 100_000; n++) if (filter.mightContain(id(n))) falsePositives++;
    expect(falsePositives).toBeLessThan(50);
  });

  it('holds only the v7 ids of its window: older v7 ids are always candidates, ids of other kinds always held', () => {
    const since = Date.UTC(2026, 5, 1);
    const filter = new IdFilter(0, since);
    const old = Array.from({ length: 100 }, (_, i) => uuidv7(since - 1 - i * 3_600_000));
    const recent = Array.from({ length: 100 }, (_, i) => uuidv7(since + i * 3_600_000));
    const other = randomIds(100);
    for (const id of [...old, ...recent, ...other]) filter.add(id);
    expect(filter.size).toBe(200); // the old ones are not held
    expect([...old, ...recent, ...other].every((id) => filter.mightContain(id))).toBe(true);
    // Unknown ids: old v7 ones are never ruled out, recent v7 and v4 ones nearly always are.
    expect(Array.from({ length: 100 }, (_, i) => uuidv7(since - 1 - i)).every((id) => filter.mightContain(id))).toBe(true);
    const unknown = [...Array.from({ length: 1000 }, (_, i) => uuidv7(since + i)), ...randomIds(1000)];
    expect(unknown.filter((id) => filter.mightContain(id)).length).toBeLessThan(3);

    const group = [uuidv7(since - 10), uuidv7(since + 10), randomIds(1)[0]!, recent[0]!];
    const { candidates, record } = filter.check(group);
    expect(candidates).toEqual([group[0], recent[0]]);
    for (let i = 0; i < 3; i++) record(i);
    expect(filter.size).toBe(202);
    expect(group.every((id) => filter.mightContain(id))).toBe(true);
  });

  it('bounds v7 ids by creation time, in the order DuckDB compares UUIDs', async () => {
    const ms = Date.UTC(2026, 11, 6, 12, 0, 0, 7);
    expect(v7LowerBound(ms)).toBe(
      `${ms.toString(16).padStart(12, '0').slice(0, 8)}-${ms.toString(16).padStart(12, '0').slice(8)}-0000-0000-000000000000`,
    );
    const db = await DuckDbClient.open(':memory:');
    try {
      const ids = [uuidv7(ms - 1), uuidv7(ms), uuidv7(ms + 1), uuidv7(ms - 86_400_000)];
      const [row] = await db.all<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM (SELECT CAST(unnest(string_split(?, ',')) AS UUID) AS id) WHERE id >= CAST(? AS UUID)`,
        [ids.join(','), v7LowerBound(ms)],
      );
      expect(row!.n).toBe(2);
      expect(ids.filter((id) => id >= v7LowerBound(ms))).toEqual(ids.slice(1, 3));
    } finally {
      db.close();
    }
  });

  it('reads the same words from stored UUIDs as from their strings, from the tables each keying state reads', async () => {
    const db = await DuckDbClient.open(':memory:');
    try {
      const ids = [uuidv4(), uuidv7(), 'ffffffff-ffff-4fff-bfff-ffffffffffff', '00000000-0000-4000-8000-000000000000', uuidv7(), uuidv7()];
      await db.run('CREATE TABLE event_keys (event_id UUID)');
      await db.run('CREATE TABLE event_keys_other (event_id UUID)');
      await db.run('CREATE TABLE events (event_id UUID, received_at TIMESTAMP)');
      await db.run(`INSERT INTO event_keys SELECT CAST(unnest(string_split(?, ',')) AS UUID)`, [ids.slice(0, 2).join(',')]);
      await db.run(`INSERT INTO event_keys_other SELECT CAST(unnest(string_split(?, ',')) AS UUID)`, [ids.slice(2, 4).join(',')]);
      // An event received at 1,000 ms and one at 3,000 ms, probed in `events` while unkeyed or received before keys_since.
      await db.run(`INSERT INTO events VALUES (CAST(? AS UUID), epoch_ms(1000)), (CAST(? AS UUID), epoch_ms(3000))`, [ids[4], ids[5]]);
      const words = async (keysSince: number | null) =>
        (await db.all<{ w0: number; w1: number; w2: number; w3: number }>(idWordsSql(storedIdsSql(keysSince))))
          .map((r) => [r.w0, r.w1, r.w2, r.w3].join(':'))
          .sort();
      const expected = (list: string[]) => list.map((id) => idWords(id).join(':')).sort();
      expect(await words(null)).toEqual(expected(ids));
      expect(await words(2000)).toEqual(expected(ids.slice(0, 5)));
      expect(await words(0)).toEqual(expected(ids.slice(0, 4)));
      // From a v7 bound on: v7 ids below it are left out of event_keys and events; event_keys_other is read whole.
      const v7 = [ids[1]!, ids[4]!, ids[5]!].sort();
      const bound = v7[1]!;
      const bounded = async (keysSince: number | null) =>
        (await db.all<{ w0: number; w1: number; w2: number; w3: number }>(idWordsSql(storedIdsSql(keysSince, bound))))
          .map((r) => [r.w0, r.w1, r.w2, r.w3].join(':'))
          .sort();
      const atOrAbove = (list: string[]) => list.filter((id) => !v7.includes(id) || id >= bound);
      expect(await bounded(null)).toEqual(expected(atOrAbove(ids)));
      expect(await bounded(2000)).toEqual(expected(atOrAbove(ids.slice(0, 5))));
    } finally {
      db.close();
    }
  });
});
