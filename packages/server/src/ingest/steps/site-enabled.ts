import { drop } from '../drop';
import type { NamedStep } from '../types';

/** A disabled site keeps its data but accepts nothing new. */
export const siteEnabledStep: NamedStep = {
  name: 'site-enabled',
  run: (ev, ctx) => (ctx.site.enabled ? ev : drop('site_disabled')),
};
