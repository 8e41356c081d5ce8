import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTION_MODEL_NAMES, type AttributionModelName, type CanonicalEvent } from '@tidemark/core';
import type { EventStore } from '../src/store';
import type { SiteRecord } from '../src/meta';
import { ServerKeys } from '../src/secrets';
import { RevenueService } from '../src/revenue';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';
import {
  DAY,
  generateJourneys,
  largestRemainder,
  RATES_CSV,
  shares,
  touchesOf,
  TOUCHES,
  transactionRows,
  usdOf,
  type JourneyPayment,
  type JourneySession,
} from './helpers/revenue-journeys';

/**
 * Revenue attribution on any engine, over generated journeys: visitors with sessions from several
 * channels, payments in the period (some before any session, some in other currencies), refunds
 * (helpers/revenue-journeys.ts). The expected numbers come from the independent computation there (plain
 * TS over the fixture: the five models' shares, cut into minor units by largest remainder), never from
 * the service.
 */

export interface AttributionEngine {
  open(): Promise<EventStore>;
  destroy?(store: EventStore): Promise<void>;
}

const START = Date.UTC(2025, 4, 1); // period 2025-05-01 … 2025-05-31 (UTC site)
const END = Date.UTC(2025, 5, 1);
const LOOKBACK = 30;

