import type { Cohorts } from '@tidemark/core';
import { shownTrait } from '@tidemark/core/rules';
import { formatMoney, formatNumber } from '../lib/format';
import { heat } from '../lib/cohorts-view';

const LABEL = { day: 'Day', week: 'Week', month: 'Month' } as const;
const CAPTION = {
  retention: 'Share of members active',
  conversion: 'Share of members completing the goal',
  revenue: 'Revenue per member',
} as const;

function RevenueCell({ value, currency, top }: { value: number | null; currency: string | null; top: number }) {
  if (value === null || !currency) return <td className="num">—</td>;
  return (
    <td className="num cohort-cell" style={{ '--heat': top > 0 ? Math.max(0, value) / top : 0 } as React.CSSProperties}>
      {formatMoney(value, currency)}
    </td>
  );
}

/**
 * The retention triangle: one row per cohort, one column per period since the first; each cell's
 * background is as strong as its share. Values are text in the cells (readable without colour).
 */
export function CohortGrid({ data, metric }: { data: Cohorts; metric: 'retention' | 'conversion' | 'revenue' }) {
  const columns = Math.max(0, ...data.cohorts.map((c) => c.cells.length));
  // Revenue cells are shaded against the grid's largest value.
  const top = Math.max(0, ...data.cohorts.flatMap((c) => c.cells.map((x) => x.revenue_per_member ?? 0)));
  const offsets = Array.from({ length: columns }, (_, k) => k);
  const head =
    data.by === 'first_visit'
      ? `First ${data.interval}`
      : data.by === 'source'
        ? 'First source'
        : data.by === 'landing_page'
          ? 'Landing page'
          : `Trait ${data.by.slice(6)}`;
  return (
    <div className="table-wrap">
      <table className="data-table cohort-grid" data-testid="cohort-grid">
        <caption className="visually-hidden">
          {CAPTION[metric]} per {data.interval} since their first
        </caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col" className="num">
              Members
            </th>
            {offsets.map((k) => (
              <th key={k} scope="col" className="num">
                {LABEL[data.interval]} {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.cohorts.map((c) => (
            <tr key={c.cohort} data-testid="cohort-row">
              <th scope="row">{c.cohort === '' ? '(none)' : shownTrait(c.cohort)}</th>
              <td className="num">{formatNumber(c.size)}</td>
              {offsets.map((k) => {
                const cell = c.cells[k];
                if (!cell) return <td key={k} />;
                if (metric === 'revenue') return <RevenueCell key={k} value={cell.revenue_per_member} currency={data.currency} top={top} />;
                const share = metric === 'retention' ? cell.retention : cell.conversion_rate;
                const count = metric === 'retention' ? cell.active : cell.conversions;
                return (
                  <td
                    key={k}
                    className="num cohort-cell"
                    style={{ '--heat': heat(share) } as React.CSSProperties}
                    title={`${formatNumber(count)} of ${formatNumber(c.size)}`}
                  >
                    {share.toLocaleString('en-US', { maximumFractionDigits: 1 })}%
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
