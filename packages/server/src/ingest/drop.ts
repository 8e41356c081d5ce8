/**
 * Why an event did not make it into the store. `invalid` reasons are validation failures: the event
 * is quarantined with its issues so nothing is silently lost. `filtered` reasons are intentional
 * (bots, privacy signals, exclusions): only counted, per site, day and reason.
 */
export const DROP_REASONS = {
  invalid_event: 'invalid',
  invalid_event_id: 'invalid',
  event_too_large: 'invalid',
  name_too_long: 'invalid',
  too_many_props: 'invalid',
  prop_key_too_long: 'invalid',
  prop_value_too_long: 'invalid',
  url_too_long: 'invalid',
  invalid_url: 'invalid',
  invalid_timestamp: 'invalid',
  stale_timestamp: 'invalid',
  future_timestamp: 'invalid',
  site_disabled: 'filtered',
  host_not_allowed: 'filtered',
  bot: 'filtered',
  dnt: 'filtered',
  gpc: 'filtered',
  excluded_path: 'filtered',
  excluded_ip: 'filtered',
  /** A browser event of a site in consent mode "required" without analytics consent (docs/consent.md). */
  no_consent: 'filtered',
  /** Over a collection rate limit (per client address, per site, per API key and site): answered 429. */
  rate_limited: 'filtered',
  /** Over the organization's hard monthly event limit (tenancy/, docs/resellers.md). */
  quota: 'filtered',
  /** Invalid, but the site's quarantine for the day was full: counted, not kept. */
  quarantine_full: 'invalid',
} as const satisfies Record<string, 'invalid' | 'filtered'>;

export type DropReason = keyof typeof DROP_REASONS;

export interface DropIssue {
  path: string;
  message: string;
}

/** A step's verdict that the event goes no further. A class so the pipeline can test it with instanceof. */
export class Drop {
  constructor(
    readonly reason: DropReason,
    readonly issues: DropIssue[] = [],
  ) {}

  get quarantined(): boolean {
    return DROP_REASONS[this.reason] === 'invalid';
  }
}

export function drop(reason: DropReason, message?: string, path = ''): Drop {
  return new Drop(reason, message ? [{ path, message }] : []);
}
