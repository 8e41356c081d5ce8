import { matchPath, useLocation } from '../lib/router';
import { Layout } from '../components/Layout';
import { SitesPage } from '../pages/SitesPage';
import { AddSitePage } from '../pages/AddSitePage';
import { SiteInstallPage } from '../pages/SiteInstallPage';
import { SiteOverviewPage } from '../pages/SiteOverviewPage';
import { RealtimePage } from '../pages/RealtimePage';
import { SiteSettingsPage } from '../pages/SiteSettingsPage';
import { TeamPage } from '../pages/TeamPage';
import { KeysPage } from '../pages/KeysPage';
import { AccountPage } from '../pages/AccountPage';
import { NotFoundPage } from '../pages/NotFoundPage';

/** Signed-in routes. Each page reads its own data from the API. */
export function AppRoutes() {
  const { path } = useLocation();
  let m: Record<string, string> | null;
  let page;
  if (path === '/' || path === '/sites') page = <SitesPage />;
  else if (path === '/sites/new') page = <AddSitePage />;
  else if ((m = matchPath('/sites/:id/install', path))) page = <SiteInstallPage siteId={m.id} />;
  else if ((m = matchPath('/sites/:id/realtime', path))) page = <RealtimePage siteId={m.id} />;
  else if ((m = matchPath('/sites/:id/settings', path))) page = <SiteSettingsPage siteId={m.id} />;
  else if ((m = matchPath('/sites/:id', path))) page = <SiteOverviewPage siteId={m.id} />;
  else if (path === '/team') page = <TeamPage />;
  else if (path === '/keys') page = <KeysPage />;
  else if (path === '/account') page = <AccountPage />;
  else page = <NotFoundPage />;
  return <Layout>{page}</Layout>;
}
