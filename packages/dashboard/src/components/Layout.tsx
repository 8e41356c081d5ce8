import type { ReactNode } from 'react';
import { Link } from './Link';
import { OrgSwitcher } from './OrgSwitcher';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';
import { useLocation } from '../lib/router';

const NAV = [
  { to: '/', label: 'Sites' },
  { to: '/team', label: 'Team' },
  { to: '/keys', label: 'API keys' },
  { to: '/audit', label: 'Audit log' },
  { to: '/domains', label: 'Domains' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { path } = useLocation();
  const active = (to: string) => (to === '/' ? path === '/' || path.startsWith('/sites') : path.startsWith(to));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Tidemark home">
          <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
            <rect width="32" height="32" rx="7" className="brand-bg" />
            <path d="M4 20c4-6 8-6 12 0s8 6 12 0" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
          </svg>
          <span>Tidemark</span>
        </Link>
        <OrgSwitcher />
        <nav aria-label="Main" className="mainnav">
          {NAV.map((n) => (
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
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
