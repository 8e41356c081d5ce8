import { createHash } from 'node:crypto';
import type { Experiment, ExperimentVariant } from '@tidemark/core';

/**
 * Assignment (docs/experiments.md): the variant of a person is a pure function of the experiment key and
 * the person, so every node, every request and the results agree without storing anything. The person is
 * the user id when identified, else the visitor id (the collector's: the cookieless daily hash, or the
 * stored id with persistent ids) — the same rule the results count people by (stats/people.ts).
 */

/** The assignment unit: 'u' + user id when identified, else 'v' + visitor id (as stats/people.ts). */
export const assignmentUnit = (visitorId: string, userId: string | null | undefined): string => (userId ? `u${userId}` : `v${visitorId}`);

/** A uniform number in [0, 1) from SHA-256 of key and unit (48 bits: the weights' granularity is far coarser). */
export function bucketOf(key: string, unit: string): number {
  const h = createHash('sha256').update(key).update('\0').update(unit).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

/** The variant whose cumulative weight share first exceeds the unit's bucket. */
export function variantFor(key: string, unit: string, variants: readonly ExperimentVariant[]): string {
  const total = variants.reduce((a, v) => a + v.weight, 0);
  const x = bucketOf(key, unit) * total;
  let acc = 0;
  for (const v of variants) {
    acc += v.weight;
    if (x < acc) return v.key;
  }
  return variants[variants.length - 1]!.key;
}

/**
 * What a page is told for one experiment: running ones assign by hash (and are exposed); stopped ones
 * show the declared winner, else the control, to everybody (and record nothing); drafts are not served.
 */
export function servedVariant(e: Experiment, unit: string): { variant: string; expose: boolean } | null {
  if (e.status === 'running') return { variant: variantFor(e.key, unit, e.variants), expose: true };
  if (e.status === 'stopped') return { variant: e.winner ?? e.variants[0]!.key, expose: false };
  return null;
}
