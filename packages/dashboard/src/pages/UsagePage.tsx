import { tenancyApi } from '../api/tenancy';
import { canAdmin, useSession } from '../app/session';
import { useAsync } from '../lib/use-async';
import { ErrorBanner } from '../components/ErrorBanner';
import { UsageSummary } from '../components/UsageSummary';

/** The organization's usage this month against its limits (owners and admins). */
export function UsagePage() {
  const { org } = useSession();
  const admin = canAdmin(org);
  const usage = useAsync((signal) => (org && admin ? tenancyApi.usage(org.id, signal) : Promise.resolve(null)), [org?.id, admin]);
  if (!org || !admin)
    return (
      <section className="page">
        <h1>Usage</h1>
        <p className="banner">Only owners and admins see the usage.</p>
      </section>
    );
  return (
    <section className="page">
      <h1>Usage · {org.name}</h1>
      <p className="muted">
        Events stored this calendar month over all your sites. Over the warning level the dashboard says so; at the hard limit new events
        are dropped (they show as “quota” among a site's dropped events) until the month ends.
      </p>
      <ErrorBanner error={usage.error} />
      {usage.data && (
        <section className="card">
          <UsageSummary usage={usage.data} />
        </section>
      )}
    </section>
  );
}
