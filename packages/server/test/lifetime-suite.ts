import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLifetimeWorld, LIFETIME_WORLD, type LifetimeTruth, type LifetimeWorld } from '@tidemark/testkit';
import type { LifetimeModel, LifetimeParams } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import { ensureCredits, RateTable } from '../src/revenue';
import { LifetimeService } from '../src/lifetime';
import { writePayments } from './helpers/profiles-oracle';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';

/**
 * Churn and lifetime value (lifetime/) on one engine: customers drawn from known BG/NBD and Gamma-Gamma
 * worlds (testkit), with a hidden lapse date per churner and a simulated year after "now" that the store
 * never sees. The service trains on the events; the suite reports how early churners were flagged, the
 * AUC of p_active_30d for the next 30 days, the error of the expected lifetime value against what the
 * simulated year brought, and recomputes a few people's numbers from the closed forms here.
 */
const DAY = 86_400_000;
const NOW = Date.parse('2024-06-01T00:00:00Z');

/** ₂F₁(a, b; c; z) by its series. */
function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 10_000; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    if (Math.abs(term) < 1e-16 * Math.abs(sum)) break;
  }
  return sum;
}

/** A person's numbers from the papers' closed forms (BG/NBD equations 10 and 13, Gamma-Gamma's conditional mean). */
function closedForms(m: LifetimeParams, t: LifetimeTruth, now: number) {
  const days = [...new Set(t.purchases.filter((p) => p.ts < now).map((p) => Math.floor(p.ts / DAY)))].sort((a, b) => a - b);
  const value = new Map<number, number>();
  for (const p of t.purchases) if (p.ts < now) value.set(Math.floor(p.ts / DAY), (value.get(Math.floor(p.ts / DAY)) ?? 0) + p.amount / 100);
  const x = days.length - 1;
  const tx = days[days.length - 1]! - days[0]!;
  const T = (now - days[0]! * DAY) / DAY;
  const { r, alpha, a, b } = m.bgnbd;
  const odds = x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0;
  const alive = 1 / (1 + odds);
  const expected = (h: number) =>
    (((a + b + x - 1) / (a - 1)) *
      (1 - ((alpha + T) / (alpha + T + h)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, h / (alpha + T + h)))) /
    (1 + odds);
  const gg = m.gamma_gamma!;
  const mean = [...value.values()].reduce((s, v) => s + v, 0) / days.length;
  const spend = (gg.p * (gg.gamma + days.length * mean)) / (gg.p * days.length + gg.q - 1);
  let discounted = 0;
  for (let k = 1; k <= 12; k++) discounted += (expected(30 * k) - (k > 1 ? expected(30 * (k - 1)) : 0)) / 1.01 ** k;
  return {
    x,
    p_alive: alive,
    p_active_30d: alive * (1 - ((alpha + T) / (alpha + T + 30)) ** (r + x)),
    expected_30d: expected(30),
    ltv: spend * discounted,
  };
}

