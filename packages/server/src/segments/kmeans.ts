/**
 * k-means (Lloyd's iterations from a k-means++ start) and the silhouette: small textbook implementations,
 * deterministic under a seed so a re-training on the same people gives the same clusters.
 */

export type Vec = readonly number[];

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sqDist(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

/** The index of the centroid nearest to `p`. */
export function nearest(p: Vec, centroids: readonly Vec[]): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (let c = 0; c < centroids.length; c++) {
    const d = sqDist(p, centroids[c]!);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** k-means++: the first centre uniformly, each next one with probability proportional to D(x)². */
export function kmeansPlusPlus(points: readonly Vec[], k: number, rand: () => number): number[][] {
  const centres: number[][] = [[...points[Math.floor(rand() * points.length)]!]];
  const d2 = points.map((p) => sqDist(p, centres[0]!));
  while (centres.length < k) {
    const total = d2.reduce((a, b) => a + b, 0);
    let pick = 0;
    if (total > 0) {
      let r = rand() * total;
      for (pick = 0; pick < points.length - 1; pick++) {
        r -= d2[pick]!;
        if (r <= 0) break;
      }
    } else pick = Math.floor(rand() * points.length);
    const c = [...points[pick]!];
    centres.push(c);
    for (let i = 0; i < points.length; i++) d2[i] = Math.min(d2[i]!, sqDist(points[i]!, c));
  }
  return centres;
}

export interface Clustering {
  centroids: number[][];
  labels: number[];
  /** Sum of squared distances to the assigned centroid. */
  inertia: number;
}

/** Lloyd's iterations until no point changes cluster (or maxIter); an emptied cluster takes the farthest point. */
export function lloyd(points: readonly Vec[], start: number[][], maxIter = 100): Clustering {
  const k = start.length;
  const dim = points[0]?.length ?? 0;
  let centroids = start.map((c) => [...c]);
  const labels = new Array<number>(points.length).fill(-1);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    for (let i = 0; i < points.length; i++) {
      const c = nearest(points[i]!, centroids);
      if (c !== labels[i]) {
        labels[i] = c;
        changed++;
      }
    }
    const sums = Array.from({ length: k }, () => new Array<number>(dim).fill(0));
    const counts = new Array<number>(k).fill(0);
    for (let i = 0; i < points.length; i++) {
      const l = labels[i]!;
      counts[l]!++;
      const p = points[i]!;
      for (let j = 0; j < dim; j++) sums[l]![j]! += p[j]!;
    }
    centroids = sums.map((s, c) => (counts[c] ? s.map((x) => x / counts[c]!) : centroids[c]!));
    for (let c = 0; c < k; c++) {
      if (counts[c]) continue;
      // An empty cluster restarts at the point farthest from its centroid.
      let far = 0;
      let farD = -1;
      for (let i = 0; i < points.length; i++) {
        const d = sqDist(points[i]!, centroids[labels[i]!]!);
        if (d > farD) {
          farD = d;
          far = i;
        }
      }
      centroids[c] = [...points[far]!];
      labels[far] = c;
      changed++;
    }
    if (changed === 0) break;
  }
  const inertia = points.reduce((a, p, i) => a + sqDist(p, centroids[labels[i]!]!), 0);
  return { centroids, labels, inertia };
}

/** The best (least inertia) of `restarts` runs from k-means++ starts drawn from `rand`. */
export function kmeans(points: readonly Vec[], k: number, restarts: number, rand: () => number): Clustering {
  let best: Clustering | null = null;
  for (let r = 0; r < restarts; r++) {
    const run = lloyd(points, kmeansPlusPlus(points, k, rand));
    if (!best || run.inertia < best.inertia) best = run;
  }
  return best!;
}

/**
 * The mean silhouette (Rousseeuw 1987) of a clustering: per point s = (b − a) / max(a, b), a the mean
 * distance to its own cluster's other points, b the least mean distance to another cluster; 0 for a point
 * alone in its cluster. O(n²): callers pass a sample.
 */
export function silhouette(points: readonly Vec[], labels: readonly number[], k: number): number {
  const n = points.length;
  if (n < 2) return 0;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l]!++;
  let total = 0;
  const sums = new Array<number>(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]!] += Math.sqrt(sqDist(points[i]!, points[j]!));
    const own = labels[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    if (!Number.isFinite(b)) continue;
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / n;
}

/** Up to `max` indices of 0…n−1, a seeded sample without repetition (all when n ≤ max), in order. */
export function sampleIndices(n: number, max: number, rand: () => number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, max).sort((a, b) => a - b);
}
