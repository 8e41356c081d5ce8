import type { ReactNode } from 'react';
import { Link } from './Link';
import { OrgSwitcher } from './OrgSwitcher';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';
import { useLocation } from '../lib/router';
import { BrandMark, useBranding } from '../app/branding';
import { useSession } from '../app/session';
import { UsageBanner } from './UsageBanner';
import { ViewingAsBanner } from './ViewingAsBanner';

const NAV = [
  { to: '/', label: 'Sites' },
  { to: '/team', label: 'Team' },
  { to: '/keys', label: 'API keys' },
  { to: '/audit', label: 'Audit log' },
  { to: '/domains', label: 'Domains' },
  { to: '/usage', label: 'Usage' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { path } = useLocation();
  const { branding } = useBranding();
  const { me } = useSession();
  const nav = [
    ...NAV,
    ...(me.current_org_reseller ? [{ to: '/clients', label: 'Clients' }] : []),
    ...(me.instance_admin ? [{ to: '/system', label: 'System' }] : []),
  ];
  const active = (to: string) => (to === '/' ? path === '/' || path.startsWith('/sites') : path.startsWith(to));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label={`${branding.product_name} home`}>
          <BrandMark />
        </Link>
        <OrgSwitcher />
        <nav aria-label="Main" className="mainnav">
          {nav.map((n) => (
            <Link key={n.to} to={n.to} aria-current={active(n.to) ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>
      <ViewingAsBanner />
      <main id="main" className="content" tabIndex={-1}>
        <UsageBanner />
        {children}
      </main>
    </div>
  );
}
