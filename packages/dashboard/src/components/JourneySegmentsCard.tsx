import type { JourneySegments } from '@tidemark/core';
import { DataTable } from './DataTable';
import { formatNumber } from '../lib/format';

type Segment = JourneySegments['segments'][number];

const NAMES: Record<Segment['id'], { label: string; hint: string }> = {
  direct_converters: { label: 'Direct converters', hint: 'completed it in their first visit' },
  researchers: { label: 'Researchers', hint: 'completed it in their 2nd to 5th visit' },
  later_converters: { label: 'Later converters', hint: 'completed it after 5 visits' },
  browsers: { label: 'Browsers', hint: '3 or more visits, never completed it' },
  others: { label: 'Others', hint: '1 or 2 visits, not completed' },
};

/** How members reached the goal over their visits in the period. */
export function JourneySegmentsCard({ data }: { data: JourneySegments }) {
  return (
    <section className="card" aria-label="Journey segments" data-testid="journey-segments">
      <div className="card-head">
        <h2>Journeys to {data.goal.name}</h2>
        <span className="muted small">
          {formatNumber(data.members)} {data.basis === 'people' ? 'people' : 'visitor ids'} with a visit in {data.period.start} –{' '}
          {data.period.end}
        </span>
      </div>
      <DataTable<Segment>
        rows={data.segments}
        caption="Members per journey segment"
        columns={[
          { key: 'segment', header: 'Segment', render: (s) => NAMES[s.id].label },
          { key: 'what', header: 'Who', render: (s) => NAMES[s.id].hint },
          { key: 'members', header: 'Members', numeric: true, render: (s) => formatNumber(s.members) },
          { key: 'share', header: 'Share', numeric: true, render: (s) => `${s.share}%` },
          { key: 'visits', header: 'Visits each', numeric: true, render: (s) => s.avg_sessions.toLocaleString('en-US') },
        ]}
      />
    </section>
  );
}
