import { describe, expect, it } from 'vitest';
import { CREDIT_DIMENSIONS } from '../store';
import { creditRowsOf, PAYMENT_TIME_SLACK_MS } from './credits';
import { RateTable } from './rates';
import type { Touch } from './touchpoints';

const dims = (source: string) => Object.fromEntries(CREDIT_DIMENSIONS.map((d) => [d, d === 'source' ? source : ''])) as Touch['dims'];
const touch = (session: string, start: number, source: string): Touch => ({
  session_id: session,
  visitor_id: 'v1',
  start,
  channel: '',
  source,
  medium: '',
  campaign: '',
  landing_page: '',
  dims: dims(source),
});
const ctx = { currency: 'USD', rates: new RateTable([]), ratesFingerprint: 'none', now: 2_000_000_000_000 };

describe('creditRowsOf', () => {
  // A Stripe payment's time is a whole second (created × 1000): the visit in that same second still led to it.
  it('credits a session that started within the payment second, and none that started after it', () => {
    const paid = 1_700_000_000_000;
    const txn = { txn_key: 'pi_1', kind: 'payment', ts: paid, amount: 9900, currency: 'USD', visitor_id: 'v1', version: 1 };
    const lastTouch = (touches: Touch[]) =>
      creditRowsOf('s1', [txn], new Map([['v1', touches]]), ctx).filter((r) => r.model === 'last_touch');
    const within = lastTouch([touch('a', paid - 3_600_000, 'search'), touch('b', paid + 400, 'newsletter')]);
    expect(within.map((r) => [r.session_id, r.source, r.credit])).toEqual([['b', 'newsletter', 9900]]);
    const after = lastTouch([touch('a', paid - 3_600_000, 'search'), touch('b', paid + PAYMENT_TIME_SLACK_MS + 1, 'newsletter')]);
    expect(after.map((r) => [r.session_id, r.source, r.credit])).toEqual([['a', 'search', 9900]]);
  });
});
