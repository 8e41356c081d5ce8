import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetaStore, type MetaStore } from '../../meta';
import { SaltKeeper, utcDay } from './salts';

const DAY = 86_400_000;
let dir: string;
let meta: MetaStore;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-salts-'));
  meta = await openMetaStore({ dataDir: dir });
});
afterAll(async () => {
  await meta.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('daily salts', () => {
  it('gives today and yesterday, stable within a day, rotating at UTC midnight', async () => {
    const keeper = new SaltKeeper(meta.salts);
    const t = Date.UTC(2025, 2, 10, 23, 59, 0);
    const p1 = await keeper.get(t);
    expect(p1.current.day).toBe('2025-03-10');
    expect(p1.previous?.day).toBe('2025-03-09');
    expect(p1.current.salt).not.toBe(p1.previous?.salt);
    expect(keeper.peek(t + 30_000)).toBe(p1);
    const p2 = await keeper.get(t + 2 * 60_000); // 00:01 next day
    expect(p2.current.day).toBe('2025-03-11');
    expect(p2.previous?.salt).toBe(p1.current.salt);
    expect(keeper.peek(t)).toBeNull();
  });

  it('agrees with another process on the same store', async () => {
    const t = Date.UTC(2025, 4, 1, 8);
    const [a, b] = await Promise.all([new SaltKeeper(meta.salts).get(t), new SaltKeeper(meta.salts).get(t)]);
    expect(a.current.salt).toBe(b.current.salt);
  });

  it('deletes salts older than 48 hours when a day starts', async () => {
    const start = Date.UTC(2025, 5, 1, 12);
    const keeper = new SaltKeeper(meta.salts);
    const first = await keeper.get(start);
    await keeper.get(start + 2 * DAY);
    await keeper.cleanup;
    // Day 1's salt is gone: asking for that day creates a fresh one.
    const again = await meta.salts.getOrCreate(utcDay(start));
    expect(again).not.toBe(first.current.salt);
  });
});
