import type { ExperimentResults } from '@tidemark/core';
import { formatNumber, formatPercent } from '../lib/format';
import { formatP, formatSigned } from '../lib/experiments-view';

/** Results per variant: exposures, conversions after exposure, rate, uplift with its 95 % interval, the tests; the SRM warning above. */
export function ExperimentResultsTable({ results }: { results: ExperimentResults }) {
  const revenue = results.experiment.metric.type === 'revenue';
  return (
    <div>
      {results.srm.mismatch && (
        <div className="banner banner-error" role="alert" data-testid="srm-warning">
          Sample ratio mismatch: the exposed people do not split as the weights say (χ² = {results.srm.chi_square.toFixed(1)}, p ={' '}
          {formatP(results.srm.p_value)}). Check the assignment before trusting these results.
        </div>
      )}
      <table className="data-table" aria-label="Results per variant">
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Weight</th>
            <th scope="col">Exposed sessions</th>
            <th scope="col">Exposed people</th>
            <th scope="col">{revenue ? 'Purchasers' : 'Conversions'}</th>
            <th scope="col">Rate</th>
            {revenue && <th scope="col">Revenue per person</th>}
            {revenue && <th scope="col">Revenue uplift (95 % interval, p)</th>}
            <th scope="col">Uplift (95 % interval)</th>
            <th scope="col">p (z-test)</th>
            <th scope="col">p (always valid)</th>
            <th scope="col">P(beats control)</th>
          </tr>
        </thead>
        <tbody>
          {results.variants.map((v, i) => (
            <tr key={v.variant}>
              <th scope="row">
                {v.variant}
                {i === 0 && v.variant !== 'control' && <span className="muted small"> (control)</span>}
                {results.experiment.winner === v.variant && <span className="badge"> winner</span>}
              </th>
              <td>{v.weight}</td>
              <td>{formatNumber(v.exposed_sessions)}</td>
              <td>{formatNumber(v.exposed_visitors)}</td>
              <td>{formatNumber(v.conversions)}</td>
              <td>{formatPercent(v.rate)}</td>
              {revenue && <td>{formatNumber(v.revenue_per_visitor)}</td>}
              {revenue && (
                <td>
                  {formatSigned(v.revenue_uplift)}
                  {v.revenue_uplift_interval && (
                    <span className="muted small">
                      {' '}
                      [{formatSigned(v.revenue_uplift_interval.low)}, {formatSigned(v.revenue_uplift_interval.high)}] p ={' '}
                      {formatP(v.revenue_p_value)}
                    </span>
                  )}
                </td>
              )}
              <td>
                {formatSigned(v.uplift)}
                {v.uplift_interval && (
                  <span className="muted small">
                    {' '}
                    [{formatSigned(v.uplift_interval.low)}, {formatSigned(v.uplift_interval.high)}]
                  </span>
                )}
              </td>
              <td>{formatP(v.p_value)}</td>
              <td>{formatP(v.always_valid_p_value)}</td>
              <td>{v.probability_to_beat_control === null ? '—' : formatPercent(v.probability_to_beat_control * 100)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        People are counted once, in the variant of their first exposure; a conversion counts at or after it. Read the always-valid p-value
        while the experiment runs: unlike the z-test's, it stays valid however often you look.
      </p>
    </div>
  );
}
