import type { CanonicalEvent, ProfileSummary } from '@tidemark/core';
import { personOf } from './people-oracle';

/** What a profile summary says of a person, its score aside. */
export type ProfileFacts = Omit<ProfileSummary, 'score' | 'score_reasons'>;

/** Profiles computed plainly from one site's events with the person rule (people-oracle.ts). */
export function profileOracle(site: CanonicalEvent[]): Map<string, ProfileFacts & { list: CanonicalEvent[] }> {
  const person = personOf(site);
  const out = new Map<string, ProfileFacts & { list: CanonicalEvent[] }>();
  for (const e of site) {
    const id = person(e);
    const p = out.get(id) ?? {
      id,
      user_id: id.startsWith('u') ? id.slice(1) : null,
      first_seen: Infinity,
      last_seen: -Infinity,
      sessions: 0,
      pageviews: 0,
      events: 0,
      visitor_ids: 0,
      list: [],
    };
    p.list.push(e);
    p.first_seen = Math.min(p.first_seen, e.ts);
    p.last_seen = Math.max(p.last_seen, e.ts);
    p.events += 1;
    if (e.name === 'page_view') p.pageviews += 1;
    out.set(id, p);
  }
  for (const p of out.values()) {
    p.sessions = new Set(p.list.map((e) => `${e.session_id}|${e.visitor_id}`)).size;
    p.visitor_ids = new Set(p.list.map((e) => e.visitor_id)).size;
  }
  return out;
}
