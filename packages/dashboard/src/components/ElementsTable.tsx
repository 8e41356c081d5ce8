import type { HeatmapReport } from '@tidemark/core';
import { formatNumber } from '../lib/format';
import { Link } from './Link';

/**
 * The most clicked elements of the page with their frustration signals; selectors render as text. With
 * `recordingsOf`, each element links to the recordings of the sessions that clicked it.
 */
export function ElementsTable({
  rows,
  recordingsOf,
}: {
  rows: HeatmapReport['top_elements'];
  recordingsOf?: (selector: string) => string;
}) {
  return (
    <section className="card" aria-label="Clicked elements">
      <h2>Clicked elements</h2>
      {rows.length === 0 ? (
        <p className="muted">No clicks in this period.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th>Element</th>
                <th className="num">Clicks</th>
                <th className="num">Rage clicks</th>
                <th className="num">Dead clicks</th>
                <th className="num">Error clicks</th>
                {recordingsOf && <th>Recordings</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.selector}>
                  <td>
                    <code>{r.selector || '(no selector)'}</code>
                  </td>
                  <td className="num">{formatNumber(r.clicks)}</td>
                  <td className="num">{formatNumber(r.rage_clicks)}</td>
                  <td className="num">{formatNumber(r.dead_clicks)}</td>
                  <td className="num">{formatNumber(r.error_clicks)}</td>
                  {recordingsOf && <td>{r.selector && <Link to={recordingsOf(r.selector)}>Watch</Link>}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
