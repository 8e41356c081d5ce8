import { shownTrait, type Cohorts } from '@tidemark/core';
import { formatNumber } from '../lib/format';
import { heat } from '../lib/cohorts-view';

const LABEL = { day: 'Day', week: 'Week', month: 'Month' } as const;

/**
 * The retention triangle: one row per cohort, one column per period since the first; each cell's
 * background is as strong as its share. Values are text in the cells (readable without colour).
 */
export function CohortGrid({ data, metric }: { data: Cohorts; metric: 'retention' | 'conversion' }) {
  const columns = Math.max(0, ...data.cohorts.map((c) => c.cells.length));
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
          {metric === 'retention' ? 'Share of members active' : 'Share of members completing the goal'} per {data.interval} since their
          first
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
