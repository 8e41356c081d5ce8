import { sitesApi } from '../api/sites';
import { useAsync } from '../lib/use-async';
import { CopyButton } from './CopyButton';
import { ErrorBanner } from './ErrorBanner';

function Snippet({ label, text, testId }: { label: string; text: string; testId: string }) {
  return (
    <div className="snippet">
      <p>{label}</p>
      <pre>
        <code data-testid={testId}>{text}</code>
      </pre>
      <CopyButton text={text} />
    </div>
  );
}

/** Settings card: how to keep a Plausible or Umami client and only point it here. */
export function DropinSnippets({ siteId }: { siteId: string }) {
  const d = useAsync(() => sitesApi.dropins(siteId), [siteId]);
  return (
    <section className="card stack" aria-labelledby="dropins-title">
      <h2 id="dropins-title">Switching from Plausible or Umami</h2>
      <p>Keep your current tracking code and change only where it sends. Events appear here like any other.</p>
      <ErrorBanner error={d.error} />
      {d.data && (
        <>
          <h3>Plausible</h3>
          <p>
            Domain <code>{d.data.plausible.domain}</code>, events endpoint <code>{d.data.plausible.endpoint}</code>.
          </p>
          <Snippet label="Script tag (add data-api)" text={d.data.plausible.script} testId="plausible-script" />
          <Snippet label="@plausible-analytics/tracker" text={d.data.plausible.npm} testId="plausible-npm" />
          <h3>Umami</h3>
          <p>
            Website id <code data-testid="umami-website-id">{d.data.umami.website_id}</code>
          </p>
          <Snippet label="Script tag (add data-host-url)" text={d.data.umami.script} testId="umami-script" />
          <Snippet label="@umami/node" text={d.data.umami.node} testId="umami-node" />
        </>
      )}
    </section>
  );
}
