import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Experiment } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import { experimentResults } from '../src/experiments';
import { CHECKOUT, EXP_END, EXP_SITE, EXP_START, experimentEvents, PRO_SIGNUP, SKEWED, THANKS } from './helpers/experiments-fixture';
import { experimentOracle } from './helpers/experiments-oracle';

/** Chi-square p-value for 1 or 2 degrees of freedom, by closed form / the integrated normal density. */
function chiSquareP(chi: number, df: number): number {
  if (df === 2) return Math.exp(-chi / 2);
  const z = Math.sqrt(chi);
  const n = 100_000;
  const h = 40 / n;
  const f = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  let s = f(z) + f(z + 40);
  for (let i = 1; i < n; i++) s += f(z + i * h) * (i % 2 ? 4 : 2);
  return (2 * s * h) / 3;
}

const definition = (key: string, variants: Experiment['variants'], metric: Experiment['metric']): Experiment => ({
  id: `e-${key}`,
  site_id: EXP_SITE,
  key,
  name: key,
  variants,
  metric,
  status: 'stopped',
  winner: null,
  started_at: new Date(EXP_START).toISOString(),
  stopped_at: new Date(EXP_END).toISOString(),
  created_at: '',
  updated_at: '',
});

/**
 * Experiment results (stats/experiments/ + experiments/) on one engine: the engine's counts per variant
 * equal the oracle's plain computation for an event goal with a property, a destination goal and revenue;
 * the real assignment splits exposed people as the weights say; a lossy variant shows as a sample-ratio
 * mismatch; the comparisons are the arithmetic of those counts.
 */
export function runExperimentsSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`experiments on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;
    const events = experimentEvents();
    const window = { site: EXP_SITE, startMs: EXP_START, endMs: EXP_END };

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      stats = new StatsService(store, { now: () => EXP_END + 86_400_000, sharedResultsMs: 0 });
    });
    afterAll(async () => {
      await store?.close();
    });

    const counts = async (key: string, goal: typeof PRO_SIGNUP | null) =>
      (await stats.experimentCounts({ siteId: EXP_SITE, key, goal, startMs: EXP_START, endMs: EXP_END })).sort((a, b) =>
        a.variant < b.variant ? -1 : 1,
      );

    it('counts exposed sessions, people and converters after exposure as the oracle does (event goal with a property)', async () => {
      const want = experimentOracle(events, { ...window, key: CHECKOUT.key, goal: PRO_SIGNUP });
      expect(want.reduce((s, v) => s + v.conversions, 0)).toBeGreaterThan(20);
      expect(await counts(CHECKOUT.key, PRO_SIGNUP)).toEqual(want);
    });

    it('… for a destination goal', async () => {
      expect(await counts(CHECKOUT.key, THANKS)).toEqual(experimentOracle(events, { ...window, key: CHECKOUT.key, goal: THANKS }));
    });

    it('… for revenue (purchasers, amounts after exposure)', async () => {
      const got = await counts(CHECKOUT.key, null);
      const want = experimentOracle(events, { ...window, key: CHECKOUT.key, goal: null });
      expect(got.map(({ revenue, revenue_sq, ...rest }) => rest)).toEqual(want.map(({ revenue, revenue_sq, ...rest }) => rest));
      got.forEach((g, i) => {
        expect(g.revenue).toBeCloseTo(want[i]!.revenue, 6);
        expect(g.revenue_sq).toBeCloseTo(want[i]!.revenue_sq, 4);
      });
      const results = experimentResults(definition(CHECKOUT.key, CHECKOUT.variants, { type: 'revenue' }), null, got);
      const per = (v: string) => {
        const w = want.find((x) => x.variant === v)!;
        return w.revenue / w.visitors;
      };
      for (const v of results.variants) {
        expect(v.revenue_per_visitor).toBeCloseTo(per(v.variant), 8);
        if (v.variant === 'control') expect(v.revenue_uplift).toBeNull();
        else expect(v.revenue_uplift).toBeCloseTo((per(v.variant) / per('control') - 1) * 100, 6);
      }
      expect(results.metric_name).toBe('revenue');
    });

    it('splits exposed people as the weights say, and the results say no sample-ratio mismatch', async () => {
      const got = await counts(CHECKOUT.key, PRO_SIGNUP);
      const total = got.reduce((s, v) => s + v.visitors, 0);
      const weightSum = CHECKOUT.variants.reduce((s, v) => s + v.weight, 0);
      const chi = CHECKOUT.variants.reduce((s, v) => {
        const e = (total * v.weight) / weightSum;
        const o = got.find((g) => g.variant === v.key)?.visitors ?? 0;
        return s + (o - e) ** 2 / e;
      }, 0);
      expect(chiSquareP(chi, 2)).toBeGreaterThan(0.001);
      const results = experimentResults(
        definition(CHECKOUT.key, CHECKOUT.variants, { type: 'goal', goal_id: PRO_SIGNUP.id }),
        PRO_SIGNUP,
        got,
      );
      expect(results.srm.chi_square).toBeCloseTo(chi, 10);
      expect(results.srm.mismatch).toBe(false);
    });

    it('flags a variant that loses exposures (sample-ratio mismatch)', async () => {
      const got = await counts(SKEWED.key, PRO_SIGNUP);
      const results = experimentResults(definition(SKEWED.key, SKEWED.variants, { type: 'goal', goal_id: PRO_SIGNUP.id }), PRO_SIGNUP, got);
      const [c, t] = [results.variants[0]!.exposed_visitors, results.variants[1]!.exposed_visitors];
      const e = (c + t) / 2;
      const chi = ((c - e) ** 2 + (t - e) ** 2) / e;
      expect(results.srm.chi_square).toBeCloseTo(chi, 10);
      expect(results.srm.p_value).toBeCloseTo(chiSquareP(chi, 1), 6);
      expect(results.srm.mismatch).toBe(true);
    });

    it('reports rates and uplifts as the arithmetic of the counts, the control first', async () => {
      const want = experimentOracle(events, { ...window, key: CHECKOUT.key, goal: PRO_SIGNUP });
      const results = experimentResults(
        definition(CHECKOUT.key, CHECKOUT.variants, { type: 'goal', goal_id: PRO_SIGNUP.id }),
        PRO_SIGNUP,
        await counts(CHECKOUT.key, PRO_SIGNUP),
      );
      expect(results.variants.map((v) => v.variant)).toEqual(['control', 'express', 'oneclick']);
      const control = want.find((v) => v.variant === 'control')!;
      for (const v of results.variants) {
        const w = want.find((x) => x.variant === v.variant)!;
        expect(v.exposed_visitors).toBe(w.visitors);
        expect(v.rate).toBeCloseTo((w.conversions / w.visitors) * 100, 10);
        if (v.variant === 'control') expect(v.uplift).toBeNull();
        else expect(v.uplift).toBeCloseTo((w.conversions / w.visitors / (control.conversions / control.visitors) - 1) * 100, 8);
      }
    });

    it('reads only the window: nothing before the start counts', async () => {
      const none = await stats.experimentCounts({
        siteId: EXP_SITE,
        key: CHECKOUT.key,
        goal: PRO_SIGNUP,
        startMs: EXP_START - 10 * 86_400_000,
        endMs: EXP_START - 2 * 86_400_000,
      });
      expect(none).toEqual([]);
    });
  });
}
