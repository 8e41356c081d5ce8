import type { AlertEvent } from '@tidemark/core';
import { alertsApi } from '../api/alerts';
import { formatDateTime } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { ErrorBanner } from './ErrorBanner';

const KIND_LABELS: Record<AlertEvent['kind'], string> = { fired: 'Fired', resolved: 'Resolved', test: 'Test' };

/** What an alert sent, newest first, with each channel's outcome. */
export function AlertHistory({ siteId, alertId, tick }: { siteId: string; alertId: string; tick: number }) {
  const events = useAsync((signal) => alertsApi.history(siteId, alertId, signal), [siteId, alertId, tick]);
  return (
    <div className="stack">
      <ErrorBanner error={events.error} />
      {events.data?.length === 0 && <p className="muted">Nothing sent yet.</p>}
      <ul className="annotation-list">
        {(events.data ?? []).map((e) => (
          <li key={e.id} data-testid="alert-event">
            <time dateTime={e.created_at}>{formatDateTime(Date.parse(e.created_at))}</time>
            <strong>{KIND_LABELS[e.kind]}</strong>
            <span>{e.message}</span>
            <span className="muted">
              {e.deliveries
                .map(
                  (d) =>
                    `${d.channel}: ${d.ok ? 'delivered' : `failed (${d.error ?? d.status ?? 'error'})`}${d.attempts > 1 ? ` after ${d.attempts} tries` : ''}`,
                )
                .join(' · ')}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