export function runRevenueAttributionSuite(engineName: string, engine: AttributionEngine): void {
  describe(`revenue attribution on ${engineName}`, () => {
    let store: EventStore;
    let handle: MetaEngineHandle;
    let service: RevenueService;
    let site: SiteRecord;
    let sessions: JourneySession[] = [];
    let payments: JourneyPayment[] = [];
    let events: CanonicalEvent[] = [];

    beforeAll(async () => {
      store = await engine.open();
      handle = await openTestMeta('sqlite');
      const org = await handle.meta.orgs.create('Attribution');
      site = await handle.meta.sites.create(org.id, { name: 'Attr', domain: 'attr.example' });
      const keys = ServerKeys.fromString('attribution-suite-secret-0123456789abcdef0123');
      service = new RevenueService({ events: store, meta: handle.meta, keys, writer: { submit: (b) => store.write(b) } });
      await service.updateSettings(site.id, { currency: 'USD' });
      await service.importRates(RATES_CSV);
      ({ sessions, payments, events } = generateJourneys({
        siteId: site.id,
        seed: `attribution-${engineName}`,
        visitors: 80,
        start: START,
        maxSessions: 5,
        daysBefore: 40,
        spanDays: 70,
        touches: TOUCHES,
        pays: (v) => v % 3 !== 2, // a third never pay
      }));
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      await store.upsertSideRows('transactions', transactionRows(site.id, payments));
    }, 120_000);

    afterAll(async () => {
      await engine.destroy?.(store);
      await store?.close();
      await handle?.cleanup();
    });

    /** The reference: credits per source/medium, campaign and landing page, in USD minor units. */
    function expected(model: AttributionModelName, lookback = LOOKBACK) {
      const bySource = new Map<string, number>();
      const byCampaign = new Map<string, number>();
      const byLanding = new Map<string, number>();
      const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
      let total = 0;
      for (const p of payments) {
        if (p.currency === 'GBP') continue;
        const usd = usdOf(p);
        total += usd;
        const touches = touchesOf(sessions, new Set([p.visitor]), p.ts, lookback);
        if (!touches.length) {
          add(bySource, '(unattributed)|', usd);
          add(byCampaign, '(unattributed)', usd);
          add(byLanding, '(unattributed)', usd);
          continue;
        }
        largestRemainder(usd, shares(model, touches, p.ts)).forEach((c, i) => {
          if (c === 0) return;
          const t = touches[i]!;
          add(bySource, `${t.touch.source}|${t.touch.medium}`, c);
          add(byCampaign, t.touch.campaign, c);
          add(byLanding, t.pages[0]!, c);
        });
      }
      return { bySource, byCampaign, byLanding, total };
    }
    const cents = (m: Map<string, number>) => Object.fromEntries([...m].filter(([, v]) => v !== 0).sort());

    for (const model of ATTRIBUTION_MODEL_NAMES)
      it(`${model}: credits by source, campaign and landing page equal the reference and sum exactly to the total`, async () => {
        const r = await service.report(
          { id: site.id, timezone: 'UTC' },
          { period: 'custom', start_date: '2025-05-01', end_date: '2025-05-31', attribution_model: model, lookback_days: String(LOOKBACK) },
          END + DAY,
        );
        const want = expected(model);
        expect(Math.round(r.total_revenue * 100)).toBe(want.total);
        const got = (rows: Array<Record<string, unknown>>, key: (row: Record<string, unknown>) => string) =>
          Object.fromEntries(
            rows
              .map((row) => [key(row), Math.round(Number(row.revenue) * 100)] as const)
              .filter(([, v]) => v !== 0)
              .sort(),
          );
        expect(got(r.by_source, (row) => `${row.source}|${row.medium}`)).toEqual(cents(want.bySource));
        expect(got(r.by_campaign, (row) => String(row.campaign))).toEqual(cents(want.byCampaign));
        expect(got(r.by_landing_page, (row) => String(row.landing_page))).toEqual(cents(want.byLanding));
        for (const rows of [r.by_source, r.by_campaign, r.by_landing_page, r.by_channel])
          expect(rows.reduce((a, row) => a + Math.round(row.revenue * 100), 0)).toBe(want.total);
        // GBP has no rate: apart, never in a total.
        const gbp = payments.filter((p) => p.currency === 'GBP').reduce((a, p) => a + p.amount, 0);
        expect(gbp).toBeGreaterThan(0);
        expect(Math.round((r.unconverted.GBP ?? 0) * 100)).toBe(gbp);
      }, 60_000);

    // The default window reads the stored credits (revenue/credits.ts); any other is attributed from the events.
    for (const model of ATTRIBUTION_MODEL_NAMES)
      it(`${model} with a 12-day lookback (attributed from the events) equals the reference`, async () => {
        const r = await service.report(
          { id: site.id, timezone: 'UTC' },
          { period: 'custom', start_date: '2025-05-01', end_date: '2025-05-31', attribution_model: model, lookback_days: '12' },
          END + DAY,
        );
        const want = expected(model, 12);
        const got = Object.fromEntries(
          r.by_source
            .map((row) => [`${row.source}|${row.medium}`, Math.round(row.revenue * 100)] as const)
            .filter(([, v]) => v !== 0)
            .sort(),
        );
        expect(got).toEqual(cents(want.bySource));
        expect(cents(want.bySource)).not.toEqual(cents(expected(model).bySource));
      }, 60_000);

    it('compares all five models side by side, each summing to the same total; KPIs from the fixture', async () => {
      const r = await service.report(
        { id: site.id, timezone: 'UTC' },
        { period: 'custom', start_date: '2025-05-01', end_date: '2025-05-31', compare_models: 'true' },
        END + DAY,
      );
      const total = expected('linear').total;
      for (const model of ATTRIBUTION_MODEL_NAMES) {
        const rows = r.models![model]!;
        expect(
          rows.reduce((a, row) => a + Math.round(row.revenue * 100), 0),
          model,
        ).toBe(total);
        expect(
          Object.fromEntries(
            rows
              .map((row) => [`${row.source}|${row.medium}`, Math.round(row.revenue * 100)] as const)
              .filter(([, v]) => v !== 0)
              .sort(),
          ),
          model,
        ).toEqual(cents(expected(model).bySource));
      }
      const inPeriod = events.filter((e) => e.ts >= START && e.ts < END);
      const visitors = new Set(inPeriod.map((e) => e.visitor_id)).size;
      const counted = payments.filter((p) => p.currency !== 'GBP');
      const payers = new Set(counted.filter((p) => p.kind === 'payment' && p.visitor).map((p) => p.visitor)).size;
      expect(r.visitors).toBe(visitors);
      expect(r.paying_visitors).toBe(payers);
      expect(r.transactions_count).toBe(counted.filter((p) => p.kind === 'payment').length);
      expect(r.conversion_rate).toBeCloseTo((payers / visitors) * 100, 2);
      const refunds = -counted.filter((p) => p.kind === 'refund').reduce((a, p) => a + p.amount, 0);
      expect(Math.round(r.refunds * 100)).toBe(refunds);
      expect(r.timeseries.reduce((a, d) => a + Math.round(d.revenue * 100), 0)).toBe(total);
      // LTV: revenue to date per paying customer (here a customer is its visitor, or the payment itself when anonymous).
      const customers = new Set(counted.map((p) => p.visitor || p.key)).size;
      expect(r.ltv).toBeCloseTo(total / 100 / customers, 2);
      expect(r.average_order_value).toBeCloseTo(
        counted.filter((p) => p.kind === 'payment').reduce((a, p) => a + usdOf(p), 0) /
          100 /
          counted.filter((p) => p.kind === 'payment').length,
        2,
      );
    }, 60_000);

    it('refuses unknown models and bad windows with 400', async () => {
      for (const q of [{ attribution_model: 'u_shaped' }, { lookback_days: '0' }, { period: 'custom' }, { nonsense: '1' }])
        await expect(service.report({ id: site.id, timezone: 'UTC' }, q)).rejects.toMatchObject({ status: 400 });
    });
  });
}
