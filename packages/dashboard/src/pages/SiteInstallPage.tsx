import { sitesApi } from '../api/sites';
import { useAsync } from '../lib/use-async';
import { CopyButton } from '../components/CopyButton';
import { ErrorBanner } from '../components/ErrorBanner';
import { WaitingForData } from '../components/WaitingForData';
import { Link } from '../components/Link';

/** After adding a site: the snippet to paste, and a live check that events are arriving. */
export function SiteInstallPage({ siteId }: { siteId: string }) {
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const snippet = useAsync(() => sitesApi.snippet(siteId), [siteId]);
  return (
    <section className="page narrow">
      <h1>Install the snippet{site.data ? ` on ${site.data.domain}` : ''}</h1>
      <p>
        Paste this into the <code>&lt;head&gt;</code> of every page. It is about 1.5 KB, sets no cookies by default and respects Do Not
        Track.
      </p>
      <ErrorBanner error={snippet.error ?? site.error} />
      {snippet.data && (
        <div className="snippet card">
          <pre>
            <code data-testid="snippet">{snippet.data}</code>
          </pre>
          <CopyButton text={snippet.data} label="Copy snippet" />
        </div>
      )}
      <WaitingForData siteId={siteId} />
      <p>
        <Link to={`/sites/${siteId}`} className="button primary">
          Go to the dashboard
        </Link>
      </p>
    </section>
  );
}
