import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { OrgBranding } from '@tidemark/core';
import { STOCK_PRIMARY_COLOR } from '@tidemark/core/rules';
import { api } from '../api/client';
import { applyBrandTheme } from '../lib/theme';

const DEFAULT: OrgBranding = {
  product_name: 'Tidemark',
  logo_url: '',
  favicon_url: '',
  primary_color: '',
  theme_default: 'system',
  email_sender_name: '',
  email_footer: '',
};

const BrandingContext = createContext<{ branding: OrgBranding; reload: () => void }>({ branding: DEFAULT, reload: () => {} });

export const useBranding = () => useContext(BrandingContext);

/**
 * The organization's branding (GET /api/branding: the app host's organization, else the signed-in user's):
 * product name and logo in the frame, its colour as the accent, its favicon and the window title.
 * `reload()` re-reads it (sign-in, organization switch).
 */
export function BrandingProvider({ children }: { children: ReactNode }) {
  const [branding, setBranding] = useState<OrgBranding>(DEFAULT);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick asks for a fresh read
  useEffect(() => {
    let live = true;
    api
      .get<{ branding: OrgBranding }>('/api/branding')
      .then((b) => live && setBranding(b.branding))
      .catch(() => live && setBranding(DEFAULT));
    return () => {
      live = false;
    };
  }, [tick]);

  useEffect(() => {
    const root = document.documentElement.style;
    // The stock colour is no brand colour: the theme's own accent stays (lighter in the dark theme).
    const brand = branding.primary_color.toLowerCase();
    if (brand && brand !== STOCK_PRIMARY_COLOR) root.setProperty('--accent', branding.primary_color);
    else root.removeProperty('--accent');
    document.title = branding.product_name;
    applyBrandTheme(branding.theme_default);
    if (branding.favicon_url) {
      let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
      if (!link) link = Object.assign(document.createElement('link'), { rel: 'icon' });
      link.href = branding.favicon_url;
      document.head.appendChild(link);
    }
  }, [branding]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return <BrandingContext.Provider value={{ branding, reload }}>{children}</BrandingContext.Provider>;
}

/** The brand mark: the organization's logo, or Tidemark's wave; with the product name. */
export function BrandMark({ size = 24 }: { size?: number }) {
  const { branding } = useBranding();
  return (
    <>
      {branding.logo_url ? (
        <img src={branding.logo_url} alt="" width={size} height={size} />
      ) : (
        <svg viewBox="0 0 32 32" width={size} height={size} aria-hidden="true">
          <rect width="32" height="32" rx="7" className="brand-bg" />
          <path d="M4 20c4-6 8-6 12 0s8 6 12 0" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
        </svg>
      )}
      <span data-testid="product-name">{branding.product_name}</span>
    </>
  );
}
