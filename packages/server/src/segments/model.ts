import { SEGMENT_K_MAX, SEGMENT_K_MIN, type Segment } from '@tidemark/core';
import { fitScaler, standardise, unstandardise, type KeyPage, type Scaler } from './features';
import { kmeans, nearest, sampleIndices, seededRandom, silhouette, sqDist, type Vec } from './kmeans';
import { distinguishing, nameOf } from './naming';

/** What a site's segment model keeps (meta `segment_models.model`, JSON). Centres are standardised. */
export interface SegmentModelData {
  features: string[];
  key_pages: KeyPage[];
  scaler: Scaler;
  segments: Segment[];
  centroids: number[][];
  /** The next new segment's number (ids s1, s2 … are never reused). */
  next_id: number;
  /** Mean silhouette per k tried, the criterion k was chosen by. */
  silhouettes: Record<string, number>;
}

export interface TrainPerson {
  vector: number[];
  converted: boolean;
  revenue: number;
}

export interface TrainOptions {
  seed?: number;
  restarts?: number;
  /** People k-means runs on (a seeded sample beyond it); every person is assigned afterwards. */
  maxFit?: number;
  /** Points the silhouette is measured on (O(n²)). */
  maxSilhouette?: number;
}

export const MIN_PEOPLE = 40;

export interface TrainedModel {
  model: SegmentModelData;
  k: number;
  silhouette: number;
  labels: number[];
}

/**
 * k-means on the standardised vectors for each k in 8–12 (k-means++ starts, several restarts), keeping
 * the k with the highest mean silhouette; then segments keep the ids and names of the previous model's
 * nearest centres (matchCentroids) and new ones get a new id and a name from their features.
 */
export function trainSegments(
  people: readonly TrainPerson[],
  names: readonly string[],
  keyPages: readonly KeyPage[],
  previous: SegmentModelData | null,
  opts: TrainOptions = {},
): TrainedModel {
  if (people.length < MIN_PEOPLE) throw new Error(`too few people to segment: ${people.length} (at least ${MIN_PEOPLE})`);
  const rand = seededRandom(opts.seed ?? 20_260_101);
  const scaler = fitScaler(people.map((p) => p.vector));
  const z = people.map((p) => standardise(scaler, p.vector));
  const fit = sampleIndices(z.length, opts.maxFit ?? 8000, rand).map((i) => z[i]!);
  const sil = sampleIndices(fit.length, opts.maxSilhouette ?? 1500, rand).map((i) => fit[i]!);
  const silhouettes: Record<string, number> = {};
  let best: { k: number; centroids: number[][]; s: number } | null = null;
  const kMax = Math.min(SEGMENT_K_MAX, Math.floor(fit.length / 4));
  for (let k = SEGMENT_K_MIN; k <= kMax; k++) {
    const c = kmeans(fit, k, opts.restarts ?? 5, rand);
    const s = silhouette(
      sil,
      sil.map((p) => nearest(p, c.centroids)),
      k,
    );
    silhouettes[String(k)] = Math.round(s * 10_000) / 10_000;
    if (!best || s > best.s) best = { k, centroids: c.centroids, s };
  }
  const { k, centroids } = best!;
  const labels = z.map((p) => nearest(p, centroids));
  const prev = previous && sameFeatures(previous.features, names) ? previous : null;
  const match = prev
    ? matchCentroids(
        prev.centroids.map((c) => standardise(scaler, unstandardise(prev.scaler, c))),
        centroids,
      )
    : [];
  let nextId = previous?.next_id ?? 1;
  const taken = new Set<string>();
  const refs = centroids.map((_, c) => {
    const old = match[c] !== undefined && match[c] !== null ? prev!.segments[match[c]!] : undefined;
    if (old) taken.add(old.name);
    return old ? { id: old.id, name: old.name } : null;
  });
  const segments: Segment[] = centroids.map((centre, c) => {
    let ref = refs[c];
    if (!ref) {
      const name = nameOf(names, centre, taken);
      taken.add(name);
      ref = { id: `s${nextId++}`, name };
    }
    const members = people.filter((_, i) => labels[i] === c);
    const converted = members.filter((m) => m.converted).length;
    return {
      ...ref,
      people: members.length,
      share: round4(members.length / people.length),
      converted,
      conversion_rate: members.length ? round4(converted / members.length) : 0,
      revenue: Math.round(members.reduce((a, m) => a + m.revenue, 0) * 100) / 100,
      features: distinguishing(names, scaler, centre),
    };
  });
  return {
    model: { features: [...names], key_pages: [...keyPages], scaler, segments, centroids, next_id: nextId, silhouettes },
    k,
    silhouette: best!.s,
    labels,
  };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const sameFeatures = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * For each new centre the index of the old centre it continues, or null: pairs taken closest first
 * (greedy on the distance matrix), each old centre at most once.
 */
export function matchCentroids(old: readonly Vec[], fresh: readonly Vec[]): Array<number | null> {
  const pairs: Array<{ o: number; n: number; d: number }> = [];
  for (let o = 0; o < old.length; o++) for (let n = 0; n < fresh.length; n++) pairs.push({ o, n, d: sqDist(old[o]!, fresh[n]!) });
  pairs.sort((a, b) => a.d - b.d || a.n - b.n || a.o - b.o);
  const out: Array<number | null> = fresh.map(() => null);
  const used = new Set<number>();
  for (const p of pairs) {
    if (out[p.n] !== null || used.has(p.o)) continue;
    out[p.n] = p.o;
    used.add(p.o);
  }
  return out;
}

/** The segment of a vector under a trained model. */
export function assign(model: SegmentModelData, vector: readonly number[]): Segment {
  return model.segments[nearest(standardise(model.scaler, vector), model.centroids)]!;
}
