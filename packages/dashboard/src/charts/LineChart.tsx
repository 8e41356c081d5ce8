import { useState, type KeyboardEvent } from 'react';
import { useWidth } from './use-width';
import { CHART_CHAR_PX, niceTicks } from './scale';

export interface Series {
  label: string;
  values: Array<number | null>;
  className: string;
}

/** A note pinned to one bucket of the chart (an annotation): a marker line, its text in the tooltip. */
export interface ChartMarker {
  key: string;
  index: number;
  title: string;
  detail?: string | null;
  category: string;
}

interface Props {
  labels: string[];
  series: Series[];
  format: (n: number | null) => string;
  height?: number;
  title: string;
  markers?: ChartMarker[];
}

const PAD = { top: 12, right: 12, bottom: 28, left: 48 };

/** Hand-drawn SVG line chart with hover and keyboard focus on a point; the card also offers a table. */
export function LineChart({ labels, series, format, height = 240, title, markers = [] }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const [active, setActive] = useState<number | null>(null);
  const n = labels.length;
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1] || 1;
  // Room on the left for the longest tick label ("$12,000.00" is wider than "800").
  const pad = { ...PAD, left: Math.max(PAD.left, 10 + CHART_CHAR_PX * Math.max(0, ...ticks.map((t) => format(t).length))) };
  const innerW = Math.max(10, width - pad.left - pad.right);
  const innerH = height - pad.top - pad.bottom;
  const x = (i: number) => pad.left + (n <= 1 ? innerW / 2 : (i / (n - 1)) * innerW);
  const y = (v: number) => pad.top + innerH - (v / top) * innerH;
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(innerW / 80))));

  const path = (vals: Array<number | null>) => {
    let d = '';
    let pen = false;
    vals.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };

  const onMove = (clientX: number, rect: DOMRect) => {
    if (!n) return;
    const rel = (clientX - rect.left - pad.left) / innerW;
    setActive(Math.min(n - 1, Math.max(0, Math.round(rel * (n - 1)))));
  };
  const onKey = (e: KeyboardEvent) => {
    if (!n) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      const d = e.key === 'ArrowRight' ? 1 : -1;
      setActive((a) => Math.min(n - 1, Math.max(0, (a ?? (d > 0 ? -1 : n)) + d)));
    }
  };

  return (
    <div className="linechart" ref={ref}>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${title}. Use left and right arrow keys to read values.`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable on purpose, arrow keys read the values out
        tabIndex={0}
        onKeyDown={onKey}
        onBlur={() => setActive(null)}
        onMouseMove={(e) => onMove(e.clientX, e.currentTarget.getBoundingClientRect())}
        onMouseLeave={() => setActive(null)}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={pad.left - 6} y={y(t)} className="axis-label" textAnchor="end" dominantBaseline="middle">
              {format(t)}
            </text>
          </g>
        ))}
        {labels.map((l, i) =>
          i % labelEvery === 0 ? (
            <text
              // biome-ignore lint/suspicious/noArrayIndexKey: axis labels are positional
              key={i}
              x={x(i)}
              y={height - 8}
              className="axis-label"
              textAnchor={n > 1 && i === 0 ? 'start' : n > 1 && i >= n - labelEvery ? 'end' : 'middle'}
            >
              {l}
            </text>
          ) : null,
        )}
        {series.map((s) => (
          <path key={s.label} d={path(s.values)} className={`line ${s.className}`} />
        ))}
        {/* Above the lines, so the pointer reaches them. */}
        {markers.map((m) => (
          <g key={m.key} className={`marker marker-${m.category}`} data-testid="chart-marker">
            <title>{m.title}</title>
            <line x1={x(m.index)} x2={x(m.index)} y1={pad.top} y2={pad.top + innerH} />
            <circle cx={x(m.index)} cy={pad.top} r={5} />
          </g>
        ))}
        {active !== null && (
          <g>
            <line x1={x(active)} x2={x(active)} y1={pad.top} y2={pad.top + innerH} className="cursor" />
            {series.map((s) =>
              s.values[active] !== null && s.values[active] !== undefined ? (
                <circle key={s.label} cx={x(active)} cy={y(s.values[active] ?? 0)} r={4} className={`dot ${s.className}`} />
              ) : null,
            )}
          </g>
        )}
      </svg>
      {active !== null && (
        <div className="chart-tooltip" role="status">
          <strong>{labels[active]}</strong>
          {series.map((s) => (
            <span key={s.label}>
              <i className={`swatch ${s.className}`} aria-hidden="true" /> {s.label}: {format(s.values[active] ?? null)}
            </span>
          ))}
          {markers
            .filter((m) => m.index === active)
            .map((m) => (
              <span key={m.key} className="tooltip-note" data-testid="chart-note">
                <i className={`swatch marker-${m.category}`} aria-hidden="true" /> {m.title}
                {m.detail ? <small>{m.detail}</small> : null}
              </span>
            ))}
        </div>
      )}
    </div>
  );
}
