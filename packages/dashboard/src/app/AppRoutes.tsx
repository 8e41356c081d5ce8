import type { ReactNode } from 'react';
import { matchPath, useLocation } from '../lib/router';
import { Layout } from '../components/Layout';
import { SitesPage } from '../pages/SitesPage';
import { AddSitePage } from '../pages/AddSitePage';
import { SiteInstallPage } from '../pages/SiteInstallPage';
import { SiteOverviewPage } from '../pages/SiteOverviewPage';
import { RealtimePage } from '../pages/RealtimePage';
import { FunnelsPage } from '../pages/FunnelsPage';
import { SiteSettingsPage } from '../pages/SiteSettingsPage';
import { RevenuePage } from '../pages/RevenuePage';
import { TeamPage } from '../pages/TeamPage';
import { KeysPage } from '../pages/KeysPage';
import { AccountPage } from '../pages/AccountPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { AuditLogPage } from '../pages/AuditLogPage';
import { PrivacyPage } from '../pages/PrivacyPage';
import { ConsentPage } from '../pages/ConsentPage';

/** Signed-in routes. Each page reads its own data from the API. */
export function AppRoutes() {
  const { path } = useLocation();
  const install = matchPath('/sites/:id/install', path);
  const realtime = matchPath('/sites/:id/realtime', path);
  const settings = matchPath('/sites/:id/settings', path);
  const revenue = matchPath('/sites/:id/revenue', path);
  const funnels = matchPath('/sites/:id/funnels', path);
  const privacy = matchPath('/sites/:id/privacy', path);
  const consent = matchPath('/sites/:id/consent', path);
  const overview = matchPath('/sites/:id', path);
  let page: ReactNode;
  if (path === '/' || path === '/sites') page = <SitesPage />;
  else if (path === '/sites/new') page = <AddSitePage />;
  else if (install) page = <SiteInstallPage siteId={install.id} />;
  else if (realtime) page = <RealtimePage siteId={realtime.id} />;
  else if (funnels) page = <FunnelsPage siteId={funnels.id} />;
  else if (privacy) page = <PrivacyPage siteId={privacy.id} />;
  else if (consent) page = <ConsentPage siteId={consent.id} />;
  else if (settings) page = <SiteSettingsPage siteId={settings.id} />;
  else if (revenue) page = <RevenuePage siteId={revenue.id} />;
  else if (overview) page = <SiteOverviewPage siteId={overview.id} />;
  else if (path === '/team') page = <TeamPage />;
  else if (path === '/keys') page = <KeysPage />;
  else if (path === '/account') page = <AccountPage />;
  else if (path === '/audit') page = <AuditLogPage />;
  else page = <NotFoundPage />;
  return <Layout>{page}</Layout>;
}
