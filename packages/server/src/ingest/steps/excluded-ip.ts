import { drop } from '../drop';
import { endUserIp } from '../lib/end-user';
import { siteRules } from '../lib/site-rules';
import type { NamedStep } from '../types';

/** Addresses the site owner excluded (their office, their own devices): IPs or CIDR ranges. */
export const excludedIpStep: NamedStep = {
  name: 'excluded-ip',
  run: (ev, ctx) => (siteRules(ctx.site).ipExcluded(endUserIp(ev, ctx)) ? drop('excluded_ip') : ev),
};
