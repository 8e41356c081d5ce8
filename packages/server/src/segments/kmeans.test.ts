import { describe, expect, it } from 'vitest';
import { kmeans, kmeansPlusPlus, lloyd, sampleIndices, seededRandom, silhouette } from './kmeans';

/** Points around given centres, spread ±spread uniformly, n each. */
function blobs(centres: number[][], n: number, spread: number, seed: number): { points: number[][]; truth: number[] } {
  const r = seededRandom(seed);
  const points: number[][] = [];
  const truth: number[] = [];
  centres.forEach((c, i) => {
    for (let j = 0; j < n; j++) {
      points.push(c.map((x) => x + (r() * 2 - 1) * spread));
      truth.push(i);
    }
  });
  return { points, truth };
}

describe('k-means', () => {
  it('recovers well-separated blobs (each found cluster is one true blob)', () => {
    const { points, truth } = blobs(
      [
        [0, 0],
        [10, 0],
        [0, 10],
        [10, 10],
      ],
      30,
      1,
      7,
    );
    const c = kmeans(points, 4, 5, seededRandom(1));
    const byCluster = new Map<number, Set<number>>();
    c.labels.forEach((l, i) => {
      byCluster.set(l, (byCluster.get(l) ?? new Set()).add(truth[i]!));
    });
    expect(byCluster.size).toBe(4);
    for (const s of byCluster.values()) expect(s.size).toBe(1);
    // Inertia: each point within 1 of its centre per axis, so < 2 per point.
    expect(c.inertia).toBeLessThan(points.length * 2);
  });

  it('is deterministic under a seed', () => {
    const { points } = blobs(
      [
        [0, 0],
        [5, 5],
        [9, 1],
      ],
      20,
      3,
      3,
    );
    expect(kmeans(points, 3, 3, seededRandom(9))).toEqual(kmeans(points, 3, 3, seededRandom(9)));
  });

  it('k-means++ draws distinct starting points and lloyd refills an empty cluster', () => {
    const pts = [[0], [0], [0], [10]];
    const start = kmeansPlusPlus(pts, 2, seededRandom(2));
    expect(start.map((s) => s[0]).sort()).toEqual([0, 10]);
    // Two starts on the same point: one cluster would be empty; it takes the farthest point instead.
    const c = lloyd(pts, [[0], [0], [10]]);
    expect(new Set(c.labels).size).toBe(3);
  });

  it('silhouette equals the hand computation', () => {
    // Clusters {0, 1} and {4}: point 0: a = 1, b = 4 → 3/4; point 1: a = 1, b = 3 → 2/3; point 4 alone → 0.
    expect(silhouette([[0], [1], [4]], [0, 0, 1], 2)).toBeCloseTo((3 / 4 + 2 / 3 + 0) / 3, 12);
    // Well separated blobs score near 1, a random split near or below 0.
    const { points, truth } = blobs(
      [
        [0, 0],
        [20, 20],
      ],
      20,
      1,
      5,
    );
    expect(silhouette(points, truth, 2)).toBeGreaterThan(0.9);
    expect(
      silhouette(
        points,
        points.map((_, i) => i % 2),
        2,
      ),
    ).toBeLessThan(0.05);
  });

  it('samples without repetition, all when there are few', () => {
    expect(sampleIndices(5, 10, seededRandom(1))).toEqual([0, 1, 2, 3, 4]);
    const s = sampleIndices(100, 10, seededRandom(1));
    expect(new Set(s).size).toBe(10);
    expect(s.every((i) => i >= 0 && i < 100)).toBe(true);
  });
});
