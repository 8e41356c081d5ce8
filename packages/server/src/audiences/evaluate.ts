import { HASHED_TRAIT_PREFIX, type AudienceDefinition, type AudiencePredicate } from '@tidemark/core';
import type { AudienceRow } from '../stats';

const DAY = 86_400_000;

/** Whether a person the stats filters matched also satisfies every profile predicate at `now`. */
export function satisfies(predicates: readonly AudiencePredicate[], row: AudienceRow, now: number): boolean {
  return predicates.every((p) => {
    switch (p.type) {
      case 'score':
        return p.op === 'gte' ? row.score >= p.value : row.score <= p.value;
      case 'identified':
        return (row.user_id !== null) === p.value;
      case 'trait':
        return row.traits[p.key] === p.value;
      case 'last_seen_within':
        return now - row.last_seen <= p.days * DAY;
      case 'revenue':
        return p.op === 'gte' ? row.revenue >= p.value : row.revenue <= p.value;
      case 'segment':
        return row.segment === p.value;
      default:
        return false;
    }
  });
}

/**
 * Whether a person may change membership without any new event of theirs: the filters' period slides,
 * scores decay with recency, "last seen within" lapses. Then the current members are looked at again.
 */
export function changesWithTime(def: AudienceDefinition): boolean {
  return def.filters.length > 0 || def.predicates.some((p) => p.type === 'score' || p.type === 'last_seen_within' || p.type === 'segment');
}

/**
 * Whether a person who is not a member may become one without a new event: a score at most X (scores
 * decay), revenue (payments arrive by webhook, not as the person's events), a segment (recency moves
 * people between segments; a re-trained model moves them too). Such audiences are computed over everyone
 * on every pass.
 */
export function joinsWithoutEvents(def: AudienceDefinition): boolean {
  return def.predicates.some((p) => (p.type === 'score' && p.op === 'lte') || p.type === 'revenue' || p.type === 'segment');
}

/** The plain e-mail trait, if any (a hashed one is of no use to a list; one longer than an address can be is not one). */
export function emailOf(traits: Record<string, string>): string | null {
  const v = traits.email ?? traits.Email ?? null;
  return v && !v.startsWith(HASHED_TRAIT_PREFIX) && v.includes('@') && v.length <= 320 ? v : null;
}

export interface MembershipDiff {
  joins: AudienceRow[];
  stays: AudienceRow[];
  leaves: string[];
}

/**
 * The change of membership: `matched` are the looked-at people who qualify now, `candidates` the
 * people looked at (null: everyone); members not looked at stay as they are.
 */
export function diffMembership(
  current: ReadonlySet<string>,
  candidates: readonly string[] | null,
  matched: readonly AudienceRow[],
): MembershipDiff {
  const now = new Set(matched.map((r) => r.pid));
  const lookedAt = candidates === null ? current : new Set(candidates.filter((c) => current.has(c)));
  return {
    joins: matched.filter((r) => !current.has(r.pid)),
    stays: matched.filter((r) => current.has(r.pid)),
    leaves: [...lookedAt].filter((pid) => !now.has(pid)).sort(),
  };
}
