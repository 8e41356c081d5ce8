import type { ProfileTimeline as Timeline } from '@tidemark/core';
import { formatDateTime } from '../lib/format';

/** Sessions newest first, each with its events in order. Tracked strings are rendered as text. */
export function ProfileTimeline({ data }: { data: Timeline }) {
  if (!data.sessions.length) return <p className="muted">No sessions on this page.</p>;
  return (
    <ol className="timeline" data-testid="profile-timeline">
      {data.sessions.map((s) => (
        <li key={`${s.session_id}|${s.visitor_id}`} data-testid="timeline-session">
          <h3>
            {formatDateTime(s.start)} · {s.source || 'Direct'}
          </h3>
          <ol>
            {s.events.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: events of a session in time order; the list is redrawn per page
              <li key={i} data-testid="timeline-event">
                <span className="muted small">{new Date(e.ts).toLocaleTimeString()}</span>{' '}
                <span data-testid="timeline-step">
                  {e.name === 'page_view' ? 'Viewed' : e.name} <code>{e.path}</code>
                </span>
              </li>
            ))}
          </ol>
        </li>
      ))}
    </ol>
  );
}
