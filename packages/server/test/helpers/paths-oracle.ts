import { PASSIVE_EVENT_NAMES, type CanonicalEvent, type Paths } from '@tidemark/core';

/**
 * Paths computed the plain way, independently of the SQL (docs/paths.md): per session its steps in
 * (time, label) order with consecutive repeats dropped; the anchor (entry or first occurrence) must lie
 * in the range; each visitor keeps the session with the earliest anchor; counts per step and pair.
 */
export interface PathsOracleOptions {
  range: { startMs: number; endMs: number };
  anchor: { position: 'start' | 'end'; label: string | null };
  events: boolean;
  depth: number;
  /** Sessions (visitor|session) allowed by the filters; all when absent. */
  sessions?: Set<string>;
}

const LOOKAROUND = 24 * 3_600_000;
const passive = new Set<string>(PASSIVE_EVENT_NAMES);

export function labelOfEvent(e: CanonicalEvent): string {
  return e.name === 'page_view' ? `p${e.path}` : `e${e.name}`;
}

/** Each counted visitor's path (labels; step 1 = the anchor), up to depth + 1 steps. */
export function visitorPaths(events: CanonicalEvent[], o: PathsOracleOptions): Map<string, string[]> {
  const bySession = new Map<string, Array<{ t: number; l: string; v: string }>>();
  for (const e of events) {
    if (e.ts < o.range.startMs - LOOKAROUND || e.ts >= o.range.endMs + LOOKAROUND) continue;
    const isStep = e.name === 'page_view' || (o.events && !passive.has(e.name));
    if (!isStep) continue;
    const key = `${e.visitor_id}|${e.session_id}`;
    if (o.sessions && !o.sessions.has(key)) continue;
    const list = bySession.get(key) ?? [];
    list.push({ t: e.ts, l: labelOfEvent(e), v: e.visitor_id });
    bySession.set(key, list);
  }
  const best = new Map<string, { at: number; path: string[] }>();
  for (const steps of bySession.values()) {
    steps.sort((a, b) => a.t - b.t || (a.l < b.l ? -1 : a.l > b.l ? 1 : 0));
    const kept = steps.filter((s, i) => i === 0 || s.l !== steps[i - 1]!.l);
    const a = o.anchor.label === null ? 0 : kept.findIndex((s) => s.l === o.anchor.label);
    if (a < 0) continue;
    const at = kept[a]!.t;
    if (at < o.range.startMs || at >= o.range.endMs) continue;
    const labels = kept.map((s) => s.l);
    const take = o.depth + 1;
    const path = o.anchor.position === 'start' ? labels.slice(a, a + take) : labels.slice(Math.max(0, a - take + 1), a + 1).reverse();
    const v = kept[0]!.v;
    const prev = best.get(v);
    if (!prev || at < prev.at) best.set(v, { at, path });
  }
  return new Map([...best].map(([v, b]) => [v, b.path]));
}

export interface OracleCounts {
  /** step → label → visitors (steps 1..depth). */
  nodes: Map<number, Map<string, number>>;
  /** `${k}|${from}|${to}` → visitors. */
  links: Map<string, number>;
  /** step → visitors whose path stops there. */
  dropOff: Map<number, number>;
}

export function pathCounts(paths: Map<string, string[]>, depth: number): OracleCounts {
  const nodes = new Map<number, Map<string, number>>();
  const links = new Map<string, number>();
  const dropOff = new Map<number, number>();
  for (const p of paths.values()) {
    for (let i = 0; i < Math.min(depth, p.length); i++) {
      const k = i + 1;
      const m = nodes.get(k) ?? new Map<string, number>();
      m.set(p[i]!, (m.get(p[i]!) ?? 0) + 1);
      nodes.set(k, m);
      if (i + 1 < p.length && k < depth) links.set(`${k}|${p[i]}|${p[i + 1]}`, (links.get(`${k}|${p[i]}|${p[i + 1]}`) ?? 0) + 1);
      if (i + 1 === p.length) dropOff.set(k, (dropOff.get(k) ?? 0) + 1);
    }
  }
  return { nodes, links, dropOff };
}

/** An answer as the oracle's counts: nodes per step, links and drop-offs keyed by labels ('p/x', 'e<name>', 'o(other)'). */
export function answerCounts(got: Paths): OracleCounts {
  const label = (n: { kind: string; name: string }) => (n.kind === 'page' ? `p${n.name}` : n.kind === 'event' ? `e${n.name}` : 'o(other)');
  const nodes = new Map<number, Map<string, number>>();
  const byId = new Map(got.nodes.map((n) => [n.id, n]));
  for (const n of got.nodes) {
    const m = nodes.get(n.step) ?? new Map<string, number>();
    m.set(label(n), n.visitors);
    nodes.set(n.step, m);
  }
  const links = new Map(
    got.links.map((l) => {
      const s = byId.get(l.source)!;
      return [`${s.step}|${label(s)}|${label(byId.get(l.target)!)}`, l.visitors] as const;
    }),
  );
  const dropOff = new Map(got.steps.filter((s) => s.drop_off > 0).map((s) => [s.step, s.drop_off]));
  return { nodes, links, dropOff };
}
