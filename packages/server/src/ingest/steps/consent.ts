import { MARKETING_CONSENT_PROP } from '@tidemark/core';
import { drop } from '../drop';
import type { NamedStep } from '../types';

/** The property t.consent.js adds to every event: the categories granted, comma-separated. Never stored. */
export const CONSENT_PROP = 'tm_consent';

/**
 * The site's consent mode, enforced where the browser cannot be trusted to (docs/consent.md): in
 * `required` mode a browser event without analytics consent is dropped (`no_consent`); in
 * `optional-upgrade` mode it is counted cookieless (a visitor id the browser sent is ignored). Events
 * sent by servers with an API key are the site's own responsibility. Heatmap samples need the `heatmaps`
 * category in either mode (t.heatmap.js sends what was granted with each batch).
 */
export const consentStep: NamedStep = {
  name: 'consent',
  run: (ev, ctx) => {
    const granted = ev.props[CONSENT_PROP];
    if (granted !== undefined) {
      const { [CONSENT_PROP]: _, ...rest } = ev.props;
      ev.props = rest;
    }
    const mode = ctx.site.consent_mode;
    if (ctx.trust !== 'browser' || !mode || mode === 'none') return ev;
    const categories = (granted ?? '').split(',');
    if (granted !== undefined)
      ev.props = { ...ev.props, [MARKETING_CONSENT_PROP]: categories.includes('marketing') ? 'granted' : 'declined' };
    if (ev.name.startsWith('heatmap_') && !categories.includes('heatmaps')) return drop('no_consent');
    if (categories.includes('analytics')) return ev;
    if (mode === 'required') return drop('no_consent');
    ev.client_visitor_id = '';
    return ev;
  },
};
