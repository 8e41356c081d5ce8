import type { BreakdownRow } from '../api/stats';
import type { LabelKind } from '../lib/dimensions';
import { formatMetric } from '../lib/format';
import { safeHttpUrl } from '../lib/safe-url';
import { DimensionValue } from './DimensionValue';

interface Props {
  rows: BreakdownRow[];
  dimension: string;
  kind: LabelKind;
  metric: string;
  siteDomain?: string;
  onPick: (value: string) => void;
}

/** Where a row may link out: only http(s) URLs, built from untrusted values and then re-checked. */
function outboundHref(kind: LabelKind, label: string, siteDomain?: string): string | undefined {
  if (kind === 'url') return safeHttpUrl(label) ?? safeHttpUrl(label && !label.includes('://') ? `https://${label}` : undefined);
  if (kind === 'domain' && /^[A-Za-z0-9.-]+$/.test(label)) return safeHttpUrl(`https://${label}/`);
  if (kind === 'path' && siteDomain && label.startsWith('/')) return safeHttpUrl(`https://${siteDomain}${label}`);
  return undefined;
}

/** Ranked rows with proportional bars. Clicking a row filters the whole view by it. */
export function BarList({ rows, dimension, kind, metric, siteDomain, onPick }: Props) {
  const max = Math.max(1, ...rows.map((r) => Number(r.values[metric] ?? 0)));
  return (
    <ul className="bar-list">
      {rows.map((r) => {
        const v = Number(r.values[metric] ?? 0);
        const href = outboundHref(kind, r.label, siteDomain);
        return (
          <li key={r.label} className="bar-row">
            <button
              type="button"
              className="bar-button"
              onClick={() => onPick(r.label)}
              title={`Filter by ${r.label || '(none)'}`}
              data-testid="breakdown-row"
            >
              <span className="bar" style={{ width: `${(v / max) * 100}%` }} aria-hidden="true" />
              <span className="bar-label">
                <DimensionValue dimension={dimension} value={r.label} />
              </span>
            </button>
            {href && (
              <a className="bar-out" href={href} target="_blank" rel="noopener noreferrer nofollow" aria-label={`Open ${r.label}`}>
                ↗
              </a>
            )}
            <span className="bar-value">{formatMetric(metric, v)}</span>
          </li>
        );
      })}
    </ul>
  );
}
