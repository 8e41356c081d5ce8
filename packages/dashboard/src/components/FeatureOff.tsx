import { Link } from './Link';

/** Says that a feature whose page this is was turned off for the site, and where to turn it on. */
export function FeatureOff({ siteId, what }: { siteId: string; what: string }) {
  return (
    <p className="banner" data-testid="feature-off">
      {what} off for this site. <Link to={`/sites/${siteId}/settings`}>Turn it on in the settings</Link>.
    </p>
  );
}
