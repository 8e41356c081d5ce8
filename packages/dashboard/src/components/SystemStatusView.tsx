import type { SystemStatus } from '@tidemark/core';
import { formatDateTime, formatNumber } from '../lib/format';
import { DataTable } from './DataTable';

const bytes = (n: number | null) => {
  if (n === null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
};
const when = (iso: string | null) => (iso ? formatDateTime(Date.parse(iso)) : '–');

/** The System page's numbers: each part a card with its own table (text nodes only). */
export function SystemStatusView({ status }: { status: SystemStatus }) {
  const q = status.queue;
  return (
    <>
      <section className="card" aria-label="Dependencies">
        <h2>Dependencies</h2>
        <p className="muted">
          {status.mode === 'scale-out' ? 'Scale-out' : 'Embedded'} · events in {status.engine === 'duckdb' ? 'DuckDB' : 'ClickHouse'} ·
          checked {when(status.checked_at)}
        </p>
        <DataTable
          caption="Dependencies"
          rows={status.dependencies}
          columns={[
            { key: 'name', header: 'Dependency', render: (d) => d.name },
            { key: 'ok', header: 'Status', render: (d) => (d.ok ? 'Up' : `Down: ${d.error ?? ''}`) },
            { key: 'latency', header: 'Answer (ms)', numeric: true, render: (d) => d.latency_ms.toFixed(1) },
          ]}
        />
      </section>
      <section className="card" aria-label="Ingestion">
        <h2>Ingestion</h2>
        <dl className="facts">
          <dt>Events per second (last 5 minutes)</dt>
          <dd data-testid="ingest-rate">{status.ingest.per_second}</dd>
          <dt>Events in the last hour</dt>
          <dd>{formatNumber(status.ingest.events_last_hour)}</dd>
          <dt>{q.kind === 'redis-stream' ? 'Waiting in the Redis stream' : 'Waiting for the group commit'}</dt>
          <dd data-testid="queue-waiting">{formatNumber(q.waiting)}</dd>
          <dt>Oldest waiting (ingest delay)</dt>
          <dd>{q.oldest_age_seconds.toFixed(1)} s</dd>
        </dl>
        <h3>Dropped today (UTC)</h3>
        {status.ingest.drops_today.length ? (
          <DataTable
            caption="Drops by reason"
            rows={status.ingest.drops_today}
            columns={[
              { key: 'reason', header: 'Reason', render: (d) => d.reason },
              { key: 'count', header: 'Events', numeric: true, render: (d) => formatNumber(d.count) },
            ]}
          />
        ) : (
          <p className="muted">Nothing dropped today.</p>
        )}
      </section>
      <section className="card" aria-label="Storage">
        <h2>Storage</h2>
        <p className="muted">Event store on disk: {bytes(status.storage.total_bytes)} (per site: in proportion to its events).</p>
        <DataTable
          caption="Storage per site"
          rows={status.storage.sites}
          columns={[
            { key: 'domain', header: 'Site', render: (s) => s.domain },
            { key: 'events', header: 'Events', numeric: true, render: (s) => formatNumber(s.events) },
            { key: 'bytes', header: 'Size (est.)', numeric: true, render: (s) => bytes(s.estimated_bytes) },
          ]}
        />
      </section>
      <section className="card" aria-label="Jobs">
        <h2>Background jobs</h2>
        <DataTable
          caption="Background jobs"
          rows={status.jobs}
          columns={[
            { key: 'name', header: 'Job', render: (j) => j.name },
            { key: 'last', header: 'Last run', render: (j) => when(j.last_finished) },
            { key: 'ok', header: 'Outcome', render: (j) => (j.last_ok === null ? '–' : j.last_ok ? 'OK' : 'Failed') },
            { key: 'runs', header: 'Runs', numeric: true, render: (j) => formatNumber(j.runs) },
            { key: 'failures', header: 'Failures', numeric: true, render: (j) => formatNumber(j.failures) },
            { key: 'error', header: 'Last error', render: (j) => (j.last_error ? `${when(j.last_error_at)}: ${j.last_error}` : '–') },
          ]}
        />
      </section>
      <section className="card" aria-label="Last errors">
        <h2>Last errors on this node</h2>
        {status.recent_errors.length ? (
          <ul className="plain-list">
            {status.recent_errors.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: errors have no id; the list is redrawn per status
              <li key={i}>
                <time dateTime={e.at}>{when(e.at)}</time> {e.message}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None.</p>
        )}
      </section>
    </>
  );
}
