import { useState, type FormEvent } from 'react';
import type { FilterNode, ReportAttachment, ReportFrequency, ReportInput, ReportQuery } from '@tidemark/core';
import { Field } from './Field';

// Core's values stay out of the bundle (its zod probes for eval, which the dashboard's CSP forbids).
const METRICS: Array<[ReportQuery['metrics'][number], string]> = [
  ['visitors', 'Visitors'],
  ['pageviews', 'Pageviews'],
  ['sessions', 'Visits'],
  ['bounce_rate', 'Bounce rate'],
  ['avg_duration', 'Visit duration'],
  ['events', 'Events'],
  ['total_revenue', 'Revenue'],
];
const DIMENSIONS: Array<[NonNullable<ReportQuery['dimensions']>[number], string]> = [
  ['page', 'Page'],
  ['entry_page', 'Entry page'],
  ['source', 'Source'],
  ['channel', 'Channel'],
  ['campaign', 'UTM campaign'],
  ['country', 'Country'],
  ['device', 'Device'],
  ['browser', 'Browser'],
  ['event_name', 'Event name'],
];

/** A custom report: a saved query (metrics, a breakdown, a filter, a span of days) mailed on a schedule as CSV or JSON. */
export function CustomReportForm({ siteId, onCreate }: { siteId: string; onCreate: (input: ReportInput) => Promise<unknown> }) {
  const [metrics, setMetrics] = useState<Set<string>>(new Set(['visitors', 'pageviews']));
  const toggle = (m: string) =>
    setMetrics((prev) => {
      const next = new Set(prev);
      if (next.has(m)) next.delete(m);
      else next.add(m);
      return next;
    });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const dimension = text('dimension') as NonNullable<ReportQuery['dimensions']>[number] | '';
    const filterOn = text('filter_dimension');
    const filterValue = text('filter_value');
    const days = text('days');
    const query: ReportQuery = {
      metrics: METRICS.map(([m]) => m).filter((m) => metrics.has(m)),
      ...(dimension ? { dimensions: [dimension] } : {}),
      ...(filterOn && filterValue ? { filters: [['is', filterOn, [filterValue]] as FilterNode] } : {}),
      ...(days ? { days: Number(days) } : {}),
    };
    void onCreate({
      frequency: text('frequency') as ReportFrequency,
      name: text('name'),
      query,
      attachment: text('attachment') as ReportAttachment,
      recipients: text('recipients')
        .split(/[\s,;]+/)
        .filter(Boolean),
    });
  };
  return (
    <form className="stack" aria-label="New custom report" onSubmit={submit}>
      <h3>Custom report</h3>
      <p className="muted">A saved query, run for each period and attached to the mail as a file.</p>
      <div className="row">
        <Field label="Report name" name="name" required maxLength={100} />
        <div className="field">
          <label htmlFor={`custom-frequency-${siteId}`}>Frequency</label>
          <select id={`custom-frequency-${siteId}`} name="frequency" defaultValue="weekly">
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
          </select>
        </div>
        <Field label="Days covered (empty: the day or week)" name="days" type="number" min="1" max="366" />
      </div>
      <fieldset className="row">
        <legend>Metrics</legend>
        {METRICS.map(([m, label]) => (
          <label key={m} className="row">
            <input type="checkbox" checked={metrics.has(m)} onChange={() => toggle(m)} /> {label}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <div className="field">
          <label htmlFor={`custom-dimension-${siteId}`}>Broken down by</label>
          <select id={`custom-dimension-${siteId}`} name="dimension" defaultValue="">
            <option value="">Nothing (over time)</option>
            {DIMENSIONS.map(([d, label]) => (
              <option key={d} value={d}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`custom-filter-${siteId}`}>Only where</label>
          <select id={`custom-filter-${siteId}`} name="filter_dimension" defaultValue="">
            <option value="">(no filter)</option>
            {DIMENSIONS.map(([d, label]) => (
              <option key={d} value={d}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <Field label="is" name="filter_value" maxLength={200} />
        <div className="field">
          <label htmlFor={`custom-attachment-${siteId}`}>Attached as</label>
          <select id={`custom-attachment-${siteId}`} name="attachment" defaultValue="csv">
            <option value="csv">CSV</option>
            <option value="json">JSON</option>
          </select>
        </div>
      </div>
      <Field label="Recipients" name="recipients" required placeholder="analyst@example.com" />
      <div>
        <button type="submit" className="button primary" disabled={metrics.size === 0}>
          Add custom report
        </button>
      </div>
    </form>
  );
}
