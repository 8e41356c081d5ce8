import type { Vital, VitalsReport } from '@tidemark/core';
import { VITAL_LIST, formatVital, ratingOf } from '../lib/vitals';

type Thresholds = VitalsReport['thresholds'];

/** One p75 with its rating as a word and a colour (never the colour alone); no samples gives 0, shown as a dash. */
export function VitalValue({ vital, value, thresholds }: { vital: Vital; value: number | undefined; thresholds: Thresholds }) {
  if (!value) return <span className="muted">—</span>;
  const rating = ratingOf(thresholds, vital, value);
  return (
    <span className={`vital vital-${rating}`} title={rating}>
      {formatVital(vital, value)}
    </span>
  );
}

/**
 * Rows of a stats breakdown (any dimension) with the p75 of every vital: the metrics `<vital>_p75` of
 * the stats engine, so filters and dimensions work as on every other report.
 */
export function VitalsTable({
  title,
  label,
  rows,
  thresholds,
  onPick,
}: {
  title: string;
  label: string;
  rows: Array<{ label: string; values: Record<string, string | number> }>;
  thresholds: Thresholds;
  onPick: (value: string) => void;
}) {
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">No measurements in this period.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th>{label}</th>
                {VITAL_LIST.map((v) => (
                  <th key={v.id} className="num">
                    {v.label} p75
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.label}>
                  <td>
                    {r.label ? (
                      <button type="button" className="link-button" onClick={() => onPick(r.label)} title="Filter by this value">
                        {r.label}
                      </button>
                    ) : (
                      '(unknown)'
                    )}
                  </td>
                  {VITAL_LIST.map((v) => (
                    <td key={v.id} className="num">
                      <VitalValue vital={v.id} value={Number(r.values[`${v.id}_p75`] ?? 0)} thresholds={thresholds} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
