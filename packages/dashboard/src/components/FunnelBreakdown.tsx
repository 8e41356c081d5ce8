import type { FunnelStats } from '@tidemark/core';
import { DataTable } from './DataTable';
import { DimensionValue } from './DimensionValue';
import { formatNumber } from '../lib/format';

/** Step counts per value of the breakdown dimension. */
export function FunnelBreakdown({ stats }: { stats: FunnelStats }) {
  const b = stats.breakdown;
  if (!b) return null;
  const last = stats.steps.length;
  return (
    <section className="card" aria-label="Breakdown" data-testid="funnel-breakdown">
      <h2>By {b.dimension}</h2>
      <DataTable
        caption={`Funnel steps by ${b.dimension}`}
        rows={b.rows}
        columns={[
          { key: 'value', header: b.dimension, render: (r) => <DimensionValue dimension={b.dimension} value={r.value} /> },
          ...stats.steps.map((s) => ({
            key: `s${s.order}`,
            header: `${s.order}. ${s.name}`,
            numeric: true,
            render: (r: (typeof b.rows)[number]) => formatNumber(r.steps[s.order - 1]?.visitors ?? 0),
          })),
          {
            key: 'rate',
            header: 'Conversion',
            numeric: true,
            render: (r) => {
              const first = r.steps[0]?.visitors ?? 0;
              return first ? `${((100 * (r.steps[last - 1]?.visitors ?? 0)) / first).toFixed(1)}%` : '–';
            },
          },
        ]}
      />
    </section>
  );
}
