import { useState, type FormEvent } from 'react';
import type { ReportFrequency } from '@tidemark/core';
import { reportsApi } from '../api/reports';
import { useAsync } from '../lib/use-async';
import { ErrorBanner } from './ErrorBanner';
import { CustomReportForm } from './CustomReportForm';
import { Field } from './Field';

const FREQUENCIES: Record<ReportFrequency, string> = { daily: 'Daily (yesterday)', weekly: 'Weekly (last Monday to Sunday)' };

/** Site settings: email reports — who gets the site's summary how often; send now; stop. */
export function ReportSettings({ siteId, canEdit }: { siteId: string; canEdit: boolean }) {
  const reports = useAsync((signal) => reportsApi.list(siteId, signal), [siteId]);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');

  const run = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      reports.reload();
    } catch (err) {
      setError(err);
    }
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const recipients = String(f.get('recipients') ?? '')
      .split(/[\s,;]+/)
      .filter(Boolean);
    void run(() => reportsApi.create(siteId, { frequency: String(f.get('frequency')) as ReportFrequency, recipients }));
  };

  return (
    <section className="card stack" id="reports" aria-labelledby="reports-title">
      <h2 id="reports-title">Email reports</h2>
      <p className="muted">A summary of the last day or week by email, to anyone. Every mail has its own unsubscribe link.</p>
      <ErrorBanner error={reports.error ?? error} />
      {status && <p role="status">{status}</p>}
      {reports.data?.length === 0 && <p className="muted">No email reports yet.</p>}
      <ul className="stack goal-list">
        {(reports.data ?? []).map((r) => (
          <li key={r.id} className="row" data-testid="report-item">
            <strong>{r.name ? `${r.name} (${r.frequency}, ${(r.attachment ?? 'csv').toUpperCase()})` : FREQUENCIES[r.frequency]}</strong>
            <span className="muted">
              {r.recipients.join(', ') || 'nobody (everyone unsubscribed)'}
              {r.last_period ? ` · last sent for ${r.last_period}` : ''}
            </span>
            {canEdit && (
              <>
                <button
                  type="button"
                  className="button small"
                  onClick={() => void run(async () => setStatus(`Sent ${(await reportsApi.sendNow(siteId, r.id)).sent} mail(s).`))}
                >
                  Send now
                </button>
                <button type="button" className="button small danger" onClick={() => void run(() => reportsApi.remove(siteId, r.id))}>
                  Stop
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <form className="stack" aria-label="New email report" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`report-frequency-${siteId}`}>Frequency</label>
            <select id={`report-frequency-${siteId}`} name="frequency" defaultValue="weekly">
              {Object.entries(FREQUENCIES).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </div>
          <Field label="Recipients" name="recipients" required placeholder="ceo@example.com, team@example.com" />
          <div>
            <button type="submit" className="button primary">
              Add report
            </button>
          </div>
        </form>
      )}
      {canEdit && <CustomReportForm siteId={siteId} onCreate={(input) => run(() => reportsApi.create(siteId, input))} />}
    </section>
  );
}
