import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { SharePage } from './pages/SharePage';
import { matchPath } from './lib/router';
import { BrandingProvider } from './app/branding';
import { applyStoredTheme } from './lib/theme';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/charts.css';
import './styles/funnels.css';
import './styles/audiences.css';
import './styles/behaviour.css';
import './styles/paths.css';
import './styles/people.css';
import './styles/replay.css';

applyStoredTheme();
// A shared link's page stands alone: no sign-in, no app shell.
const share = matchPath('/share/:token', window.location.pathname);
createRoot(document.getElementById('root')!).render(
  <BrandingProvider>{share ? <SharePage token={share.token} /> : <App />}</BrandingProvider>,
);
