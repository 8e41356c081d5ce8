import type { Usage } from '@tidemark/core';
import { formatNumber } from '../lib/format';

/** This month's events, sites and seats against the limits, as a definition list. */
export function UsageSummary({ usage }: { usage: Usage }) {
  return (
    <dl className="usage-summary" aria-label={`Usage in ${usage.month}`}>
      <dt>Events this month ({usage.month}, UTC)</dt>
      <dd data-testid="usage-events">
        {formatNumber(usage.events)}
        {usage.events_hard_limit === null ? ' (no limit)' : ` of ${formatNumber(usage.events_hard_limit)}`}
        {usage.events_soft_limit !== null && ` (warning from ${formatNumber(usage.events_soft_limit)})`}
      </dd>
      <dt>Sites</dt>
      <dd data-testid="usage-sites">
        {formatNumber(usage.sites)}
        {usage.max_sites !== null && ` of ${formatNumber(usage.max_sites)}`}
      </dd>
      <dt>Seats</dt>
      <dd data-testid="usage-seats">{formatNumber(usage.seats)}</dd>
    </dl>
  );
}
