import type { Segment, SegmentFeature } from '@tidemark/core';
import { DataTable } from './DataTable';
import { Link } from './Link';
import { formatNumber, formatPercent } from '../lib/format';

const FEATURE_LABELS: Record<string, string> = {
  sessions: 'sessions',
  pageviews: 'page views',
  pages_per_session: 'pages per visit',
  engaged_minutes: 'engaged minutes',
  days_since_last: 'days since last visit',
  goals: 'goals completed',
  identified: 'share identified',
};

const featureLabel = (f: string) => (f.startsWith('key_page:') ? `${f.slice(9)} page views` : (FEATURE_LABELS[f] ?? f));
const round = (n: number) => (Math.abs(n) >= 10 ? Math.round(n) : Math.round(n * 10) / 10);

/** "pricing page views 2.1 (site 0.3)": a feature, the segment's centre and the site's mean in the feature's own unit. */
function Feature({ f }: { f: SegmentFeature }) {
  return (
    <li title={`z = ${f.z}`}>
      {f.z > 0 ? '↑' : '↓'} {featureLabel(f.feature)} {round(f.value)} <span className="muted small">(site {round(f.site_value)})</span>
    </li>
  );
}

/** The site's segments: size, conversion, revenue, what sets each apart, and its people. */
export function SegmentsTable({ siteId, segments, currency }: { siteId: string; segments: Segment[]; currency?: string }) {
  return (
    <div data-testid="segments-table">
      <DataTable
        caption="Segments"
        rows={segments}
        columns={[
          { key: 'name', header: 'Segment', render: (s) => <strong data-testid="segment-name">{s.name}</strong> },
          { key: 'people', header: 'People', numeric: true, render: (s) => formatNumber(s.people) },
          { key: 'share', header: 'Share', numeric: true, render: (s) => formatPercent(s.share * 100) },
          { key: 'conv', header: 'Conversion', numeric: true, render: (s) => formatPercent(s.conversion_rate * 100) },
          {
            key: 'revenue',
            header: 'Revenue',
            numeric: true,
            render: (s) => (currency ? `${formatNumber(s.revenue)} ${currency}` : formatNumber(s.revenue)),
          },
          {
            key: 'features',
            header: 'Sets it apart',
            render: (s) => (
              <ul className="plain-list">
                {s.features.map((f) => (
                  <Feature key={f.feature} f={f} />
                ))}
              </ul>
            ),
          },
          {
            key: 'link',
            header: 'People',
            render: (s) => <Link to={`/sites/${siteId}/people?segment=${encodeURIComponent(s.id)}`}>People in {s.name}</Link>,
          },
        ]}
      />
    </div>
  );
}
