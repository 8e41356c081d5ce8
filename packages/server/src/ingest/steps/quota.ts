import { drop } from '../drop';
import type { NamedStep } from '../types';

const TAKEN = 'quota.taken';

/**
 * The organization's hard monthly event limit (tenancy/): the request knows how many events may still
 * be stored this month; those beyond it are dropped with reason "quota". After the filters, so events
 * dropped anyway (bots, consent …) do not use up the budget.
 */
export const quotaStep: NamedStep = {
  name: 'quota',
  run: (ev, ctx) => {
    if (ctx.quotaRemaining === undefined) return ev;
    const taken = (ctx.memo.get(TAKEN) as number | undefined) ?? 0;
    if (taken >= ctx.quotaRemaining) return drop('quota');
    ctx.memo.set(TAKEN, taken + 1);
    return ev;
  },
};
