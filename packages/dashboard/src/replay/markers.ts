/** What the timeline marks: page loads and route changes, clicks, rage clicks and errors of a recording. */
export type MarkerKind = 'page' | 'click' | 'rage' | 'error';

export interface Marker {
  /** Position in the list (a stable key) */
  id: number;
  kind: MarkerKind;
  /** ms from the recording's first event */
  at: number;
  label: string;
}

export interface RrwebEvent {
  type: number;
  timestamp: number;
  data: Record<string, unknown>;
}

const pathOf = (href: unknown) => {
  try {
    return new URL(String(href)).pathname;
  } catch {
    return '';
  }
};

/** Markers from the events (sorted by time): the same rules as the server's summary (replay/chunk.ts). */
export function markersOf(events: readonly RrwebEvent[]): Marker[] {
  if (!events.length) return [];
  const start = events[0]!.timestamp;
  const out: Marker[] = [];
  const clicks: Array<{ t: number; x: number; y: number }> = [];
  for (const [i, e] of events.entries()) {
    const d = e.data;
    if (e.type === 4 || (e.type === 5 && d.tag === 'nav')) {
      const href = e.type === 4 ? d.href : (d.payload as { href?: unknown } | undefined)?.href;
      // A page load is shown once its snapshot (the full snapshot after the Meta event) is applied.
      const snapshot = e.type === 4 ? events.slice(i + 1, i + 4).find((n) => n.type === 2) : undefined;
      out.push({ id: 0, kind: 'page', at: (snapshot ?? e).timestamp - start, label: pathOf(href) || 'page' });
    } else if (e.type === 3 && d.source === 2 && d.type === 2) {
      clicks.push({ t: e.timestamp, x: Number(d.x) || 0, y: Number(d.y) || 0 });
      out.push({ id: 0, kind: 'click', at: e.timestamp - start, label: 'click' });
    } else if (e.type === 5 && d.tag === 'error') out.push({ id: 0, kind: 'error', at: e.timestamp - start, label: 'error' });
  }
  for (let i = 0; i < clicks.length; ) {
    const first = clicks[i]!;
    let j = i + 1;
    while (j < clicks.length && clicks[j]!.t - first.t <= 1000 && Math.hypot(clicks[j]!.x - first.x, clicks[j]!.y - first.y) <= 30) j++;
    if (j - i >= 3) {
      out.push({ id: 0, kind: 'rage', at: first.t - start, label: `rage click (${j - i})` });
      i = j;
    } else i++;
  }
  return out.sort((a, b) => a.at - b.at).map((m, id) => ({ ...m, id }));
}

export function formatOffset(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
