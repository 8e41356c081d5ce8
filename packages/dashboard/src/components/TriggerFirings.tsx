import type { TriggerFiringPage } from '@tidemark/core';
import { formatDateTime } from '../lib/format';
import { DataTable } from './DataTable';
import { Pager } from './Pager';

/** The open trigger's firings, newest first: person, reason, outcome, when due; paged by the URL. */
export function TriggerFirings({ page, onPage }: { page: TriggerFiringPage; onPage: (offset: number) => void }) {
  return (
    <section aria-label="Firings">
      <h3>Firings ({page.total})</h3>
      <DataTable
        caption="Firings"
        rows={page.firings}
        columns={[
          { key: 'at', header: 'When', render: (f) => formatDateTime(f.occurred_at) },
          { key: 'person', header: 'Person', render: (f) => f.profile_id },
          { key: 'outcome', header: 'Outcome', render: (f) => f.outcome.replace('_', ' ') },
          { key: 'due', header: 'Due', render: (f) => `${formatDateTime(f.due_at)}${f.quiet_hours ? ' (after quiet hours)' : ''}` },
          { key: 'reason', header: 'Reason', render: (f) => f.reason },
        ]}
      />
      <Pager
        page={Math.floor(page.offset / page.limit)}
        pages={Math.ceil(page.total / page.limit)}
        onPage={(n) => onPage(n * page.limit)}
        label="Firing pages"
        previous="Newer"
        next="Older"
      />
    </section>
  );
}
