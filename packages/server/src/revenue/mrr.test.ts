import { describe, expect, it } from 'vitest';
import { monthlyMinor, mrrAt, mrrMovements, type SubscriptionState } from './mrr';

const at = (month: string, day = 10) => Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)) - 1, day);
let n = 0;
const state = (sub: string, customer: string, when: number, mrr: number, status = mrr > 0 ? 'active' : 'canceled'): SubscriptionState => ({
  subscription_id: sub,
  customer_id: customer,
  created: when,
  rank: 1,
  fact_id: `evt_${String(++n).padStart(4, '0')}`,
  status,
  mrr,
  currency: 'USD',
});

describe('MRR', () => {
  it('normalises intervals to a month', () => {
    expect(monthlyMinor(12_000, 'year')).toBe(1000);
    expect(monthlyMinor(1200, 'week')).toBe(5200);
    expect(monthlyMinor(3000, 'month', 3)).toBe(1000);
  });

  it('the latest state wins whatever order states are listed in', () => {
    const states = [state('sub_1', 'c1', at('2025-03'), 3000), state('sub_1', 'c1', at('2025-01'), 1000)];
    expect(mrrAt(states, at('2025-04'))).toEqual({ USD: 3000 });
    expect(mrrAt(states, at('2025-02'))).toEqual({ USD: 1000 });
  });

  it('movements per month: new, expansion, contraction, churned, reactivated', () => {
    const states = [
      state('a', 'c1', at('2025-01'), 1000), // new in Jan
      state('a', 'c1', at('2025-02'), 1500), // expansion +500 in Feb
      state('b', 'c2', at('2025-02'), 2000), // new in Feb
      state('b', 'c2', at('2025-03'), 500), // contraction -1500 in Mar
      state('a', 'c1', at('2025-03'), 0), // churned 1500 in Mar
      state('a2', 'c1', at('2025-05'), 900), // reactivated in May
    ];
    const m = mrrMovements(states, '2025-01', '2025-05');
    expect(m.map((r) => [r.month, r.new, r.expansion, r.contraction, r.churned, r.reactivated, r.mrr])).toEqual([
      ['2025-01', 1000, 0, 0, 0, 0, 1000],
      ['2025-02', 2000, 500, 0, 0, 0, 3500],
      ['2025-03', 0, 0, 1500, 1500, 0, 500],
      ['2025-04', 0, 0, 0, 0, 0, 500],
      ['2025-05', 0, 0, 0, 0, 900, 1400],
    ]);
  });
});
