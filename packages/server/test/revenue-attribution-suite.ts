import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTION_MODEL_NAMES, type AttributionModelName, type CanonicalEvent } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import type { EventStore, SideRow } from '../src/store';
import type { SiteRecord } from '../src/meta';
import { ServerKeys } from '../src/secrets';
import { RevenueService } from '../src/revenue';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';
import { makeEvent, uuidv7 } from './helpers/events';

/**
 * Revenue attribution on any engine, over generated journeys: visitors with sessions from several
 * channels, payments in the period (some before any session, some in other currencies), refunds. The
 * expected numbers come from the independent computation below (plain TS over the fixture: the five
 * models' shares, cut into minor units by largest remainder), never from the service.
 */

export interface AttributionEngine {
  open(): Promise<EventStore>;
  destroy?(store: EventStore): Promise<void>;
}

const DAY = 86_400_000;
const START = Date.UTC(2025, 4, 1); // period 2025-05-01 … 2025-05-31 (UTC site)
const END = Date.UTC(2025, 5, 1);
const LOOKBACK = 30;
const HALF_LIFE = 7;

const TOUCHES = [
  { channel: 'Direct', source: '', medium: '', campaign: '' },
  { channel: 'Organic Search', source: 'Google', medium: '', campaign: '' },
  { channel: 'Paid Search', source: 'google', medium: 'cpc', campaign: 'brand' },
  { channel: 'Email', source: 'newsletter', medium: 'email', campaign: 'spring' },
  { channel: 'Social', source: 'twitter', medium: 'social', campaign: 'launch' },
  { channel: 'Referral', source: 'blog.example.org', medium: '', campaign: '' },
];
const PAGES = ['/', '/pricing', '/blog/a', '/features', '/signup'];

interface Session {
  visitor: string;
  id: string;
  start: number;
  touch: (typeof TOUCHES)[number];
  landing: string;
}
interface Payment {
  key: string;
  visitor: string;
  ts: number;
  amount: number; // minor units of `currency`
  currency: string;
  kind: 'payment' | 'refund';
}

// --- the independent computation -------------------------------------------------------------

/** Each model's share of one payment among `n` touches (oldest first), as the docs state them. */
function shares(model: AttributionModelName, touches: Session[], paidAt: number): number[] {
  const n = touches.length;
  if (model === 'first_touch') return touches.map((_, i) => (i === 0 ? 1 : 0));
  if (model === 'last_touch') {
    const nonDirect = touches.map((t, i) => (t.touch.channel === 'Direct' ? -1 : i)).filter((i) => i >= 0);
    const pick = nonDirect.length ? nonDirect[nonDirect.length - 1]! : n - 1;
    return touches.map((_, i) => (i === pick ? 1 : 0));
  }
  if (model === 'linear') return touches.map(() => 1 / n);
  if (model === 'time_decay') {
    const w = touches.map((t) => 0.5 ** ((paidAt - t.start) / (HALF_LIFE * DAY)));
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / sum);
  }
  if (n === 1) return [1];
  if (n === 2) return [0.5, 0.5];
  return touches.map((_, i) => (i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)));
}

