import { drop } from '../drop';
import { siteRules } from '../lib/site-rules';
import type { NamedStep } from '../types';

/** Pages the site owner excluded (e.g. /admin/**). */
export const excludedPathStep: NamedStep = {
  name: 'excluded-path',
  run: (ev, ctx) => (ev.path && siteRules(ctx.site).pathExcluded(ev.path) ? drop('excluded_path') : ev),
};
