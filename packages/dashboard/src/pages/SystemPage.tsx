import { systemApi } from '../api/system';
import { useSession } from '../app/session';
import { AdminOrgsCard } from '../components/AdminOrgsCard';
import { ErrorBanner } from '../components/ErrorBanner';
import { SystemAlertsCard } from '../components/SystemAlertsCard';
import { SystemStatusView } from '../components/SystemStatusView';
import { useAsync } from '../lib/use-async';

/** The instance's health for its administrators: dependencies, ingestion, storage, jobs, errors, system alerts, organizations. */
export function SystemPage() {
  const { me } = useSession();
  const status = useAsync((signal) => systemApi.status(signal), [], !!me.instance_admin);
  if (!me.instance_admin)
    return (
      <section className="page">
        <h1>System</h1>
        <p className="banner">Only the instance administrators see this page.</p>
      </section>
    );
  return (
    <section className="page stack">
      <div className="row">
        <h1>System</h1>
        <button type="button" className="button small" onClick={status.reload} disabled={status.loading}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={status.error} />
      {status.data && <SystemStatusView status={status.data} />}
      <SystemAlertsCard />
      <AdminOrgsCard />
    </section>
  );
}
