import { useEffect, useState, type FormEvent } from 'react';
// Types only from core: its runtime (zod) stays out of the bundle.
import type { ImportJob, ImportSourceName } from '@tidemark/core';
import { importsApi } from '../api/imports';
import { useAsync } from '../lib/use-async';
import { formatCount } from '../lib/format';
import { ErrorBanner } from './ErrorBanner';

const SOURCE_LABELS: Record<ImportSourceName, string> = {
  plausible: 'Plausible export (.zip)',
  umami: 'Umami export (.zip or website_event .csv)',
  csv: 'Events CSV (one row per event)',
};

const SOURCES = Object.keys(SOURCE_LABELS) as ImportSourceName[];

const running = (j: ImportJob) => j.status === 'queued' || j.status === 'running';

/** Site settings: import another tool's export, follow its progress, delete it. Admins and owners only. */
export function ImportsCard({ siteId }: { siteId: string }) {
  const jobs = useAsync((signal) => importsApi.list(siteId, signal), [siteId]);
  const [source, setSource] = useState<ImportSourceName>('plausible');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const active = (jobs.data ?? []).some(running);

  // While an import runs, its progress is read again every second.
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => jobs.reload(), 1000);
    return () => clearInterval(t);
  }, [active, jobs.reload]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    try {
      await importsApi.upload(siteId, source, file);
      jobs.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (job: ImportJob) => {
    setError(undefined);
    try {
      await importsApi.remove(siteId, job.id);
      jobs.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card stack" aria-labelledby="imports-title">
      <h2 id="imports-title">Imports</h2>
      <p className="muted">
        Bring your history from another tool. Imported numbers count only on days without data of this site, and can be left out of any
        report. Importing the same file again replaces it.
      </p>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="import-source">Source</label>
          <select id="import-source" name="source" value={source} onChange={(e) => setSource(e.target.value as ImportSourceName)}>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {SOURCE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="import-file">File</label>
          <input id="import-file" type="file" name="file" accept=".zip,.csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <ErrorBanner error={error ?? jobs.error} />
        <div className="row">
          <button type="submit" className="button primary" disabled={!file || busy}>
            {busy ? 'Uploading…' : 'Import'}
          </button>
        </div>
      </form>
      {jobs.data && jobs.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table" aria-label="Imports">
            <thead>
              <tr>
                <th>File</th>
                <th>Source</th>
                <th>Days</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((j) => (
                <tr key={j.id} data-import-status={j.status}>
                  <td>{j.file_name}</td>
                  <td>{j.source}</td>
                  <td>{j.start_day ? `${j.start_day} – ${j.end_day}` : '—'}</td>
                  <td>
                    {running(j) ? (
                      <progress max={100} value={j.progress} aria-label={`${j.file_name} progress`}>
                        {j.progress}%
                      </progress>
                    ) : null}{' '}
                    <span role="status">
                      {j.status === 'done'
                        ? `Done · ${formatCount(j.rows)} rows`
                        : j.status === 'failed'
                          ? 'Failed'
                          : `${j.status} ${j.progress}%`}
                    </span>
                    {j.error && <div className={j.status === 'failed' ? 'banner banner-error' : 'muted'}>{j.error}</div>}
                  </td>
                  <td>
                    {!running(j) && (
                      <button type="button" className="button" onClick={() => void remove(j)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
