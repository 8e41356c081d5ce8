import { sankey, sankeyLinkHorizontal, type SankeyLink, type SankeyNode } from 'd3-sankey';
import type { PathLink, PathNode, Paths } from '@tidemark/core';
import { CHART_CHAR_PX } from './scale';
import { useWidth } from './use-width';
import { formatNumber } from '../lib/format';

type Node = SankeyNode<PathNode, PathLink>;
type Link = SankeyLink<PathNode, PathLink>;

const HEIGHT = 420;
const MARGIN = { top: 8, right: 8, bottom: 8, left: 8 };
const NODE_WIDTH = 12;

/** `name (count)` in at most `chars` characters: the name is cut (…), the count kept. */
export function fitLabel(name: string, count: string, chars: number): string {
  const full = `${name} (${count})`;
  if (full.length <= chars) return full;
  const room = Math.max(1, chars - count.length - 4);
  return `${name.slice(0, room)}… (${count})`;
}

/**
 * Where each node's column is, of the `columns` d3-sankey found: its step, left to right (forward) or
 * right to left (paths to a page or goal). Outside 0..columns-1 the layout breaks, hence the clamp.
 */
function columnOf(paths: Paths) {
  return (n: Node, columns: number) => Math.max(0, Math.min(columns - 1, paths.direction === 'forward' ? n.step - 1 : columns - n.step));
}

/**
 * The paths as a Sankey: d3-sankey lays the nodes out in one column per step and the links as bands
 * as wide as their visitors. Labels are React text; a page node can be chosen to list its neighbours.
 */
export function Sankey({ paths, onPick }: { paths: Paths; onPick?: (page: string) => void }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const w = Math.max(320, width);
  const columns = Math.max(1, paths.steps.length);
  // Every label sits right of its node: the last column's in a margin kept for them, the others in the gap
  // before the next column, so no two labels meet.
  const labelSpace = Math.min(220, Math.round(w * 0.2));
  const right = w - MARGIN.right - labelSpace;
  const gap = columns > 1 ? (right - MARGIN.left - NODE_WIDTH) / (columns - 1) - NODE_WIDTH : labelSpace;
  const chars = (last: boolean) => Math.max(4, Math.floor(((last ? labelSpace : gap) - 10) / CHART_CHAR_PX));
  const graph =
    paths.nodes.length > 0
      ? sankey<PathNode, PathLink>()
          .nodeId((n) => n.id)
          .nodeAlign(columnOf(paths))
          .nodeSort((a, b) => b.visitors - a.visitors)
          .nodeWidth(NODE_WIDTH)
          .nodePadding(14)
          .extent([
            [MARGIN.left, MARGIN.top],
            [right, HEIGHT - MARGIN.bottom],
          ])({ nodes: paths.nodes.map((n) => ({ ...n })), links: paths.links.map((l) => ({ ...l, value: l.visitors })) })
      : null;
  const path = sankeyLinkHorizontal<PathNode, PathLink>();
  const isLast = (n: Node) => (n.x1 ?? 0) >= right - 0.5;
  return (
    <div ref={ref} className="sankey" data-testid="paths-sankey">
      {graph && (
        <svg width={w} height={HEIGHT} role="img" aria-label={`Paths over ${columns} steps`}>
          <g className="sankey-links">
            {graph.links.map((l: Link) => {
              const s = l.source as Node;
              const t = l.target as Node;
              return (
                <path key={`${s.id}>${t.id}`} d={path(l) ?? undefined} strokeWidth={Math.max(1, l.width ?? 1)} className="sankey-link">
                  <title>{`${s.name} → ${t.name}: ${formatNumber(l.visitors)} visitors`}</title>
                </path>
              );
            })}
          </g>
          <g className="sankey-nodes">
            {graph.nodes.map((n: Node) => {
              const h = Math.max(1, (n.y1 ?? 0) - (n.y0 ?? 0));
              const pick = n.kind === 'page' && onPick ? () => onPick(n.name) : undefined;
              return (
                <g
                  key={n.id}
                  className={`sankey-node kind-${n.kind}`}
                  data-testid="sankey-node"
                  data-step={n.step}
                  data-name={n.name}
                  {...(pick
                    ? {
                        role: 'button',
                        tabIndex: 0,
                        'aria-label': `Where visitors of ${n.name} came from and went next`,
                        onClick: pick,
                        onKeyDown: (e: React.KeyboardEvent) => {
                          if (e.key === 'Enter' || e.key === ' ') {
                            e.preventDefault();
                            pick();
                          }
                        },
                      }
                    : {})}
                >
                  <rect x={n.x0} y={n.y0} width={(n.x1 ?? 0) - (n.x0 ?? 0)} height={h}>
                    <title>{`Step ${n.step}: ${n.name} — ${formatNumber(n.visitors)} visitors, ${formatNumber(n.drop_off)} stop here`}</title>
                  </rect>
                  <text x={(n.x1 ?? 0) + 6} y={((n.y0 ?? 0) + (n.y1 ?? 0)) / 2} dy="0.35em" textAnchor="start">
                    {fitLabel(n.kind === 'event' ? `⚑ ${n.name}` : n.name, formatNumber(n.visitors), chars(isLast(n)))}
                  </text>
                </g>
              );
            })}
          </g>
        </svg>
      )}
    </div>
  );
}
