/**
 * Consent signals a site's own consent manager leaves on the page, mapped to Tidemark's categories
 * (docs/consent.md). DOM-free where it can be, so it is unit-tested in Node.
 */
export interface Choice {
  analytics: boolean;
  replay: boolean;
  heatmaps: boolean;
  marketing: boolean;
}

/**
 * IAB TCF v2.2 purposes (tcData.purpose.consents): analytics needs 1 (store and access information on a
 * device) and 8 (measure content performance); replay and heatmaps also 10 (improve services); marketing
 * 1, 3 and 4 (personalised advertising profile and selection).
 */
export function fromTcf(consents: Record<string, boolean> | undefined): Choice {
  const p = (n: number) => !!consents?.[n];
  const analytics = p(1) && p(8);
  return { analytics, replay: analytics && p(10), heatmaps: analytics && p(10), marketing: p(1) && p(3) && p(4) };
}

/**
 * Google Consent Mode v2 (gtag('consent', 'default' | 'update', {...}) in dataLayer): the latest value of
 * each key wins. analytics_storage gives analytics, replay and heatmaps; marketing needs ad_storage,
 * ad_user_data and ad_personalization. Null when the page has no consent command.
 */
export function fromGcm(dataLayer: unknown[] | undefined): Choice | null {
  const state: Record<string, unknown> = {};
  let seen = false;
  for (const entry of dataLayer || []) {
    const a = entry as ArrayLike<unknown> | null;
    if (a && a[0] === 'consent' && (a[1] === 'default' || a[1] === 'update') && a[2] && typeof a[2] === 'object') {
      Object.assign(state, a[2]);
      seen = true;
    }
  }
  if (!seen) return null;
  const g = (k: string) => state[k] === 'granted';
  const analytics = g('analytics_storage');
  return { analytics, replay: analytics, heatmaps: analytics, marketing: g('ad_storage') && g('ad_user_data') && g('ad_personalization') };
}
