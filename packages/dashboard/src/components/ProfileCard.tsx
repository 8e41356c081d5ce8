import type { Profile } from '@tidemark/core';
import { DataTable } from './DataTable';
import { formatDateTime, formatNumber } from '../lib/format';
import { ScoreReasons } from './ScoreBadge';

/** A profile's aggregates, lead score with its reasons, traits, visitor ids, devices and locations. */
export function ProfileCard({ profile: p }: { profile: Profile }) {
  const facts: [string, string][] = [
    ['First seen', formatDateTime(p.first_seen)],
    ['Last seen', formatDateTime(p.last_seen)],
    ['Sessions', formatNumber(p.sessions)],
    ['Page views', formatNumber(p.pageviews)],
    ['Events', formatNumber(p.events)],
    ['First source', p.first_source || 'Direct'],
    ['Last source', p.last_source || 'Direct'],
  ];
  return (
    <>
      <section className="card" aria-label="Summary">
        <dl className="facts" data-testid="profile-facts">
          {facts.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      <ScoreReasons profile={p} />
      <section className="card" aria-label="Traits">
        <h2>Traits</h2>
        {p.traits.length ? (
          <DataTable
            caption="Traits"
            rows={p.traits}
            columns={[
              { key: 'k', header: 'Trait', render: (t) => t.key },
              { key: 'v', header: 'Value', render: (t) => t.value },
              { key: 'c', header: 'Since', render: (t) => formatDateTime(t.changed_at) },
            ]}
          />
        ) : (
          <p className="muted">No traits sent.</p>
        )}
      </section>
      {p.goals.length > 0 && (
        <section className="card" aria-label="Goals">
          <h2>Goals</h2>
          <DataTable
            caption="Sessions that completed each goal"
            rows={p.goals}
            columns={[
              { key: 'g', header: 'Goal', render: (g) => g.name },
              { key: 's', header: 'Sessions', numeric: true, render: (g) => formatNumber(g.sessions) },
            ]}
          />
        </section>
      )}
      <section className="card" aria-label="Visitor ids">
        <h2>Visitor ids</h2>
        <DataTable
          caption="Visitor ids joined in this profile"
          rows={p.merged_visitor_ids}
          columns={[
            { key: 'v', header: 'Visitor id', render: (m) => m.visitor_id },
            { key: 'f', header: 'First seen', render: (m) => formatDateTime(m.first_seen) },
            { key: 'i', header: 'Identified', render: (m) => (m.identified_at === null ? '—' : formatDateTime(m.identified_at)) },
          ]}
        />
      </section>
      <section className="card" aria-label="Devices and locations">
        <h2>Devices and locations</h2>
        <DataTable
          caption="Devices"
          rows={p.devices}
          columns={[
            { key: 'd', header: 'Device', render: (x) => [x.device, x.browser, x.os].filter(Boolean).join(' · ') || 'Unknown' },
            { key: 's', header: 'Sessions', numeric: true, render: (x) => formatNumber(x.sessions) },
          ]}
        />
        <DataTable
          caption="Locations"
          rows={p.locations}
          columns={[
            { key: 'l', header: 'Location', render: (x) => [x.city, x.region, x.country].filter(Boolean).join(', ') || 'Unknown' },
            { key: 's', header: 'Sessions', numeric: true, render: (x) => formatNumber(x.sessions) },
          ]}
        />
      </section>
    </>
  );
}
