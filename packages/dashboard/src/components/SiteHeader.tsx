import type { Site } from '@tidemark/core';
import { Link } from './Link';
import { useLocation } from '../lib/router';
import { LiveCount } from './LiveCount';
import { canAdmin, canWrite, useSession } from '../app/session';

interface NavGroup {
  label: string;
  items: Array<{ to: string; label: string; keep?: boolean }>;
}

/** The site's name, its live visitor count and its sub-navigation. */
export function SiteHeader({ site, siteId }: { site?: Site; siteId: string }) {
  const { path, search } = useLocation();
  const { org } = useSession();
  const base = `/sites/${siteId}`;
  // Grouped as analytics users expect from peers: what came, what converted, how they behaved, who they are.
  const groups: NavGroup[] = [
    {
      label: 'Traffic',
      items: [
        { to: base, label: 'Overview', keep: true },
        { to: `${base}/realtime`, label: 'Realtime' },
      ],
    },
    {
      label: 'Conversion',
      items: [
        { to: `${base}/funnels`, label: 'Funnels' },
        { to: `${base}/revenue`, label: 'Revenue', keep: true },
        { to: `${base}/experiments`, label: 'Experiments' },
      ],
    },
    {
      label: 'Behaviour',
      items: [
        { to: `${base}/heatmaps`, label: 'Heatmaps', keep: true },
        { to: `${base}/recordings`, label: 'Recordings' },
        { to: `${base}/vitals`, label: 'Web vitals', keep: true },
        { to: `${base}/errors`, label: 'Errors', keep: true },
      ],
    },
    {
      label: 'People',
      items: [
        { to: `${base}/people`, label: 'People' },
        { to: `${base}/audiences`, label: 'Audiences', keep: true },
        { to: `${base}/segments`, label: 'Segments' },
        { to: `${base}/paths`, label: 'Paths', keep: true },
        { to: `${base}/cohorts`, label: 'Cohorts', keep: true },
        { to: `${base}/churn`, label: 'Churn & lifetime value' },
        { to: `${base}/triggers`, label: 'Triggers' },
      ],
    },
    {
      label: 'Manage',
      items: [
        ...(canWrite(org) ? [{ to: `${base}/settings`, label: 'Settings' }] : []),
        ...(canWrite(org) ? [{ to: `${base}/consent`, label: 'Consent' }] : []),
        ...(canAdmin(org) ? [{ to: `${base}/privacy`, label: 'Privacy' }] : []),
      ],
    },
  ];
  return (
    <div className="site-header">
      <div className="site-title">
        <h1>{site ? site.name || site.domain : 'Site'}</h1>
        <LiveCount siteId={siteId} />
      </div>
      <nav aria-label="Site" className="subnav">
        {groups
          .filter((g) => g.items.length > 0)
          .map((g) => (
            <div key={g.label} className="subnav-group">
              <span className="subnav-label">{g.label}</span>
              {g.items.map((i) => (
                <Link key={i.to} to={i.keep && path === i.to ? i.to + search : i.to} aria-current={path === i.to ? 'page' : undefined}>
                  {i.label}
                </Link>
              ))}
            </div>
          ))}
      </nav>
    </div>
  );
}
