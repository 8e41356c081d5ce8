import { describe, expect, it } from 'vitest';
import { seededRandom } from './kmeans';
import { matchCentroids, trainSegments, type TrainPerson } from './model';

/** People around 10 distinct behaviour profiles in 4 dimensions (+ noise). */
function people(seed: number, n = 40): { list: TrainPerson[]; truth: number[] } {
  const r = seededRandom(seed);
  const centres = Array.from({ length: 10 }, (_, i) => [i % 2 ? 6 : 0, Math.floor(i / 2) * 5, i % 3 ? 4 : -4, i * 1.5]);
  const list: TrainPerson[] = [];
  const truth: number[] = [];
  centres.forEach((c, i) => {
    for (let j = 0; j < n; j++) {
      list.push({ vector: c.map((x) => x + (r() - 0.5)), converted: i === 3, revenue: i === 3 ? 10 : 0 });
      truth.push(i);
    }
  });
  return { list, truth };
}
const NAMES = ['sessions', 'pageviews', 'goals', 'key_page:pricing'];

describe('trainSegments', () => {
  it('chooses k in 8–12 by the highest silhouette and counts each segment', () => {
    const { list } = people(1);
    const t = trainSegments(list, NAMES, [{ name: 'pricing', path: '/pricing*' }], null);
    expect(t.k).toBe(10);
    const sil = t.model.silhouettes;
    expect(Object.keys(sil).map(Number)).toEqual([8, 9, 10, 11, 12]);
    expect(Math.max(...Object.values(sil))).toBeCloseTo(t.silhouette, 3);
    expect(t.model.segments.reduce((a, s) => a + s.people, 0)).toBe(list.length);
    const buyers = t.model.segments.find((s) => s.converted > 0)!;
    expect(buyers).toMatchObject({ people: 40, converted: 40, conversion_rate: 1, revenue: 400 });
    expect(new Set(t.model.segments.map((s) => s.name)).size).toBe(10);
    expect(t.model.segments.map((s) => s.id).sort()).toEqual(['s1', 's10', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9']);
  });

  it('keeps ids and names when retrained on other people of the same behaviours', () => {
    const first = trainSegments(people(1).list, NAMES, [], null);
    const { list, truth } = people(2);
    const again = trainSegments(list, NAMES, [], first.model);
    // The same true group gets the same id in both models.
    const idOf = (t: typeof first, i: number) => t.model.segments[t.labels[i]!]!.id;
    const firstIds = new Map<number, string>();
    for (const [i, g] of people(1).truth.entries()) firstIds.set(g, idOf(first, i));
    for (const [i, g] of truth.entries()) expect(idOf(again, i)).toBe(firstIds.get(g));
    expect(new Map(again.model.segments.map((s) => [s.id, s.name]))).toEqual(new Map(first.model.segments.map((s) => [s.id, s.name])));
    expect(again.model.next_id).toBe(11);
  });

  it('refuses too few people', () => {
    expect(() => trainSegments(people(1, 3).list, NAMES, [], null)).toThrow(/too few people/);
  });
});

describe('matchCentroids', () => {
  it('pairs closest first, each old centre once', () => {
    expect(matchCentroids([[0], [10]], [[9], [1], [5]])).toEqual([1, 0, null]);
    expect(matchCentroids([], [[1]])).toEqual([null]);
  });
});
