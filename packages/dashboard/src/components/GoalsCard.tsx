import { useId } from 'react';
import { goalsApi } from '../api/goals';
import { statsApi, statsEndpoint } from '../api/stats';
import { ExportMenu } from './ExportMenu';
import { useAsync } from '../lib/use-async';
import type { ViewState } from '../lib/view-state';
import { formatNumber, formatPercent } from '../lib/format';
import { ErrorBanner } from './ErrorBanner';
import { Link } from './Link';

const GOAL_METRICS = ['conversions', 'converting_visitors', 'conversion_rate'];

interface Props {
  siteId: string;
  view: ViewState;
  queryKey: string;
  onFilter: (dimension: string, value: string) => void;
  enabled: boolean;
  canEdit: boolean;
}

/** Conversions per goal within the current view; a goal's name filters the whole dashboard to it. */
export function GoalsCard({ siteId, view, queryKey, onFilter, enabled, canEdit }: Props) {
  const id = useId();
  const goals = useAsync((signal) => goalsApi.list(siteId, signal), [siteId], enabled);
  const hasGoals = (goals.data?.length ?? 0) > 0;
  const rows = useAsync(
    (signal) => statsApi.breakdown(siteId, view, 'goal', GOAL_METRICS, 50, signal),
    [siteId, queryKey],
    enabled && hasGoals,
  );
  const byId = new Map((rows.data ?? []).map((r) => [r.label, r.values]));
  const list = (goals.data ?? [])
    .map((g) => ({ goal: g, values: byId.get(g.id) }))
    .sort((a, b) => Number(b.values?.conversions ?? 0) - Number(a.values?.conversions ?? 0));
  return (
    <section className="card breakdown" aria-labelledby={`${id}-title`} data-testid="card-goals">
      <div className="card-head">
        <h2 id={`${id}-title`}>Goals</h2>
        <div className="row">
          {hasGoals && (
            <ExportMenu
              label="Goals"
              href={(format) =>
                statsApi.exportUrl(
                  statsEndpoint(siteId),
                  view,
                  { metrics: GOAL_METRICS.join(','), dimensions: 'goal', limit: '1000' },
                  format,
                )
              }
            />
          )}
          {canEdit && <Link to={`/sites/${siteId}/settings#goals`}>Manage goals</Link>}
        </div>
      </div>
      <div className="card-body" aria-busy={goals.loading || (hasGoals && rows.loading)}>
        <ErrorBanner error={goals.error ?? rows.error} />
        {!goals.loading && !list.length && !goals.error && (
          <p className="muted empty-small">No goals yet. Define them in the site settings to count conversions.</p>
        )}
        {list.length > 0 && (
          <table className="data-table">
            <caption className="visually-hidden">Conversions per goal</caption>
            <thead>
              <tr>
                <th scope="col">Goal</th>
                <th scope="col" className="num">
                  Conversions
                </th>
                <th scope="col" className="num">
                  Converting visitors
                </th>
                <th scope="col" className="num">
                  Rate
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map(({ goal, values }) => (
                <tr key={goal.id} data-testid="goal-row">
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => onFilter('goal', goal.id)}
                      title="Show only sessions that converted"
                    >
                      {goal.name}
                    </button>
                  </td>
                  <td className="num" data-testid="goal-conversions">
                    {formatNumber(Number(values?.conversions ?? 0))}
                  </td>
                  <td className="num">{formatNumber(Number(values?.converting_visitors ?? 0))}</td>
                  <td className="num">{formatPercent(Number(values?.conversion_rate ?? 0))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
