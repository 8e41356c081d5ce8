import { useId, useState } from 'react';
import type { ResultRow as Row, TimeseriesAnnotation } from '@tidemark/core';
import { LineChart, type ChartMarker, type Series } from '../charts/LineChart';
import type { ExportFormat } from '../api/stats';
import { ExportMenu } from './ExportMenu';
import { DataTable } from './DataTable';
import { KPI_METRICS } from '../lib/dimensions';
import { formatBucket, formatMetric } from '../lib/format';
import { INTERVALS, type Interval } from '../lib/view-state';

interface Props {
  metric: string;
  interval: Interval;
  onInterval: (i: Interval) => void;
  timeseries: Row[];
  previous?: Row[];
  annotations?: TimeseriesAnnotation[];
  /** The download of this chart's numbers in a format. */
  exportHref?: (format: ExportFormat) => string;
}

/** Annotations as chart markers, at the index of the bucket each falls in. */
export function markersOf(timeseries: Row[], annotations: TimeseriesAnnotation[] = []): ChartMarker[] {
  const index = new Map(timeseries.map((r, i) => [String(r.date), i]));
  return annotations.flatMap((a) => {
    const i = index.get(a.bucket);
    return i === undefined ? [] : [{ key: a.id, index: i, title: a.title, detail: a.description, category: a.category }];
  });
}

/** The main chart of the overview, with bucket choice and a table view of the same numbers. */
export function MainChart({ metric, interval, onInterval, timeseries, previous, annotations, exportHref }: Props) {
  const id = useId();
  const [asTable, setAsTable] = useState(false);
  const label = KPI_METRICS.find((k) => k.metric === metric)?.label ?? metric;
  const num = (r: Row | undefined) => (r && r[metric] !== null && r[metric] !== undefined ? Number(r[metric]) : null);
  const labels = timeseries.map((r) => formatBucket(String(r.date ?? ''), interval));
  const series: Series[] = [{ label, values: timeseries.map(num), className: 'series-main' }];
  if (previous?.length)
    series.push({ label: `${label} (previous period)`, values: timeseries.map((_, i) => num(previous[i])), className: 'series-prev' });
  const fmt = (n: number | null) => formatMetric(metric, n);
  return (
    <section className="card chart-card" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>{label}</h2>
        <div className="row">
          <label className="inline-field">
            <span>Interval</span>
            <select value={interval} onChange={(e) => onInterval(e.target.value as Interval)}>
              {INTERVALS.map((i) => (
                <option key={i} value={i}>
                  {i[0].toUpperCase() + i.slice(1)}
                </option>
              ))}
            </select>
          </label>
          {exportHref && <ExportMenu label={`${label} by ${interval}`} href={exportHref} />}
          <button type="button" className="button small" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
            {asTable ? 'Show chart' : 'Show table'}
          </button>
        </div>
      </div>
      {asTable ? (
        <DataTable
          caption={`${label} by ${interval}`}
          rows={timeseries.map((r, i) => ({ r, i }))}
          columns={[
            { key: 'date', header: 'Date', render: ({ r }) => String(r.date ?? '') },
            { key: 'v', header: label, numeric: true, render: ({ r }) => fmt(num(r)) },
            ...(previous?.length
              ? [{ key: 'p', header: 'Previous period', numeric: true, render: ({ i }: { i: number }) => fmt(num(previous[i])) }]
              : []),
          ]}
        />
      ) : (
        <LineChart
          title={`${label} by ${interval}`}
          labels={labels}
          series={series}
          format={fmt}
          markers={markersOf(timeseries, annotations)}
        />
      )}
    </section>
  );
}
