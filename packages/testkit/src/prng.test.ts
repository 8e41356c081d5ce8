import { describe, expect, it } from 'vitest';
import { Prng, Weighted } from './prng';
import { randomHex, uuidv7, uuidv7Time } from './uuid';

describe('Prng', () => {
  it('repeats its stream for a seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xs = Array.from({ length: 100 }, () => a.u32());
    expect(Array.from({ length: 100 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.u32())).not.toEqual(xs);
  });

  it('is roughly uniform and weighted choices follow their weights', () => {
    const r = new Prng('w');
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(r.next() * 10)]++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(600);
    const w = Weighted.of([
      ['a', 1],
      ['b', 3],
      ['c', 0],
    ]);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 40_000; i++) counts[w.pick(r)]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });

  it('makes RFC 9562 version-7 ids carrying their millisecond', () => {
    const r = new Prng(1);
    const ms = Date.UTC(2030, 5, 1, 12, 0, 0, 123);
    const id = uuidv7(ms, r);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(id)).toBe(ms);
    expect(uuidv7(ms, r)).not.toBe(id);
    expect(randomHex(16, r)).toMatch(/^[0-9a-f]{16}$/);
  });
});