function aucOf(score: number[], label: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  score.forEach((s, i) => {
    if (!label[i]) return;
    score.forEach((o, j) => {
      if (label[j]) return;
      pairs += 1;
      wins += s > o ? 1 : s === o ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

export function runLifetimeSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`churn and lifetime value on ${engine}`, () => {
    let store: EventStore;
    let h: MetaEngineHandle;
    let service: LifetimeService;
    let world: LifetimeWorld;
    let site: { id: string; timezone: string };
    let model: LifetimeModel;

    beforeAll(async () => {
      store = await makeStore();
      h = await openTestMeta('sqlite');
      const org = await h.meta.orgs.create('Shop Inc');
      const s = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example' });
      site = { id: s.id, timezone: 'UTC' };
      world = generateLifetimeWorld({ seed: 'ltv', siteId: s.id, nowMs: NOW, people: 500, futureDays: 360 });
      await store.write({ events: world.events, raw: [], quarantine: [], drops: [] });
      await writePayments(
        store,
        world.payments.map((p) => ({ site: s.id, key: p.key, kind: 'payment' as const, visitor: p.visitorId, ts: p.ts, amount: p.amount })),
      );
      const ctx = { currency: 'EUR', rates: new RateTable([]), ratesFingerprint: 'none', now: NOW };
      const stats = new StatsService(store, { sharedResultsMs: 0, now: () => NOW, revenueCredits: (id) => ensureCredits(store, id, ctx) });
      service = new LifetimeService({ meta: h.meta, stats, now: () => NOW });
      model = await service.train(site);
    }, 240_000);
    afterAll(async () => {
      await store?.close();
      await h?.cleanup();
    });

    it('trains on purchases and reports its held-out accuracy', () => {
      expect(model.status).toBe('ready');
      const m = model.metrics!;
      console.info(`[lifetime ${engine}] held-out metrics`, JSON.stringify(m), 'params', JSON.stringify(model.params));
      expect(model.params!.basis).toBe('purchases');
      expect(model.params!.currency).toBe('EUR');
      expect(m.people).toBeGreaterThan(100);
      expect(m.auc!).toBeGreaterThan(0.7);
      // The predicted holdout purchases are near the actual ones.
      expect(m.repeat_predicted / m.repeat_actual).toBeGreaterThan(0.7);
      expect(m.repeat_predicted / m.repeat_actual).toBeLessThan(1.4);
      expect(m.ltv_mae).not.toBeNull();
      // The population's mean spend is recovered from the purchases (the world's: p·γ/(q−1), in major units).
      const gg = model.params!.gamma_gamma!;
      const truthMean = (LIFETIME_WORLD.spendP * LIFETIME_WORLD.spendGamma) / (LIFETIME_WORLD.spendQ - 1) / 100;
      expect((gg.p * gg.gamma) / (gg.q - 1) / truthMean).toBeGreaterThan(0.8);
      expect((gg.p * gg.gamma) / (gg.q - 1) / truthMean).toBeLessThan(1.25);
    });

    it('flags most churners at least 72 hours before their true lapse', async () => {
      // Churners whose hidden lapse came in the last 60 days, judged as they stood 72 h before it (the day's start: earlier, so stricter).
      const churners = world.people.filter((p) => p.churned && p.lapseAt! <= NOW && p.lapseAt! > NOW - 60 * DAY);
      const byDay = new Map<number, LifetimeTruth[]>();
      for (const p of churners) {
        const asOf = Math.floor((p.lapseAt! - 3 * DAY) / DAY) * DAY;
        byDay.set(asOf, [...(byDay.get(asOf) ?? []), p]);
      }
      let judged = 0;
      let flagged = 0;
      for (const [asOf, list] of byDay) {
        const found = await service.assess(site, { asOfMs: asOf, pids: list.map((p) => `u${p.userId}`) });
        for (const p of list) {
          const pred = found.get(`u${p.userId}`)?.prediction;
          if (!pred) continue; // one purchase only: not eligible
          judged += 1;
          if (pred.churn_risk) flagged += 1;
        }
      }
      // False alarms: people flagged now who, in the simulated month after, bought again.
      const now = await service.assess(site);
      const truth = new Map(world.people.map((p) => [`u${p.userId}`, p]));
      const flaggedNow = [...now].filter(([, v]) => v.prediction?.churn_risk);
      const boughtSoon = (p: LifetimeTruth) => p.futurePurchases.some((f) => f.ts < NOW + 30 * DAY);
      const falseAlarms = flaggedNow.filter(([pid]) => boughtSoon(truth.get(pid)!)).length;
      console.info(
        `[lifetime ${engine}] churners flagged ≥ 72 h before lapse: ${flagged}/${judged} = ${(flagged / judged).toFixed(3)}; ` +
          `flagged now: ${flaggedNow.length}, of whom bought within 30 days: ${falseAlarms}; service's held-out share ${model.metrics!.flagged_ahead_share}`,
      );
      expect(judged).toBeGreaterThan(20);
      expect(flagged / judged).toBeGreaterThan(0.5);
      expect(falseAlarms / flaggedNow.length).toBeLessThan(0.35);
    });

    it('predicts the next 30 days (AUC) and the next year’s value against the simulated future', async () => {
      const now = await service.assess(site);
      const truth = new Map(world.people.map((p) => [`u${p.userId}`, p]));
      const eligible = [...now].filter(([, v]) => v.prediction).map(([pid, v]) => ({ t: truth.get(pid)!, pred: v.prediction! }));
      const returned = eligible.map(({ t }) => t.futurePurchases.some((f) => f.ts < NOW + 30 * DAY));
      const auc = aucOf(
        eligible.map((e) => e.pred.p_active_30d),
        returned,
      );
      // Realised value of the simulated year, discounted as the model discounts (1 % per 30 days).
      const realised = eligible.map(({ t }) =>
        t.futurePurchases
          .filter((f) => f.ts < NOW + 360 * DAY)
          .reduce((s, f) => s + f.amount / 100 / 1.01 ** Math.max(1, Math.ceil((f.ts - NOW) / (30 * DAY))), 0),
      );
      const predicted = eligible.map((e) => e.pred.expected_ltv!);
      const mae = predicted.reduce((s, v, i) => s + Math.abs(v - realised[i]!), 0) / eligible.length;
      const total = (predicted.reduce((s, v) => s + v, 0) / realised.reduce((s, v) => s + v, 0) - 1) * 100;
      console.info(
        `[lifetime ${engine}] eligible ${eligible.length}; AUC of p_active_30d for buying within 30 days: ${auc.toFixed(3)}; ` +
          `12-month LTV: MAE ${mae.toFixed(2)} EUR per person, total error ${total.toFixed(1)} %`,
      );
      expect(auc).toBeGreaterThan(0.75);
      expect(Math.abs(total)).toBeLessThan(50);
    });

    it("gives a few people the closed forms' numbers, and nothing to the not eligible", async () => {
      const m = model.params!;
      const some = world.people
        .filter((p) => new Set(p.purchases.map((x) => Math.floor(x.ts / DAY))).size >= 2)
        .filter((_, i) => i % 40 === 0);
      expect(some.length).toBeGreaterThan(5);
      const found = await service.assess(site, { pids: some.map((p) => `u${p.userId}`) });
      for (const p of some) {
        const want = closedForms(m, p, NOW);
        const got = found.get(`u${p.userId}`)!;
        expect(got.summary.x).toBe(want.x);
        expect(got.prediction!.p_alive).toBeCloseTo(want.p_alive, 9);
        expect(got.prediction!.p_active_30d).toBeCloseTo(want.p_active_30d, 9);
        expect(got.prediction!.expected_transactions_30d / want.expected_30d).toBeCloseTo(1, 5);
        expect(got.prediction!.expected_ltv! / want.ltv).toBeCloseTo(1, 5);
        expect(got.prediction!.churn_risk).toBe(want.p_active_30d < m.threshold);
      }
      // A one-purchase customer and an anonymous visitor: no numbers.
      const single = world.people.find((p) => new Set(p.purchases.map((x) => Math.floor(x.ts / DAY))).size === 1)!;
      const profiles = await service.withLifetime(site, [
        { id: `u${single.userId}` },
        { id: 'vltv-anon-1' },
        { id: `u${some[0]!.userId}` },
      ]);
      expect(profiles.slice(0, 2).map((p) => [p.p_active_30d, p.churn_risk, p.expected_ltv])).toEqual([
        [null, false, null],
        [null, false, null],
      ]);
      expect(profiles[2]!.p_active_30d).toBeCloseTo(closedForms(m, some[0]!, NOW).p_active_30d, 4);
    });

    it('pages the at-risk list, most recently seen first, with the value bands', async () => {
      const all = await service.atRisk(site, { limit: '500' });
      expect(all.total).toBeGreaterThan(0);
      expect(all.currency).toBe('EUR');
      const page = await service.atRisk(site, { limit: '5', offset: '3' });
      expect(page.people).toEqual(all.people.slice(3, 8));
      const seen = all.people.map((p) => p.last_seen_on);
      expect([...seen].sort().reverse()).toEqual(seen);
      expect(all.people.every((p) => p.p_active_30d < model.params!.threshold)).toBe(true);
      expect(all.ltv_distribution.reduce((s, b) => s + b.people, 0)).toBe(model.people);
      await expect(service.atRisk(site, { limit: '0' })).rejects.toMatchObject({ status: 400 });
    });

    it('counts active days on a site without revenue (and gives no value)', async () => {
      const org = await h.meta.orgs.create('Club Inc');
      const s = await h.meta.sites.create(org.id, { name: 'Club', domain: 'club.example' });
      const club = generateLifetimeWorld({ seed: 'club', siteId: s.id, nowMs: NOW, people: 150 });
      await store.write({ events: club.events, raw: [], quarantine: [], drops: [] });
      const trained = await service.train({ id: s.id, timezone: 'UTC' });
      expect(trained.status).toBe('ready');
      expect(trained.params!.basis).toBe('active_days');
      expect(trained.params!.gamma_gamma).toBeNull();
      expect(trained.metrics!.ltv_mae).toBeNull();
      console.info(`[lifetime ${engine}] active-days model`, JSON.stringify(trained.metrics));
      const one = club.people.find((p) => p.visits.length >= 3)!;
      const [withFields] = await service.withLifetime({ id: s.id, timezone: 'UTC' }, [{ id: `u${one.userId}` }]);
      expect(withFields!.p_active_30d).not.toBeNull();
      expect(withFields!.expected_ltv).toBeNull();
    });
  });
}
