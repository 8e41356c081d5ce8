import type { Usage } from '@tidemark/core';
import { tenancyApi } from '../api/tenancy';
import { canAdmin, useSession } from '../app/session';
import { useAsync } from '../lib/use-async';
import { formatNumber } from '../lib/format';
import { Link } from './Link';

/** Warns owners and admins once the organization's monthly events pass its soft limit, and when collection stops. */
export function UsageBanner() {
  const { org } = useSession();
  const admin = canAdmin(org);
  const usage = useAsync<Usage | null>(
    (signal) => (org && admin ? tenancyApi.usage(org.id, signal) : Promise.resolve(null)),
    [org?.id, admin],
  );
  const u = usage.data;
  if (!u || u.status === 'ok') return null;
  return (
    <p className={`banner ${u.status === 'over' ? 'banner-error' : ''}`} role="status" data-testid="usage-banner">
      {u.status === 'over'
        ? `This organization reached its limit of ${formatNumber(u.events_hard_limit)} events this month: new events are not recorded.`
        : `This organization used ${formatNumber(u.events)} events this month, over its warning level of ${formatNumber(u.events_soft_limit)}.`}{' '}
      <Link to="/usage">See usage</Link>
    </p>
  );
}
