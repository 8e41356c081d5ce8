import { consentApi } from '../api/consent';
import { sitesApi } from '../api/sites';
import { canAdmin, canWrite, useSession } from '../app/session';
import { useAsync } from '../lib/use-async';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { ConsentSettingsForm } from '../components/ConsentSettingsForm';
import { ConsentLog } from '../components/ConsentLog';

/** A site's consent: how the banner asks (members and up) and what visitors decided (admins). */
export function ConsentPage({ siteId }: { siteId: string }) {
  const { org } = useSession();
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const settings = useAsync(() => consentApi.get(siteId), [siteId]);
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <h2>Consent</h2>
      <ErrorBanner error={settings.error} />
      {settings.data && canWrite(org) && <ConsentSettingsForm siteId={siteId} settings={settings.data} onSaved={settings.reload} />}
      {canAdmin(org) && <ConsentLog siteId={siteId} />}
    </section>
  );
}
