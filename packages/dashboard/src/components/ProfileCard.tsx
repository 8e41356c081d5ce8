import type { Profile } from '@tidemark/core';
import { DataTable } from './DataTable';
import { Facts } from './Facts';
import { Link } from './Link';
import { formatDateTime, formatMoney, formatNumber } from '../lib/format';
import { ScoreReasons } from './ScoreBadge';

/**
 * A profile's aggregates, lead score with its reasons, traits, merges, visitor ids, devices and locations,
 * with links to its recordings and revenue.
 */
export function ProfileCard({ siteId, profile: p }: { siteId: string; profile: Profile }) {
  const facts: [string, string][] = [
    ['First seen', formatDateTime(p.first_seen)],
    ['Last seen', formatDateTime(p.last_seen)],
    ['Sessions', formatNumber(p.sessions)],
    ['Page views', formatNumber(p.pageviews)],
    ['Events', formatNumber(p.events)],
    ['First source', p.first_source || 'Direct'],
    ['Last source', p.last_source || 'Direct'],
    ['Segment', p.segment?.name ?? 'None yet'],
  ];
  if (p.currency) facts.push(['Revenue', formatMoney(p.revenue, p.currency)], ['Payments', formatNumber(p.transactions)]);
  // The churn model's numbers (docs/churn-ltv.md), for identified people with a repeat transaction.
  if (p.p_active_30d !== null)
    facts.push(
      ['Active in the next 30 days', `${Math.round(p.p_active_30d * 1000) / 10}%`],
      ['Churn risk', p.churn_risk ? 'At risk' : 'No'],
      [
        'Expected value (12 months)',
        p.expected_ltv === null ? '–' : p.currency ? formatMoney(p.expected_ltv, p.currency) : formatNumber(p.expected_ltv),
      ],
    );
  return (
    <>
      <section className="card" aria-label="Summary">
        <Facts facts={facts} testId="profile-facts" />
        {p.currency && (
          <p>
            <Link to={`/sites/${siteId}/revenue`}>Revenue of the site</Link>
          </p>
        )}
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
      <section className="card" aria-label="Merges">
        <h2>Merges</h2>
        {p.merges.length ? (
          <DataTable
            caption="Each visitor id joined to a user id, oldest first"
            rows={p.merges}
            columns={[
              { key: 'a', header: 'When', render: (m) => formatDateTime(m.at) },
              { key: 'v', header: 'Visitor id', render: (m) => m.visitor_id },
              { key: 'u', header: 'Identified as', render: (m) => m.user_id },
              { key: 'p', header: 'Before', render: (m) => m.previous_user_id ?? '—' },
            ]}
          />
        ) : (
          <p className="muted">Never identified.</p>
        )}
      </section>
      {p.recordings.length > 0 && (
        <section className="card" aria-label="Recordings">
          <h2>Recordings</h2>
          <ul data-testid="profile-recordings">
            {p.recordings.map((r) => (
              <li key={r.visitor_id}>
                <Link to={`/sites/${siteId}/recordings?period=90d&visitor_id=${encodeURIComponent(r.visitor_id)}`}>
                  {formatNumber(r.recordings)} of visitor id {r.visitor_id}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
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
