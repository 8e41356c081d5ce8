import { drop } from '../drop';
import type { NamedStep } from '../types';

/** Do Not Track and Global Privacy Control, for sites that respect them (the default). */
export const privacyStep: NamedStep = {
  name: 'privacy',
  run: (ev, ctx) => {
    if (!ctx.site.respect_dnt) return ev;
    if (ctx.signals.gpc) return drop('gpc');
    if (ctx.signals.dnt) return drop('dnt');
    return ev;
  },
};
