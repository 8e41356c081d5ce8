import { useEffect, useState, type FormEvent } from 'react';
import type { AuditEntry } from '@tidemark/core';
import { auditApi } from '../api/audit';
import { canAdmin, useSession } from '../app/session';
import { navigate, useLocation } from '../lib/router';
import { AUDIT_AREAS, auditFiltersSearch, describeDetails, readAuditFilters } from '../lib/audit-view';
import { formatDateTime } from '../lib/format';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';

/** The organization's audit log (owners and admins): filters in the URL, newest first, load more, export. */
export function AuditLogPage() {
  const { org } = useSession();
  const { search } = useLocation();
  const filters = readAuditFilters(search);
  const key = auditFiltersSearch(filters);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the filters read from the URL
  useEffect(() => {
    if (!org || !canAdmin(org)) return;
    const ctrl = new AbortController();
    setLoading(true);
    setError(undefined);
    auditApi.page(org.id, filters, null, ctrl.signal).then(
      (p) => {
        setEntries(p.entries);
        setCursor(p.next_cursor);
        setLoading(false);
      },
      (e) => {
        if (!ctrl.signal.aborted) setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [org?.id, key]);

  if (!org || !canAdmin(org))
    return (
      <section className="page">
        <h1>Audit log</h1>
        <p className="banner">Only owners and admins can see the audit log.</p>
      </section>
    );

  const more = async () => {
    if (!cursor) return;
    try {
      const p = await auditApi.page(org.id, filters, cursor);
      setEntries((prev) => [...prev, ...p.entries]);
      setCursor(p.next_cursor);
    } catch (e) {
      setError(e);
    }
  };

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    navigate(
      `/audit${auditFiltersSearch({ action: get('action'), actor: get('actor'), outcome: get('outcome'), from: get('from'), to: get('to') })}`,
    );
  };

  return (
    <section className="page">
      <h1>Audit log</h1>
      <p className="muted">Every administrative action in {org.name}, newest first. Entries cannot be changed or deleted.</p>
      <form className="card filters-form" onSubmit={apply} aria-label="Filter the audit log" key={key}>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" name="action" defaultValue={filters.action ?? ''}>
            {AUDIT_AREAS.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select id="audit-outcome" name="outcome" defaultValue={filters.outcome ?? ''}>
            <option value="">Any</option>
            <option value="success">Succeeded</option>
            <option value="failure">Failed</option>
          </select>
        </div>
        <Field label="Actor (e-mail or key name)" name="actor" defaultValue={filters.actor ?? ''} />
        <Field label="From" name="from" type="date" defaultValue={filters.from ?? ''} />
        <Field label="To" name="to" type="date" defaultValue={filters.to ?? ''} />
        <div className="form-actions">
          <button type="submit" className="button primary">
            Apply filters
          </button>
          <a className="button" href={auditApi.exportUrl(org.id, filters, 'csv')} download>
            Export CSV
          </a>
          <a className="button" href={auditApi.exportUrl(org.id, filters, 'ndjson')} download>
            Export NDJSON
          </a>
        </div>
      </form>
      <ErrorBanner error={error} />
      <section className="card" aria-busy={loading}>
        <h2>Entries</h2>
        {!loading && entries.length === 0 && <p className="muted">No entries match these filters.</p>}
        <DataTable
          caption="Audit log entries"
          rows={entries}
          columns={[
            { key: 'at', header: 'Time', render: (e) => formatDateTime(Date.parse(e.at)) },
            { key: 'action', header: 'Action', render: (e) => <code>{e.action}</code> },
            { key: 'outcome', header: 'Outcome', render: (e) => (e.outcome === 'failure' ? 'Failed' : 'OK') },
            { key: 'actor', header: 'By', render: (e) => (e.actor.type === 'api_key' ? `key ${e.actor.label}` : e.actor.label) },
            { key: 'details', header: 'Details', render: (e) => describeDetails(e) },
          ]}
        />
        {cursor && (
          <button type="button" className="button" onClick={() => void more()}>
            Load more
          </button>
        )}
      </section>
    </section>
  );
}
