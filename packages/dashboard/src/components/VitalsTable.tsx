import type { VitalRow, VitalStat } from '@tidemark/core';
import { formatNumber } from '../lib/format';
import { VITAL_LIST, formatVital } from '../lib/vitals';

/** One p75 with its rating as a word and a colour (never the colour alone). */
export function VitalValue({ vital, stat }: { vital: (typeof VITAL_LIST)[number]['id']; stat: VitalStat }) {
  if (stat.p75 === null) return <span className="muted">—</span>;
  return (
    <span className={`vital vital-${stat.rating}`} title={stat.rating ?? ''}>
      {formatVital(vital, stat.p75)}
    </span>
  );
}

/** Rows (pages, devices or countries) with the p75 of every vital. */
export function VitalsTable({ title, label, rows }: { title: string; label: string; rows: Array<VitalRow & { name: string }> }) {
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
                <th className="num">Page loads</th>
                {VITAL_LIST.map((v) => (
                  <th key={v.id} className="num">
                    {v.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name}>
                  <td>{r.name || '(unknown)'}</td>
                  <td className="num">{formatNumber(r.samples)}</td>
                  {VITAL_LIST.map((v) => (
                    <td key={v.id} className="num">
                      <VitalValue vital={v.id} stat={r[v.id]} />
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
