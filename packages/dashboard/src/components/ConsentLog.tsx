import { useState, type FormEvent } from 'react';
import { consentApi } from '../api/consent';
import { navigate, useLocation } from '../lib/router';
import { useAsync } from '../lib/use-async';
import { formatDateTime } from '../lib/format';
import { DataTable } from './DataTable';
import { ErrorBanner } from './ErrorBanner';

/** The consent log (admins): search by pseudonymous id (in the URL), verify the hash chain, export. */
export function ConsentLog({ siteId }: { siteId: string }) {
  const { path, search } = useLocation();
  const subject = new URLSearchParams(search).get('subject') ?? undefined;
  const log = useAsync((signal) => consentApi.log(siteId, subject, signal), [siteId, subject]);
  const [check, setCheck] = useState<string>();
  const [error, setError] = useState<unknown>();

  const find = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get('subject') ?? '').trim();
    navigate(v ? `${path}?subject=${encodeURIComponent(v)}` : path);
  };
  const verify = async () => {
    setError(undefined);
    try {
      const v = await consentApi.verify(siteId);
      setCheck(
        v.ok
          ? `Chain intact: ${v.entries} entries checked.`
          : `Chain broken at entry ${v.first_bad_seq}: it was changed or an entry is missing.`,
      );
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card">
      <h3>Consent log</h3>
      <form className="filters-form" onSubmit={find} aria-label="Search the consent log" key={subject ?? ''}>
        <div className="field">
          <label htmlFor="consent-subject">Pseudonymous id</label>
          <input id="consent-subject" name="subject" defaultValue={subject ?? ''} maxLength={64} />
        </div>
        <div className="form-actions">
          <button type="submit" className="button">
            Search
          </button>
          <button type="button" className="button" onClick={() => void verify()}>
            Verify chain
          </button>
          <a className="button" href={consentApi.exportUrl(siteId, subject)} download>
            Export CSV
          </a>
        </div>
      </form>
      {check && (
        <p role="status" data-testid="chain-status">
          {check}
        </p>
      )}
      <ErrorBanner error={error ?? log.error} />
      <DataTable
        caption="Consent decisions"
        rows={log.data?.entries ?? []}
        columns={[
          { key: 'seq', header: '#', render: (e) => e.seq, numeric: true },
          { key: 'at', header: 'Time', render: (e) => formatDateTime(Date.parse(e.at)) },
          { key: 'subject', header: 'Pseudonymous id', render: (e) => <code>{e.subject}</code> },
          { key: 'granted', header: 'Granted', render: (e) => (e.categories.length ? e.categories.join(', ') : 'nothing') },
          { key: 'version', header: 'Texts', render: (e) => e.text_version },
          { key: 'source', header: 'Source', render: (e) => e.source },
          { key: 'hash', header: 'Hash', render: (e) => <code title={e.hash}>{e.hash.slice(0, 10)}…</code> },
        ]}
      />
    </section>
  );
}
