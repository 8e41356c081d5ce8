import type { AttributionModelName, RevenueReportBody } from '@tidemark/core';
import { DataTable } from './DataTable';
import { formatMoney, formatNumber } from '../lib/format';
import { MODEL_LABELS, MODELS } from '../lib/revenue-view';

type Dim = 'source' | 'campaign' | 'landing_page' | 'channel';
const DIMS: Array<{ id: Dim; label: string }> = [
  { id: 'source', label: 'Source' },
  { id: 'campaign', label: 'Campaign' },
  { id: 'landing_page', label: 'Landing page' },
  { id: 'channel', label: 'Channel' },
];

interface Props {
  report?: RevenueReportBody;
  model: AttributionModelName;
  compare: boolean;
  onModel: (m: AttributionModelName) => void;
  onCompare: (on: boolean) => void;
}

/** Revenue credited to each source, campaign, landing page and channel under the chosen model; optionally all five models side by side. */
export function AttributionTable({ report, model, compare, onModel, onCompare }: Props) {
  const c = report?.currency ?? 'USD';
  const rowsOf = (dim: Dim) => {
    if (!report) return [];
    if (dim === 'source')
      return report.by_source.map((r) => ({ label: r.medium ? `${r.source || '(direct)'} / ${r.medium}` : r.source || '(direct)', ...r }));
    const list = dim === 'campaign' ? report.by_campaign : dim === 'landing_page' ? report.by_landing_page : report.by_channel;
    return list.map((r) => ({
      label: String((r as Record<string, unknown>)[dim] || '(none)'),
      revenue: r.revenue,
      transactions: r.transactions,
    }));
  };
  return (
    <section className="card" aria-label="Attribution">
      <div className="card-head">
        <h2>Attribution</h2>
        <label>
          Model{' '}
          <select value={model} onChange={(e) => onModel(e.target.value as AttributionModelName)} data-testid="attribution-model">
            {MODELS.map((m) => (
              <option key={m} value={m}>
                {MODEL_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={compare} onChange={(e) => onCompare(e.target.checked)} /> Compare models
        </label>
      </div>
      <div className="cards">
        {DIMS.map((d) => (
          <div key={d.id} data-testid={`attribution-${d.id}`}>
            <h3>{d.label}</h3>
            <DataTable
              caption={`Revenue by ${d.label.toLowerCase()}`}
              rows={rowsOf(d.id)}
              columns={[
                { key: 'l', header: d.label, render: (r) => <span className="truncate">{r.label}</span> },
                { key: 'r', header: 'Revenue', numeric: true, render: (r) => formatMoney(r.revenue, c) },
                { key: 't', header: 'Transactions', numeric: true, render: (r) => formatNumber(r.transactions) },
              ]}
            />
          </div>
        ))}
      </div>
      {compare && report?.models && <ModelComparison report={report} />}
    </section>
  );
}

/** Each source's revenue under each of the five models. */
function ModelComparison({ report }: { report: RevenueReportBody }) {
  const models = report.models ?? {};
  const keys = [...new Set(Object.values(models).flatMap((rows) => rows.map((r) => `${r.source}\u0000${r.medium}`)))];
  const rows = keys.map((k) => {
    const [source = '', medium = ''] = k.split('\u0000');
    return {
      source,
      medium,
      values: MODELS.map((m) => models[m]?.find((r) => r.source === source && r.medium === medium)?.revenue ?? 0),
    };
  });
  return (
    <div data-testid="model-comparison">
      <h3>Five models side by side</h3>
      <DataTable
        caption="Revenue by source under each attribution model"
        rows={rows}
        columns={[
          { key: 's', header: 'Source', render: (r) => (r.medium ? `${r.source || '(direct)'} / ${r.medium}` : r.source || '(direct)') },
          ...MODELS.map((m, i) => ({
            key: m,
            header: MODEL_LABELS[m],
            numeric: true,
            render: (r: (typeof rows)[number]) => formatMoney(r.values[i], report.currency),
          })),
        ]}
      />
    </div>
  );
}
