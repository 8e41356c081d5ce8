import type { ProfileList as List } from '@tidemark/core';
import { DataTable } from './DataTable';
import { Link } from './Link';
import { formatDateTime, formatMoney, formatNumber } from '../lib/format';
import { profileLabel } from '../lib/people-view';
import { ScoreBadge } from './ScoreBadge';

/** The people of the site, each linking to its profile. */
export function ProfileList({ siteId, data, suffix }: { siteId: string; data: List; suffix: string }) {
  if (!data.profiles.length) return <p className="muted">No people match.</p>;
  return (
    <div data-testid="profile-list">
      <DataTable
        caption="People"
        rows={data.profiles}
        columns={[
          {
            key: 'who',
            header: 'Person',
            render: (p) => <Link to={`/sites/${siteId}/people/${encodeURIComponent(p.id)}${suffix}`}>{profileLabel(p.id)}</Link>,
          },
          { key: 'score', header: 'Score', numeric: true, render: (p) => <ScoreBadge profile={p} /> },
          {
            key: 'segment',
            header: 'Segment',
            render: (p) => <span data-testid="profile-segment">{p.segment?.name ?? '—'}</span>,
          },
          { key: 'last', header: 'Last seen', render: (p) => formatDateTime(p.last_seen) },
          { key: 'sessions', header: 'Sessions', numeric: true, render: (p) => formatNumber(p.sessions) },
          { key: 'pv', header: 'Page views', numeric: true, render: (p) => formatNumber(p.pageviews) },
          { key: 'events', header: 'Events', numeric: true, render: (p) => formatNumber(p.events) },
          { key: 'ids', header: 'Devices / ids', numeric: true, render: (p) => formatNumber(p.visitor_ids) },
          { key: 'revenue', header: 'Revenue', numeric: true, render: (p) => (p.currency ? formatMoney(p.revenue, p.currency) : '—') },
        ]}
      />
    </div>
  );
}
