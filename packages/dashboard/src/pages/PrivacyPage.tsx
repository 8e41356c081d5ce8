import { useEffect } from 'react';
import { privacyApi } from '../api/privacy';
import { sitesApi } from '../api/sites';
import { canAdmin, useSession } from '../app/session';
import { useAsync } from '../lib/use-async';
import { formatDateTime } from '../lib/format';
import { countsText, deadlineText, isOpen } from '../lib/privacy-view';
import { SiteHeader } from '../components/SiteHeader';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { PrivacyRequestForm } from '../components/PrivacyRequestForm';

/** A site's data-subject requests (GDPR Art. 15/17): record one, follow it to its deadline, download an access archive. */
export function PrivacyPage({ siteId }: { siteId: string }) {
  const { org } = useSession();
  const admin = canAdmin(org);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const requests = useAsync((signal) => (admin ? privacyApi.list(siteId, signal) : Promise.resolve([])), [siteId, admin]);
  const open = (requests.data ?? []).some(isOpen);
  const { reload } = requests;

  // Requests are processed in the background: follow the open ones until they finish.
  useEffect(() => {
    if (!open) return;
    const t = setInterval(reload, 1500);
    return () => clearInterval(t);
  }, [open, reload]);

  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <h2>Privacy requests</h2>
      {!admin ? (
        <p className="banner">Only owners and admins handle privacy requests.</p>
      ) : (
        <>
          <p className="muted">
            Access and erasure requests from the people this site measures. Each must be answered within 30 days; every request is recorded
            in the audit log.
          </p>
          <PrivacyRequestForm siteId={siteId} onCreated={reload} />
          <ErrorBanner error={requests.error} />
          <section className="card">
            <h3>Requests</h3>
            {requests.data?.length === 0 && <p className="muted">No requests yet.</p>}
            <DataTable
              caption="Privacy requests"
              rows={requests.data ?? []}
              columns={[
                { key: 'at', header: 'Requested', render: (r) => formatDateTime(Date.parse(r.requested_at)) },
                { key: 'type', header: 'Type', render: (r) => (r.type === 'access' ? 'Access' : 'Erasure') },
                { key: 'subject', header: 'Subject', render: (r) => `${r.subject.kind.replace('_', ' ')} ${r.subject.masked}` },
                { key: 'by', header: 'By', render: (r) => r.requested_by },
                {
                  key: 'status',
                  header: 'Status',
                  render: (r) => <span data-testid="dsr-status">{r.status === 'failed' ? `failed: ${r.error ?? ''}` : r.status}</span>,
                },
                {
                  key: 'due',
                  header: 'Deadline',
                  render: (r) => <span title={formatDateTime(Date.parse(r.due_at))}>{deadlineText(r)}</span>,
                },
                {
                  key: 'result',
                  header: 'Result',
                  render: (r) =>
                    r.type === 'erasure' ? (
                      r.removed && `removed: ${countsText(r.removed)}`
                    ) : r.archive_url ? (
                      <a href={r.archive_url} download>
                        Download archive ({countsText(r.found)})
                      </a>
                    ) : null,
                },
              ]}
            />
          </section>
        </>
      )}
    </section>
  );
}
