import { useState } from 'react';
import { sitesApi } from '../api/sites';
import { demoApi } from '../api/demo';
import { useAsync } from '../lib/use-async';
import { useSession, canWrite } from '../app/session';
import { SiteCard } from '../components/SiteCard';
import { Link } from '../components/Link';
import { ErrorBanner } from '../components/ErrorBanner';
import { navigate } from '../lib/router';

export function SitesPage() {
  const { org } = useSession();
  const sites = useAsync(() => sitesApi.list(), [org?.id]);
  const [demoBusy, setDemoBusy] = useState(false);
  const [demoError, setDemoError] = useState<unknown>();
  const manage = canWrite(org);

  const loadDemo = async () => {
    setDemoBusy(true);
    setDemoError(undefined);
    try {
      const res = await demoApi.load();
      const id = res.site_id ?? res.site?.id;
      if (id) navigate(`/sites/${id}`);
      else sites.reload();
    } catch (e) {
      setDemoError(e);
    } finally {
      setDemoBusy(false);
    }
  };

  return (
    <section className="page">
      <div className="page-head">
        <h1>Sites</h1>
        {manage && (
          <Link to="/sites/new" className="button primary">
            Add site
          </Link>
        )}
      </div>
      <ErrorBanner error={sites.error} />
      {sites.data && sites.data.length === 0 && (
        <div className="empty">
          <h2>No sites yet</h2>
          <p>Add your website to get a tracking snippet, or explore Tidemark with 90 days of generated traffic.</p>
          {manage && (
            <div className="row">
              <Link to="/sites/new" className="button primary">
                Add your first site
              </Link>
              <button type="button" className="button" disabled={demoBusy} onClick={() => void loadDemo()}>
                {demoBusy ? 'Loading demo data…' : 'Load demo data'}
              </button>
            </div>
          )}
          <ErrorBanner error={demoError} />
        </div>
      )}
      {sites.data && sites.data.length > 0 && (
        <ul className="site-list" aria-label="Sites">
          {sites.data.map((s) => (
            <SiteCard key={s.id} site={s} />
          ))}
        </ul>
      )}
      {sites.loading && !sites.data && <p role="status">Loading sites…</p>}
    </section>
  );
}
