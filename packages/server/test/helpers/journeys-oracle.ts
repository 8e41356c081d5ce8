import { journeySegmentOf, type CanonicalEvent, type GoalDefinition, type JourneySegmentId } from '@tidemark/core';

/**
 * Journey segments the plain way: members by the person rule (docs/people.md) over the events read,
 * their sessions starting in the range, each completing the goal or not, in start order.
 */
export function journeyOracle(
  events: CanonicalEvent[],
  o: { startMs: number; endMs: number; people: boolean; goal: GoalDefinition },
): Map<JourneySegmentId, { members: number; sessions: number }> {
  const read = events.filter((e) => e.ts >= o.startMs && e.ts < o.endMs + 86_400_000).sort((a, b) => a.ts - b.ts);
  const latest = new Map<string, string>();
  for (const e of read) if (e.user_id) latest.set(e.visitor_id, e.user_id);
  const member = (e: CanonicalEvent) =>
    !o.people ? e.visitor_id : e.user_id ? `u${e.user_id}` : latest.has(e.visitor_id) ? `u${latest.get(e.visitor_id)}` : `v${e.visitor_id}`;
  const sessions = new Map<string, { m: string; events: CanonicalEvent[] }>();
  for (const e of read) {
    const m = member(e);
    const key = `${m}|${e.visitor_id}|${e.session_id}`;
    const s = sessions.get(key) ?? { m, events: [] };
    s.events.push(e);
    sessions.set(key, s);
  }
  const g = o.goal;
  const completes = (evs: CanonicalEvent[]) => {
    if (g.type === 'event') return evs.some((e) => e.name === g.match.event_name);
    if (g.type === 'destination') return evs.some((e) => e.name === 'page_view' && e.path === g.match.path);
    if (g.type === 'duration') return evs[evs.length - 1]!.ts - evs[0]!.ts >= g.match.min_duration_s * 1000;
    return evs.filter((e) => e.name === 'page_view').length >= g.match.min_pages;
  };
  const perMember = new Map<string, Array<{ start: number; conv: boolean }>>();
  for (const s of sessions.values()) {
    const start = s.events[0]!.ts;
    if (start < o.startMs || start >= o.endMs) continue;
    const list = perMember.get(s.m) ?? [];
    list.push({ start, conv: completes(s.events) });
    perMember.set(s.m, list);
  }
  const out = new Map<JourneySegmentId, { members: number; sessions: number }>();
  for (const list of perMember.values()) {
    list.sort((a, b) => a.start - b.start);
    const seg = journeySegmentOf(list.length, list.findIndex((x) => x.conv) + 1);
    const acc = out.get(seg) ?? { members: 0, sessions: 0 };
    acc.members += 1;
    acc.sessions += list.length;
    out.set(seg, acc);
  }
  return out;
}
