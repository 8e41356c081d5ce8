import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTION_MODEL_NAMES, parseQuery, type AttributionModelName, type CanonicalEvent, type GoalDefinition } from '@tidemark/core';
import type { EventStore } from '../src/store';
import type { SiteRecord } from '../src/meta';
import { ServerKeys } from '../src/secrets';
import { RevenueService } from '../src/revenue';
import { StatsService, type StatsSite } from '../src/stats';
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
 * The stats engine's revenue metrics (total_revenue, transactions, paying_visitors, revenue_per_visitor,
 * average_order_value) on any engine, with session- and event-level dimensions, filters, goals, a time
 * series and every attribution model, over generated journeys where some visitors identified as the same
 * user on two devices (helpers/revenue-journeys.ts). Expected values come from the plain computation there
 * over the fixture (the models' shares, largest remainder in minor units), never from the engine.
 */

export interface RevenueStatsEngine {
  open(): Promise<EventStore>;
  destroy?(store: EventStore): Promise<void>;
  /** The stats rollups built over the fixture (DuckDB): visitors beside revenue then come from them. */
  rollups?(store: EventStore, now: number): Promise<{ ready(): boolean; close(): Promise<void> }>;
}

const START = Date.UTC(2025, 4, 1); // 2025-05-01 … 2025-05-31, UTC site
const END = Date.UTC(2025, 5, 1);
const UNATTRIBUTED = '(unattributed)';
const GOAL: GoalDefinition = { id: 'g-engaged', name: 'Two pages', type: 'pages_per_session', match: { min_pages: 2 } };

interface Credit {
  payment: JourneyPayment;
  session: JourneySession | null;
  credit: number;
}

export function runRevenueStatsSuite(engineName: string, engine: RevenueStatsEngine): void {
  describe(`revenue metrics in the stats engine on ${engineName}`, () => {
    let store: EventStore;
    let handle: MetaEngineHandle;
    let revenue: RevenueService;
    let stats: StatsService;
    let site: SiteRecord;
    let statsSite: StatsSite;
    let parts: { ready(): boolean; close(): Promise<void> } | undefined;
    let sessions: JourneySession[] = [];
    let payments: JourneyPayment[] = [];
    let events: CanonicalEvent[] = [];
    let userOf = new Map<string, string>();

    beforeAll(async () => {
      store = await engine.open();
      handle = await openTestMeta('sqlite');
      const org = await handle.meta.orgs.create('Revenue stats');
      site = await handle.meta.sites.create(org.id, { name: 'Rev', domain: 'rev.example' });
      statsSite = { id: site.id, timezone: 'UTC', goals: [GOAL] };
      const keys = ServerKeys.fromString('revenue-stats-suite-secret-0123456789abcdef');
      revenue = new RevenueService({ events: store, meta: handle.meta, keys, writer: { submit: (b) => store.write(b) } });
      await revenue.updateSettings(site.id, { currency: 'USD' });
      await revenue.importRates(RATES_CSV);
      ({ sessions, payments, events, userOf } = generateJourneys({
        siteId: site.id,
        seed: `revenue-stats-${engineName}`,
        visitors: 60,
        start: START,
        maxSessions: 4,
        daysBefore: 35,
        spanDays: 65,
        touches: TOUCHES.slice(0, 5),
        // Pairs of devices of one person: visitors 10k and 10k+1 identified as the same user.
        userOf: (v) => (v % 10 < 2 ? `user-${Math.floor(v / 10)}` : undefined),
        // Of each pair only the second device pays, so its first device's sessions matter.
        pays: (v) => !(v % 3 === 2 || v % 10 === 0),
      }));
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      await store.upsertSideRows('transactions', transactionRows(site.id, payments));
      parts = await engine.rollups?.(store, END + DAY);
      stats = new StatsService(store, {
        now: () => END + DAY,
        revenueCredits: (id) => revenue.ensureCredits(id),
        ...(parts ? { sessionParts: parts } : {}),
      });
    }, 120_000);

    afterAll(async () => {
      await parts?.close();
      await engine.destroy?.(store);
      await store?.close();
      await handle?.cleanup();
    });

    const counted = () => payments.filter((p) => p.currency !== 'GBP');
    const devicesOf = (visitor: string) => {
      const user = userOf.get(visitor);
      return new Set(user ? [...userOf].filter(([, u]) => u === user).map(([v]) => v) : [visitor]);
    };

    function credits(model: AttributionModelName): Credit[] {
      const out: Credit[] = [];
      for (const p of counted()) {
        const touches = p.visitor ? touchesOf(sessions, devicesOf(p.visitor), p.ts) : [];
        if (!touches.length) out.push({ payment: p, session: null, credit: usdOf(p) });
        else
          largestRemainder(usdOf(p), shares(model, touches, p.ts)).forEach((c, i) => {
            if (c !== 0) out.push({ payment: p, session: touches[i]!, credit: c });
          });
      }
      return out;
    }

    /** Revenue (minor units) and transactions per key; a credit may count under several keys (pages, goals). */
    function group(list: Credit[], keysOf: (c: Credit) => string[]): Record<string, { revenue: number; transactions: number }> {
      const m = new Map<string, { revenue: number; txns: Set<string> }>();
      for (const c of list)
        for (const k of keysOf(c)) {
          const row = m.get(k) ?? { revenue: 0, txns: new Set<string>() };
          row.revenue += c.credit;
          if (c.payment.kind === 'payment') row.txns.add(c.payment.key);
          m.set(k, row);
        }
      return Object.fromEntries([...m].map(([k, r]) => [k, { revenue: r.revenue, transactions: r.txns.size }]).sort());
    }

    async function rows(body: Record<string, unknown>) {
      const q = parseQuery({ site_id: site.id, date_range: { start: '2025-05-01', end: '2025-05-31' }, limit: 1000, ...body });
      return (await stats.query(q, statsSite)).rows;
    }
    const asGroups = (list: Array<Record<string, string | number>>, dim: string) =>
      Object.fromEntries(
        list
          .filter((r) => Number(r.total_revenue) !== 0 || Number(r.transactions) !== 0)
          .map((r) => [String(r[dim]), { revenue: Math.round(Number(r.total_revenue) * 100), transactions: Number(r.transactions) }])
          .sort(),
      );

    it('the fixture exercises what it should: identified devices, unattributed, refunds, other currencies', () => {
      const list = credits('linear');
      expect(list.some((c) => c.session && c.session.visitor !== c.payment.visitor)).toBe(true);
      expect(list.some((c) => !c.session)).toBe(true);
      expect(list.some((c) => c.payment.kind === 'refund')).toBe(true);
      expect(payments.some((p) => p.currency === 'GBP') && payments.some((p) => p.currency === 'EUR')).toBe(true);
    });

    it('totals: revenue, transactions, paying visitors, revenue per visitor, average order value', async () => {
      const [r] = await rows({
        metrics: ['total_revenue', 'transactions', 'paying_visitors', 'revenue_per_visitor', 'average_order_value', 'visitors'],
      });
      const list = counted();
      const total = list.reduce((a, p) => a + usdOf(p), 0);
      const paid = list.filter((p) => p.kind === 'payment');
      const gross = paid.reduce((a, p) => a + usdOf(p), 0);
      const visitors = new Set(events.filter((e) => e.ts >= START && e.ts < END).map((e) => e.visitor_id)).size;
      expect(Math.round(Number(r!.total_revenue) * 100)).toBe(total);
      expect(r!.transactions).toBe(paid.length);
      expect(r!.paying_visitors).toBe(new Set(paid.filter((p) => p.visitor).map((p) => p.visitor)).size);
      expect(r!.visitors).toBe(visitors);
      expect(r!.revenue_per_visitor).toBe(Math.round((total / 100 / visitors) * 100) / 100);
      expect(r!.average_order_value).toBe(Math.round((gross / 100 / paid.length) * 100) / 100);
    });

    for (const model of ATTRIBUTION_MODEL_NAMES)
      it(`revenue by source under ${model} equals the reference`, async () => {
        const got = await rows({ metrics: ['total_revenue', 'transactions'], dimensions: ['source'], attribution_model: model });
        expect(asGroups(got, 'source')).toEqual(group(credits(model), (c) => [c.session ? c.session.touch.source : UNATTRIBUTED]));
      });

    it('last touch is the default model', async () => {
      const a = await rows({ metrics: ['total_revenue'], dimensions: ['campaign'] });
      const b = await rows({ metrics: ['total_revenue'], dimensions: ['campaign'], attribution_model: 'last_touch' });
      expect(a).toEqual(b);
      expect(
        asGroups(
          a.map((r) => ({ ...r, transactions: 0 })),
          'campaign',
        ),
      ).toEqual(
        Object.fromEntries(
          Object.entries(group(credits('last_touch'), (c) => [c.session ? c.session.touch.campaign : UNATTRIBUTED])).map(([k, v]) => [
            k,
            { revenue: v.revenue, transactions: 0 },
          ]),
        ),
      );
    });

    it('a session-level filter with another session-level dimension, and visitors beside revenue', async () => {
      const got = await rows({
        metrics: ['total_revenue', 'transactions', 'visitors', 'revenue_per_visitor'],
        dimensions: ['country'],
        filters: [['is', 'browser', ['Firefox']]],
        attribution_model: 'linear',
      });
      const firefox = credits('linear').filter((c) => c.session?.browser === 'Firefox');
      expect(asGroups(got, 'country')).toEqual(group(firefox, (c) => [c.session!.country]));
      for (const r of got) {
        const inPeriod = sessions.filter((s) => s.browser === 'Firefox' && s.country === r.country);
        const visitors = new Set(
          inPeriod.filter((s) => s.pages.some((_, i) => s.start + i * 60_000 >= START && s.start + i * 60_000 < END)).map((s) => s.visitor),
        ).size;
        expect(r.visitors, String(r.country)).toBe(visitors);
        const rev = firefox.filter((c) => c.session!.country === r.country).reduce((a, c) => a + c.credit, 0);
        expect(r.revenue_per_visitor, String(r.country)).toBe(visitors ? Math.round((rev / 100 / visitors) * 100) / 100 : 0);
      }
    });

    it('an event-level dimension: a touchpoint credits every page its session saw', async () => {
      const got = await rows({ metrics: ['total_revenue', 'transactions'], dimensions: ['page'], attribution_model: 'position_based' });
      const list = credits('position_based').filter((c) => c.session);
      expect(asGroups(got, 'page')).toEqual(group(list, (c) => [...new Set(c.session!.pages)]));
    });

    it('an event-level filter with a session-level dimension', async () => {
      const got = await rows({
        metrics: ['total_revenue', 'transactions', 'paying_visitors'],
        dimensions: ['channel'],
        filters: [['is', 'page', ['/pricing']]],
        attribution_model: 'first_touch',
      });
      const list = credits('first_touch').filter((c) => c.session?.pages.includes('/pricing'));
      expect(asGroups(got, 'channel')).toEqual(group(list, (c) => [c.session!.touch.channel]));
      for (const r of got) {
        const payers = new Set(
          list.filter((c) => c.session!.touch.channel === r.channel && c.payment.kind === 'payment').map((c) => c.payment.visitor),
        );
        expect(r.paying_visitors).toBe(payers.size);
      }
    });

    it('the goal dimension and a goal filter', async () => {
      const done = (s: JourneySession) => s.pages.length >= 2;
      const list = credits('time_decay').filter((c) => c.session && done(c.session));
      const byGoal = await rows({ metrics: ['total_revenue', 'transactions'], dimensions: ['goal'], attribution_model: 'time_decay' });
      expect(asGroups(byGoal, 'goal')).toEqual(group(list, () => [GOAL.id]));
      const filtered = await rows({
        metrics: ['total_revenue', 'transactions'],
        dimensions: ['medium'],
        filters: [['is', 'goal', [GOAL.id]]],
        attribution_model: 'time_decay',
      });
      expect(asGroups(filtered, 'medium')).toEqual(group(list, (c) => [c.session!.touch.medium]));
    });

    it('a daily series of revenue by payment day, zero-filled', async () => {
      const got = await rows({ metrics: ['total_revenue', 'transactions'], interval: 'day' });
      expect(got).toHaveLength(31);
      const want = new Map<string, { revenue: number; transactions: number }>();
      for (const p of counted()) {
        const day = new Date(p.ts).toISOString().slice(0, 10);
        const w = want.get(day) ?? { revenue: 0, transactions: 0 };
        w.revenue += usdOf(p);
        if (p.kind === 'payment') w.transactions++;
        want.set(day, w);
      }
      for (const r of got)
        expect({ revenue: Math.round(Number(r.total_revenue) * 100), transactions: r.transactions }, String(r.date)).toEqual(
          want.get(String(r.date)) ?? { revenue: 0, transactions: 0 },
        );
    });

    it('orders by a revenue metric and credits stay exact under every model', async () => {
      for (const model of ATTRIBUTION_MODEL_NAMES) {
        const got = await rows({
          metrics: ['total_revenue'],
          dimensions: ['entry_page'],
          attribution_model: model,
          order_by: [['total_revenue', 'desc']],
        });
        const values = got.map((r) => Number(r.total_revenue));
        expect(
          [...values].sort((a, b) => b - a),
          model,
        ).toEqual(values);
        expect(Math.round(values.reduce((a, b) => a + b, 0) * 100), model).toBe(counted().reduce((a, p) => a + usdOf(p), 0));
      }
    });

    it.runIf(!!engine.rollups)('with the rollups built, visitors beside revenue come from them', async () => {
      const q = parseQuery({
        site_id: site.id,
        date_range: { start: '2025-05-01', end: '2025-05-31' },
        metrics: ['total_revenue', 'visitors'],
        dimensions: ['source'],
        limit: 1000,
      });
      const r = await stats.query(q, statsSite, { debug: true });
      expect(r.debug!.plan.source).not.toBe('events');
      expect(
        asGroups(
          r.rows.map((x) => ({ ...x, transactions: 0 })),
          'source',
        ),
      ).toEqual(
        Object.fromEntries(
          Object.entries(group(credits('last_touch'), (c) => [c.session ? c.session.touch.source : UNATTRIBUTED])).map(([k, v]) => [
            k,
            { revenue: v.revenue, transactions: 0 },
          ]),
        ),
      );
      for (const row of r.rows) {
        if (row.source === UNATTRIBUTED) continue;
        const visitors = new Set(
          sessions
            .filter(
              (s) => s.touch.source === row.source && s.pages.some((_, i) => s.start + i * 60_000 >= START && s.start + i * 60_000 < END),
            )
            .map((s) => s.visitor),
        ).size;
        expect(row.visitors, String(row.source)).toBe(visitors);
      }
    });

    it('refuses an unknown attribution model with a coded 400', async () => {
      await expect(rows({ metrics: ['total_revenue'], attribution_model: 'u_shaped' })).rejects.toMatchObject({ status: 400 });
    });
  });
}
