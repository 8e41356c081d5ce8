import type { Segment } from '@tidemark/core';
import { statsApi } from '../api/stats';
import { useAsync } from '../lib/use-async';
import { parseViewState } from '../lib/view-state';
import { formatNumber } from '../lib/format';
import { DataTable } from './DataTable';
import { ErrorBanner } from './ErrorBanner';

/** People and page views of the last 30 days by segment (the stats engine's `segment` dimension), named from the model. */
export function SegmentTraffic({ siteId, segments }: { siteId: string; segments: Segment[] }) {
  const rows = useAsync(
    (signal) => statsApi.breakdown(siteId, parseViewState(''), 'segment', ['visitors', 'pageviews'], 20, signal, { unit: 'people' }),
    [siteId, segments.map((s) => s.id).join()],
  );
  const names = new Map(segments.map((s) => [s.id, s.name]));
  return (
    <section className="card" aria-label="People by segment">
      <h2>Last 30 days by segment</h2>
      <ErrorBanner error={rows.error} />
      {rows.data && (
        <div data-testid="segment-traffic">
          <DataTable
            caption="People of the last 30 days by segment"
            rows={rows.data}
            columns={[
              { key: 's', header: 'Segment', render: (r) => (r.label ? (names.get(r.label) ?? r.label) : '(not labelled yet)') },
              { key: 'p', header: 'People', numeric: true, render: (r) => formatNumber(Number(r.values.visitors ?? 0)) },
              { key: 'pv', header: 'Page views', numeric: true, render: (r) => formatNumber(Number(r.values.pageviews ?? 0)) },
            ]}
          />
        </div>
      )}
    </section>
  );
}
