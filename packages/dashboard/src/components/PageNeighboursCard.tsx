import type { PageNeighbours } from '@tidemark/core';
import { DataTable } from './DataTable';
import { formatNumber } from '../lib/format';

type Row = PageNeighbours['next'][number];

const columns = (head: string) => [
  { key: 'name', header: head, render: (r: Row) => (r.kind === 'event' ? `⚑ ${r.name}` : r.name) },
  { key: 'visitors', header: 'Visitors', numeric: true, render: (r: Row) => formatNumber(r.visitors) },
  { key: 'share', header: 'Share', numeric: true, render: (r: Row) => `${r.share.toLocaleString('en-US', { maximumFractionDigits: 1 })}%` },
];

/** The steps right before and after a page (its first view in each visitor's session). */
export function PageNeighboursCard({ data }: { data: PageNeighbours }) {
  return (
    <section className="card" aria-label="Next and previous pages" data-testid="page-neighbours">
      <div className="card-head">
        <h2>Around {data.page}</h2>
        <span className="muted small">{formatNumber(data.visitors)} visitors viewed it</span>
      </div>
      <div className="funnel-next-grid">
        <div data-testid="neighbours-previous">
          <h3 className="small">Came from</h3>
          <DataTable rows={data.previous} columns={columns('Previous step')} caption={`Steps before ${data.page}`} />
        </div>
        <div data-testid="neighbours-next">
          <h3 className="small">Went on to</h3>
          <DataTable rows={data.next} columns={columns('Next step')} caption={`Steps after ${data.page}`} />
        </div>
      </div>
    </section>
  );
}
