import { audienceDefinitionSchema, type AudienceTarget } from '@tidemark/core';
import type { AudienceRow, ProfileScorer, StatsService, StatsSite } from '../stats';
import { changesWithTime, diffMembership, emailOf, joinsWithoutEvents, satisfies } from './evaluate';
import { checkedFilters } from './filters';
import type { AudienceRecord, AudienceStore, MemberRecord, PassWrite } from './store';

/** An incremental pass looks at events received since its last start less this (writes still in flight then). */
export const WATERMARK_LAG_MS = 10 * 60_000;
/** Beyond this many members a time-dependent audience is recomputed over everyone rather than by a list of ids. */
const MAX_LISTED_MEMBERS = 5000;

/** A person as a change names them to a destination. */
export function personOf(m: MemberRecord) {
  return {
    site_id: m.site_id,
    profile_id: m.profile_id,
    user_id: m.user_id,
    email: m.email,
    traits: JSON.parse(m.traits || '{}') as Record<string, string>,
  };
}

/**
 * One pass's membership, computed and not yet written: whom to look at (everyone, or the people with events
 * since the watermark plus, when time alone can change membership, the members), who qualifies now, and
 * the joins, leaves, summaries, size and change that follow.
 */
export async function planPass(o: {
  stats: Pick<StatsService, 'audienceRows'>;
  store: AudienceStore;
  site: StatsSite;
  audience: AudienceRecord;
  targets: AudienceTarget[];
  scorer: ProfileScorer;
  at: number;
}): Promise<PassWrite> {
  const { site, targets } = o;
  const id = o.audience.id;
  const def = audienceDefinitionSchema.parse(JSON.parse(o.audience.definition));
  const current = await o.store.members(site.id, id);
  const byPid = new Map(current.map((m) => [m.profile_id, m]));
  const full =
    o.audience.watermark === null ||
    o.audience.computed_definition !== o.audience.definition ||
    joinsWithoutEvents(def) ||
    (changesWithTime(def) && current.length > MAX_LISTED_MEMBERS);
  const rows = await o.stats.audienceRows(
    site,
    {
      filters: checkedFilters(def),
      period: def.period,
      changedSinceMs: full ? null : o.audience.watermark,
      alsoPids: !full && changesWithTime(def) ? [...byPid.keys()] : [],
    },
    o.scorer,
  );
  const matched = rows.rows.filter((r) => satisfies(def.predicates, r, o.at));
  const diff = diffMembership(new Set(byPid.keys()), rows.candidates, matched);
  const toMember = (r: AudienceRow, since: number): MemberRecord => ({
    site_id: site.id,
    audience_id: id,
    profile_id: r.pid,
    user_id: r.user_id,
    email: emailOf(r.traits),
    traits: JSON.stringify(r.traits),
    since,
    last_seen: r.last_seen,
    score: r.score,
    revenue: r.revenue,
  });
  const joins = diff.joins.map((r) => toMember(r, o.at));
  const changed = joins.length > 0 || diff.leaves.length > 0;
  return {
    siteId: site.id,
    audienceId: id,
    at: o.at,
    joins,
    leaves: diff.leaves,
    updates: diff.stays.map((r) => toMember(r, byPid.get(r.pid)!.since)),
    size: current.length + joins.length - diff.leaves.length,
    watermark: o.at - WATERMARK_LAG_MS,
    definition: o.audience.definition,
    change:
      changed && targets.length
        ? {
            added: JSON.stringify(joins.map(personOf)),
            removed: JSON.stringify(diff.leaves.map((pid) => personOf(byPid.get(pid)!))),
            pending: JSON.stringify(targets),
          }
        : null,
  };
}
