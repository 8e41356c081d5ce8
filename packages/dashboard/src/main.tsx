import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { BrandingProvider } from './app/branding';
import { applyStoredTheme } from './lib/theme';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/charts.css';
import './styles/funnels.css';

applyStoredTheme();
createRoot(document.getElementById('root')!).render(
  <BrandingProvider>
    <App />
  </BrandingProvider>,
);
