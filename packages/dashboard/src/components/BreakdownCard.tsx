import { lazy, Suspense, useId, useState } from 'react';
import { statsApi, statsEndpoint } from '../api/stats';
import { ExportMenu } from './ExportMenu';
import { METRIC_LABELS, type BreakdownCardDef } from '../lib/dimensions';
import { formatMetric, formatMoney } from '../lib/format';
import { useAsync } from '../lib/use-async';
import type { ViewState } from '../lib/view-state';
import { BarList } from './BarList';
import { DataTable } from './DataTable';
import { DimensionValue } from './DimensionValue';
import { ErrorBanner } from './ErrorBanner';
import { Tabs } from './Tabs';

const WorldMap = lazy(() => import('../charts/WorldMap'));

interface Props {
  siteId: string;
  siteDomain?: string;
  def: BreakdownCardDef;
  view: ViewState;
  queryKey: string;
  onFilter: (dimension: string, value: string) => void;
  /** False while the headline numbers load: they go first, the cards follow. */
  enabled: boolean;
  /** Offer the card's numbers as downloads (not on shared views). */
  exportable?: boolean;
  /** The site's reporting currency (revenue columns). */
  currency?: string;
}

const METRIC = 'visitors';

/**
 * Top pages also show pageviews; their table adds time on page and scroll depth (read from raw
 * events, so only asked for when the table is open).
 */
function metricsFor(dimension: string, asTable: boolean): string[] {
  if (dimension !== 'page') return asTable ? [METRIC, ...REVENUE] : [METRIC];
  return asTable ? [METRIC, 'pageviews', 'avg_time', 'scroll_depth', ...REVENUE] : [METRIC, 'pageviews'];
}

/** Revenue credited to each row (last touch), in the table view; its columns show once a row has some. */
const REVENUE = ['total_revenue', 'transactions'];

/** A card of ranked breakdowns with tabs (e.g. Sources: channels, referrers, UTM …). */
export function BreakdownCard({ siteId, siteDomain, def, view, queryKey, onFilter, enabled, exportable = true, currency = 'USD' }: Props) {
  const id = useId();
  const [tabId, setTabId] = useState(def.tabs[0].dimension);
  const [asTable, setAsTable] = useState(false);
  const [limit, setLimit] = useState(10);
  const tab = def.tabs.find((t) => t.dimension === tabId) ?? def.tabs[0];
  const isMap = tab.kind === 'country';
  const metrics = metricsFor(tab.dimension, asTable);
  const rows = useAsync(
    (signal) => statsApi.breakdown(siteId, view, tab.dimension, metrics, isMap ? 250 : limit, signal),
    [siteId, queryKey, tab.dimension, limit, metrics.join(',')],
    enabled,
  );
  const data = rows.data ?? [];
  const shown = isMap && !asTable ? data.slice(0, limit) : data;
  const hasRevenue = data.some((r) => REVENUE.some((m) => Number(r.values[m] ?? 0) !== 0));
  const columns = metrics.filter((m) => hasRevenue || !REVENUE.includes(m));

  return (
    <section className="card breakdown" aria-labelledby={`${id}-title`} data-testid={`card-${def.id}`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>{def.title}</h2>
        <div className="row">
          {exportable && (
            <ExportMenu
              label={`${def.title}: ${tab.label}`}
              href={(format) =>
                statsApi.exportUrl(
                  statsEndpoint(siteId),
                  view,
                  { metrics: metrics.join(','), dimensions: tab.dimension, limit: '1000' },
                  format,
                )
              }
            />
          )}
          <button type="button" className="button small" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
            {asTable ? 'Show list' : 'Show table'}
          </button>
        </div>
      </div>
      <Tabs
        label={`${def.title} breakdowns`}
        idPrefix={id}
        items={def.tabs.map((t) => ({ id: t.dimension, label: t.label }))}
        selected={tab.dimension}
        onSelect={(d) => {
          setTabId(d);
          setLimit(10);
        }}
      />
      <div id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-tab-${tab.dimension}`} className="card-body" aria-busy={rows.loading}>
        <ErrorBanner error={rows.error} />
        {isMap && !asTable && (
          <Suspense fallback={<div className="map-placeholder" />}>
            <WorldMap
              values={new Map(data.map((r) => [r.label.toUpperCase(), Number(r.values[METRIC] ?? 0)]))}
              onPick={(c) => onFilter('country', c)}
            />
          </Suspense>
        )}
        {asTable ? (
          <DataTable
            caption={`${def.title}: ${tab.label}`}
            rows={data}
            columns={[
              { key: 'label', header: tab.column, render: (r) => <DimensionValue dimension={tab.dimension} value={r.label} /> },
              ...columns.map((m) => ({
                key: m,
                header: METRIC_LABELS[m] ?? m,
                numeric: true,
                render: (r: (typeof data)[number]) =>
                  m === 'total_revenue' ? formatMoney(Number(r.values[m] ?? 0), currency) : formatMetric(m, Number(r.values[m] ?? 0)),
              })),
            ]}
          />
        ) : (
          <>
            <div className="bar-head" aria-hidden="true">
              <span>{tab.column}</span>
              <span>Visitors</span>
            </div>
            <BarList
              rows={shown}
              dimension={tab.dimension}
              kind={tab.kind}
              metric={METRIC}
              siteDomain={siteDomain}
              onPick={(v) => onFilter(tab.dimension, v)}
            />
          </>
        )}
        {!rows.loading && !data.length && !rows.error && <p className="muted empty-small">No data for this period.</p>}
        {!isMap && data.length >= limit && limit < 100 && (
          <button type="button" className="link-button more" onClick={() => setLimit(100)}>
            Show more
          </button>
        )}
      </div>
    </section>
  );
}