/** Whole minor units: floors, then one more each to the largest remainders (earlier on ties). */
function largestRemainder(amount: number, s: number[]): number[] {
  const abs = Math.abs(amount);
  const raw = s.map((x) => abs * x);
  const floors = raw.map((x) => Math.floor(x + 1e-9));
  let rest = abs - floors.reduce((a, b) => a + b, 0);
  const order = raw.map((x, i) => ({ i, frac: x - Math.floor(x + 1e-9) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const o of order) {
    if (rest <= 0) break;
    floors[o.i]! += 1;
    rest--;
  }
  return floors.map((x) => (amount < 0 ? -x : x));
}

export function runRevenueAttributionSuite(engineName: string, engine: AttributionEngine): void {
  describe(`revenue attribution on ${engineName}`, () => {
    let store: EventStore;
    let handle: MetaEngineHandle;
    let service: RevenueService;
    let site: SiteRecord;
    const sessions: Session[] = [];
    const payments: Payment[] = [];
    const events: CanonicalEvent[] = [];
    const rng = new Prng(`attribution-${engineName}`);

    beforeAll(async () => {
      store = await engine.open();
      handle = await openTestMeta('sqlite');
      const org = await handle.meta.orgs.create('Attribution');
      site = await handle.meta.sites.create(org.id, { name: 'Attr', domain: 'attr.example' });
      const keys = ServerKeys.fromString('attribution-suite-secret-0123456789abcdef0123');
      service = new RevenueService({ events: store, meta: handle.meta, keys, writer: { submit: (b) => store.write(b) } });
      await service.updateSettings(site.id, { currency: 'USD' });
      // EUR converts (1 EUR = 1.25 USD in May); GBP has no rate and stays apart.
      await service.importRates('date,currency,rate\n2025-04-01,USD,1.25\n2025-05-01,USD,1.25\n');

      for (let v = 0; v < 80; v++) {
        const visitor = `visitor-${v}`;
        const n = rng.int(1, 5);
        for (let k = 0; k < n; k++) {
          const start = START - 40 * DAY + rng.int(0, 70 * DAY);
          const s: Session = { visitor, id: `s-${v}-${k}`, start, touch: rng.pick(TOUCHES), landing: rng.pick(PAGES) };
          sessions.push(s);
          const pages = rng.int(1, 3);
          for (let i = 0; i < pages; i++)
            events.push(
              makeEvent({
                site_id: site.id,
                event_id: uuidv7(start + i * 60_000),
                ts: start + i * 60_000,
                visitor_id: visitor,
                session_id: s.id,
                path: i === 0 ? s.landing : rng.pick(PAGES),
                channel: s.touch.channel,
                source: s.touch.source,
                utm_source: s.touch.medium ? s.touch.source : '',
                utm_medium: s.touch.medium,
                utm_campaign: s.touch.campaign,
              }),
            );
        }
        if (v % 3 === 2) continue; // a third never pay
        const count = rng.int(1, 2);
        for (let k = 0; k < count; k++) {
          const currency = v % 11 === 0 ? 'EUR' : v % 17 === 0 ? 'GBP' : 'USD';
          payments.push({
            key: `pay-${v}-${k}`,
            visitor,
            ts: START + rng.int(0, 31 * DAY - 1),
            amount: rng.int(99, 250_000),
            currency,
            kind: 'payment',
          });
        }
      }
      // An unattributed payment and a refund of an attributed one.
      payments.push({ key: 'pay-anon', visitor: '', ts: START + 3 * DAY, amount: 12_345, currency: 'USD', kind: 'payment' });
      const refunded = payments.find((p) => p.currency === 'USD' && p.visitor)!;
      payments.push({
        key: `rf:${refunded.key}`,
        visitor: refunded.visitor,
        ts: refunded.ts + DAY,
        amount: -Math.floor(refunded.amount / 3),
        currency: 'USD',
        kind: 'refund',
      });
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      const rows: SideRow[] = payments.map((p) => ({
        site_id: site.id,
        txn_key: p.key,
        kind: p.kind,
        status: 'counted',
        source: 'stripe',
        ts: p.ts,
        amount: p.amount,
        currency: p.currency,
        visitor_id: p.visitor,
        version: 1,
      }));
      await store.upsertSideRows('transactions', rows);
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
        const usd = p.currency === 'EUR' ? Math.round((p.amount / 100) * 1.25 * 100) : p.amount;
        total += usd;
        const touches = sessions
          .filter((s) => s.visitor === p.visitor && s.start <= p.ts + 999 && s.start >= p.ts - lookback * DAY)
          .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
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
          add(byLanding, t.landing, c);
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
        counted
          .filter((p) => p.kind === 'payment')
          .reduce((a, p) => a + (p.currency === 'EUR' ? Math.round((p.amount / 100) * 1.25 * 100) : p.amount), 0) /
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
