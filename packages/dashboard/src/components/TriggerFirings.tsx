import type { TriggerFiringPage } from '@tidemark/core';
import { DataTable } from './DataTable';

const time = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16));

/** The open trigger's firings, newest first: person, reason, outcome, when due; paged by the URL. */
export function TriggerFirings({ page, onPage }: { page: TriggerFiringPage; onPage: (offset: number) => void }) {
  return (
    <section aria-label="Firings">
      <h3>Firings ({page.total})</h3>
      <DataTable
        caption="Firings"
        rows={page.firings}
        columns={[
          { key: 'at', header: 'When', render: (f) => time(f.occurred_at) },
          { key: 'person', header: 'Person', render: (f) => f.profile_id },
          { key: 'outcome', header: 'Outcome', render: (f) => f.outcome.replace('_', ' ') },
          { key: 'due', header: 'Due', render: (f) => `${time(f.due_at)}${f.quiet_hours ? ' (after quiet hours)' : ''}` },
          { key: 'reason', header: 'Reason', render: (f) => f.reason },
        ]}
      />
      <div className="toolbar">
        <button
          className="button small"
          type="button"
          disabled={page.offset === 0}
          onClick={() => onPage(Math.max(0, page.offset - page.limit))}
        >
          Newer
        </button>
        <button
          className="button small"
          type="button"
          disabled={page.offset + page.limit >= page.total}
          onClick={() => onPage(page.offset + page.limit)}
        >
          Older
        </button>
      </div>
    </section>
  );
}
