import { describe, expect, it } from 'vitest';
import type { Experiment } from '@tidemark/core';
import { assignmentUnit, servedVariant, variantFor } from './assign';

/** Pearson chi-square of counts against expected shares, and its p-value for 1 or 2 degrees of freedom by closed form. */
function chiSquare(counts: number[], shares: number[]): { chi: number; p: number } {
  const total = counts.reduce((a, b) => a + b, 0);
  const chi = counts.reduce((s, c, i) => s + (c - total * shares[i]!) ** 2 / (total * shares[i]!), 0);
  if (counts.length === 3) return { chi, p: Math.exp(-chi / 2) };
  // df = 1: P(|Z| > sqrt(chi)) by integrating the normal density (Simpson).
  const z = Math.sqrt(chi);
  const n = 100_000;
  const h = 40 / n;
  const f = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  let s = f(z) + f(z + 40);
  for (let i = 1; i < n; i++) s += f(z + i * h) * (i % 2 ? 4 : 2);
  return { chi, p: (2 * s * h) / 3 };
}

const units = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => assignmentUnit(`${prefix}-${i}`, null));

describe('experiment assignment', () => {
  const ab = [
    { key: 'control', weight: 1 },
    { key: 'treatment', weight: 1 },
  ];
  const weighted = [
    { key: 'a', weight: 1 },
    { key: 'b', weight: 2 },
    { key: 'c', weight: 1 },
  ];

  it('is stable: the same key and person always get the same variant', () => {
    for (const u of units(500, 'stable')) expect(variantFor('hero', u, ab)).toBe(variantFor('hero', u, ab));
  });

  it('identifies people by user id when identified, else by visitor id', () => {
    expect(assignmentUnit('v1', 'alice')).toBe('ualice');
    expect(assignmentUnit('v1', null)).toBe('vv1');
    expect(assignmentUnit('v1', '')).toBe('vv1');
  });

  it('splits people as the weights say (chi-square)', () => {
    const people = units(20_000, 'balance');
    const two = ab.map((v) => people.filter((u) => variantFor('hero', u, ab) === v.key).length);
    expect(chiSquare(two, [0.5, 0.5]).p).toBeGreaterThan(0.001);
    const three = weighted.map((v) => people.filter((u) => variantFor('pricing', u, weighted) === v.key).length);
    expect(chiSquare(three, [0.25, 0.5, 0.25]).p).toBeGreaterThan(0.001);
  });

  it('assigns independently across experiments (the same person is not always in the same arm)', () => {
    const people = units(8_000, 'independent');
    const cells = [0, 0, 0, 0];
    for (const u of people)
      cells[(variantFor('one', u, ab) === 'control' ? 0 : 2) + (variantFor('two', u, ab) === 'control' ? 0 : 1)]! += 1;
    // Independence: each of the four combinations gets a quarter (3 degrees of freedom → compare via the df-2 bound loosely).
    const total = people.length;
    for (const c of cells) expect(Math.abs(c - total / 4)).toBeLessThan(5 * Math.sqrt(total * 0.25 * 0.75));
  });

  it('serves running experiments by hash, stopped ones the winner or the control, drafts not at all', () => {
    const base = {
      id: 'e1',
      site_id: 's',
      key: 'hero',
      name: 'Hero',
      variants: ab,
      metric: { type: 'revenue' },
      winner: null,
      started_at: null,
      stopped_at: null,
      created_at: '',
      updated_at: '',
    } as const;
    const running = { ...base, status: 'running' } as Experiment;
    expect(servedVariant(running, 'vx')).toEqual({ variant: variantFor('hero', 'vx', ab), expose: true });
    expect(servedVariant({ ...base, status: 'stopped' } as Experiment, 'vx')).toEqual({ variant: 'control', expose: false });
    expect(servedVariant({ ...base, status: 'stopped', winner: 'treatment' } as Experiment, 'vx')).toEqual({
      variant: 'treatment',
      expose: false,
    });
    expect(servedVariant({ ...base, status: 'draft' } as Experiment, 'vx')).toBeNull();
  });
});
