import { useId, useState, type FormEvent } from 'react';
import { statsApi, statsEndpoint } from '../api/stats';
import { ExportMenu } from './ExportMenu';
import { useAsync } from '../lib/use-async';
import type { ViewState } from '../lib/view-state';
import { BarList } from './BarList';
import { DataTable } from './DataTable';
import { DimensionValue } from './DimensionValue';
import { ErrorBanner } from './ErrorBanner';
import { formatNumber } from '../lib/format';

/** Events the tracker does on its own; the card lists the site's custom events. */
const BUILTIN_EVENTS = new Set(['page_view', 'scroll_depth', 'engagement', 'page_exit', 'heatmap_click', 'heatmap_move']);
const PROP_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.:\- ]{0,63}$/;

interface Props {
  siteId: string;
  view: ViewState;
  queryKey: string;
  onFilter: (dimension: string, value: string) => void;
  enabled: boolean;
}

/** Custom events, and a breakdown of any property's values (within the current filters). */
export function EventsCard({ siteId, view, queryKey, onFilter, enabled }: Props) {
  const id = useId();
  const [propKey, setPropKey] = useState('');
  const [asTable, setAsTable] = useState(false);
  const dimension = propKey ? `props:${propKey}` : 'event_name';
  const rows = useAsync(
    (signal) => statsApi.breakdown(siteId, view, dimension, ['visitors', 'events'], 20, signal),
    [siteId, queryKey, dimension],
    enabled,
  );
  const data = (rows.data ?? []).filter((r) => propKey || !BUILTIN_EVENTS.has(r.label));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const key = String(new FormData(e.currentTarget).get('prop') ?? '').trim();
    setPropKey(PROP_KEY.test(key) ? key : '');
  };
  return (
    <section className="card breakdown" aria-labelledby={`${id}-title`} data-testid="card-events">
      <div className="card-head">
        <h2 id={`${id}-title`}>{propKey ? `Property “${propKey}”` : 'Events'}</h2>
        <div className="row">
          <ExportMenu
            label={propKey ? `Property ${propKey}` : 'Events'}
            href={(format) =>
              statsApi.exportUrl(statsEndpoint(siteId), view, { metrics: 'visitors,events', dimensions: dimension, limit: '1000' }, format)
            }
          />
          <button type="button" className="button small" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
            {asTable ? 'Show list' : 'Show table'}
          </button>
        </div>
      </div>
      <form className="row prop-form" onSubmit={submit}>
        <label className="inline-field">
          <span>Break down by property</span>
          <input name="prop" placeholder="e.g. plan" defaultValue={propKey} maxLength={64} />
        </label>
        <button type="submit" className="button small">
          Show
        </button>
        {propKey && (
          <button type="button" className="link-button" onClick={() => setPropKey('')}>
            Back to events
          </button>
        )}
      </form>
      <div className="card-body" aria-busy={rows.loading}>
        <ErrorBanner error={rows.error} />
        {asTable ? (
          <DataTable
            caption={propKey ? `Values of ${propKey}` : 'Custom events'}
            rows={data}
            columns={[
              {
                key: 'label',
                header: propKey ? 'Value' : 'Event',
                render: (r) => <DimensionValue dimension={dimension} value={r.label} />,
              },
              { key: 'visitors', header: 'Visitors', numeric: true, render: (r) => formatNumber(Number(r.values.visitors ?? 0)) },
              { key: 'events', header: 'Events', numeric: true, render: (r) => formatNumber(Number(r.values.events ?? 0)) },
            ]}
          />
        ) : (
          <BarList rows={data} dimension={dimension} kind="text" metric="visitors" onPick={(v) => onFilter(dimension, v)} />
        )}
        {!rows.loading && !data.length && !rows.error && <p className="muted empty-small">No custom events in this period.</p>}
      </div>
    </section>
  );
}
