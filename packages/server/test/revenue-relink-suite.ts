import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTION_MODEL_NAMES, type CanonicalEvent } from '@tidemark/core';
import type { EventStore } from '../src/store';
import type { SiteRecord } from '../src/meta';
import { ServerKeys } from '../src/secrets';
import { RevenueService } from '../src/revenue';
import { revenueRefs } from '../src/ingest';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';
import { makeEvent } from './helpers/events';
import { DAY, revenueBySource, sessionEvents, touchesOf, TOUCHES, type JourneySession } from './helpers/revenue-journeys';
import * as fx from './helpers/stripe-fixtures';

/**
 * Late identification on any engine: a payment whose payer is tied to its visits only by an identify
 * that arrives hours later — after the payment's credits were computed and settled — is credited again
 * once the identify is known: a user id joining the payer's visitor id to another device's, and a
 * customer e-mail naming a visitor when the payment had no attribution id. The expected rows come from
 * the reference computation (helpers/revenue-journeys.ts) over the fixture's sessions.
 */

export interface RelinkEngine {
  open(): Promise<EventStore>;
  destroy?(store: EventStore): Promise<void>;
}

const HOUR = 3_600_000;
const T = Date.UTC(2025, 4, 20, 12); // payments at noon UTC
const SECRET = 'whsec_relinksuite0123456789abcdef';
const [DIRECT, , CPC, NEWSLETTER, TWITTER] = TOUCHES;

const session = (visitor: string, id: string, start: number, touch: JourneySession['touch'], pages = ['/']): JourneySession => ({
  visitor,
  id,
  start,
  touch,
  pages,
  country: 'DE',
  browser: 'Firefox',
});

export function runRevenueRelinkSuite(engineName: string, engine: RelinkEngine): void {
  describe(`revenue re-attribution after a late identify on ${engineName}`, () => {
    let store: EventStore;
    let handle: MetaEngineHandle;
    let service: RevenueService;
    let keys: ServerKeys;
    let site: SiteRecord;
    // The laptop pays (tracker revenue); the phone, identified as the same user days before, brought them.
    const laptop = [session('laptop', 'l-1', T - 20 * 60_000, DIRECT!)];
    const phone = [session('phone', 'p-1', T - 9 * DAY, TWITTER!), session('phone', 'p-2', T - 5 * DAY, NEWSLETTER!, ['/', '/pricing'])];
    // A Checkout payment with only the customer's e-mail; the buyer identifies with it five hours later.
    const buyer = [
      session('buyer', 'b-1', T - 3 * DAY, TWITTER!),
      session('buyer', 'b-2', T - DAY, CPC!),
      session('buyer', 'b-3', T - HOUR, DIRECT!),
    ];

    const report = (model: string, now: number) =>
      service.report(
        { id: site.id, timezone: 'UTC' },
        { period: 'custom', start_date: '2025-05-20', end_date: '2025-05-20', attribution_model: model },
        now,
      );
    const bySource = (rows: Array<{ source: string; medium: string; revenue: number }>) =>
      Object.fromEntries(
        rows
          .map((r) => [`${r.source}|${r.medium}`, Math.round(r.revenue * 100)] as const)
          .filter(([, v]) => v !== 0)
          .sort(),
      );
    /** What the collector does with stored events: write them, then hand revenue/ their refs. */
    async function collect(events: CanonicalEvent[]) {
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      await service.collected(site.id, revenueRefs(events));
    }

    beforeAll(async () => {
      store = await engine.open();
      handle = await openTestMeta('sqlite');
      const org = await handle.meta.orgs.create('Relink');
      site = await handle.meta.sites.create(org.id, { name: 'Relink', domain: 'relink.example' });
      keys = ServerKeys.fromString('relink-suite-secret-0123456789abcdef0123456789');
      service = new RevenueService({ events: store, meta: handle.meta, keys, writer: { submit: (b) => store.write(b) } });
      await service.updateSettings(site.id, { currency: 'USD', stripe_webhook_secret: SECRET });
      await store.write({
        events: [
          ...phone.flatMap((s) => sessionEvents(site.id, s, 'user-42')),
          ...laptop.flatMap((s) => sessionEvents(site.id, s)),
          ...buyer.flatMap((s) => sessionEvents(site.id, s)),
        ],
        raw: [],
        quarantine: [],
        drops: [],
      });
      // The laptop's purchase, from the tracker: 49.99 USD.
      await collect([
        makeEvent({
          site_id: site.id,
          ts: T,
          visitor_id: 'laptop',
          session_id: 'l-1',
          name: 'purchase',
          revenue_amount: 49.99,
          revenue_currency: 'USD',
          props: { transaction_id: 'order-1' },
        }),
      ]);
      // The buyer's Checkout Session: no attribution id, only the e-mail.
      const ev = fx.event(
        'checkout.session.completed',
        fx.checkoutSession({
          created: T / 1000,
          amount: 120_00,
          currency: 'usd',
          customer: { id: fx.ids.cus(), email: 'Late.Buyer@example.com' },
          payment_intent: fx.ids.pi(),
        }),
        T / 1000,
      );
      const { body, signature } = fx.signed(ev, SECRET, T / 1000 + 5);
      await service.stripeWebhook(site.id, body, signature, T + 5_000);
    }, 120_000);

    afterAll(async () => {
      await engine.destroy?.(store);
      await store?.close();
      await handle?.cleanup();
    });

    const paid = (amount: number, touches: JourneySession[]) => [{ amount, ts: T, touches }];

    it('before the identify: the laptop is credited with its own session, the e-mail payment is unattributed', async () => {
      for (const model of ATTRIBUTION_MODEL_NAMES) {
        const r = await report(model, T + 2 * HOUR);
        expect(bySource(r.by_source), model).toEqual({
          ...revenueBySource(model, paid(49_99, touchesOf(laptop, new Set(['laptop']), T))),
          '(unattributed)|': 120_00,
        });
      }
      const r = await report('last_touch', T + 2 * HOUR);
      expect(r.transactions.map((t) => [t.visitor_id, t.profile_id])).toEqual([
        [null, null],
        ['laptop', 'vlaptop'],
      ]);
    });

    it('a user id arriving three hours later joins the phone: every model credits both devices', async () => {
      await collect([
        makeEvent({ site_id: site.id, ts: T + 3 * HOUR, visitor_id: 'laptop', session_id: 'l-2', name: 'identify', user_id: 'user-42' }),
      ]);
      const both = touchesOf([...laptop, ...phone], new Set(['laptop', 'phone']), T);
      expect(both.length).toBe(3);
      for (const model of ATTRIBUTION_MODEL_NAMES) {
        const r = await report(model, T + 4 * HOUR);
        expect(bySource(r.by_source), model).toEqual({ ...revenueBySource(model, paid(49_99, both)), '(unattributed)|': 120_00 });
      }
      const r = await report('last_touch', T + 4 * HOUR);
      const paidOnLaptop = r.transactions.find((t) => t.visitor_id === 'laptop');
      expect(paidOnLaptop?.attributed_source).toBe('newsletter');
      // The payer's profile is now the user's (People pages: u<user id>).
      expect(paidOnLaptop?.profile_id).toBe('uuser-42');
    });

    it("an e-mail identify five hours later links the Checkout payment to the buyer's sessions", async () => {
      await collect([
        makeEvent({
          site_id: site.id,
          ts: T + 5 * HOUR,
          visitor_id: 'buyer',
          session_id: 'b-4',
          name: 'identify',
          user_id: 'buyer-7',
          props: { email: 'late.buyer@example.com' },
        }),
      ]);
      const both = touchesOf([...laptop, ...phone], new Set(['laptop', 'phone']), T);
      const theirs = touchesOf(buyer, new Set(['buyer']), T);
      for (const model of ATTRIBUTION_MODEL_NAMES) {
        const r = await report(model, T + 6 * HOUR);
        const want = revenueBySource(model, [...paid(49_99, both), ...paid(120_00, theirs)]);
        expect(bySource(r.by_source), model).toEqual(want);
        expect(Object.values(want).reduce((a, b) => a + b, 0)).toBe(49_99 + 120_00);
      }
    });

    it('is idempotent: the same identifies again, in this or another process, recompute nothing', async () => {
      const before = await report('linear', T + 7 * HOUR);
      const again = [
        makeEvent({ site_id: site.id, ts: T + 7 * HOUR, visitor_id: 'laptop', session_id: 'l-3', name: 'identify', user_id: 'user-42' }),
        makeEvent({
          site_id: site.id,
          ts: T + 7 * HOUR,
          visitor_id: 'buyer',
          session_id: 'b-5',
          name: 'identify',
          user_id: 'buyer-7',
          props: { email: 'late.buyer@example.com' },
        }),
      ];
      await collect(again);
      // Another process (no memory of the links it saw): the stored link facts say they are known.
      const other = new RevenueService({ events: store, meta: handle.meta, keys, writer: { submit: (b) => store.write(b) } });
      await other.collected(site.id, revenueRefs(again));
      expect(await other.ensureCredits(site.id, T + 8 * HOUR)).toBe(0);
      const after = await report('linear', T + 8 * HOUR);
      expect(after.by_source).toEqual(before.by_source);
      expect(after.transactions).toEqual(before.transactions);
    });

    it('erasure unlinks payers from every credit, and the kept aggregates follow erasure and retention', async () => {
      const before = await report('linear', T + 8 * HOUR);
      expect(before.paying_visitors).toBe(2);
      // The laptop's credits on the phone's sessions are the laptop's too: exported and unlinked with it.
      const payerOnly = (rows: Array<Record<string, unknown>>) => rows.filter((r) => r.payer === 'laptop' && r.visitor_id === 'phone');
      const exported = await store.exportSubjectSideRows(site.id, { visitorId: 'laptop' });
      expect(payerOnly(exported.revenue_credits ?? []).length).toBeGreaterThan(0);
      await store.eraseSubject(site.id, { visitorId: 'laptop' });
      expect(await store.query(`SELECT credit_id FROM revenue_credits WHERE site_id = ? AND payer = 'laptop'`, [site.id])).toEqual([]);
      expect((await report('linear', T + 8 * HOUR)).paying_visitors).toBe(1);
      await store.eraseSubject(site.id, { visitorId: 'buyer' });
      const erased = await report('linear', T + 8 * HOUR);
      // The books keep the amounts and their attribution; the erased payers are no longer anybody.
      expect(erased.paying_visitors).toBe(0);
      expect(erased.transactions.map((t) => [t.visitor_id, t.profile_id, t.customer_email])).toEqual([
        [null, null, ''],
        [null, null, ''],
      ]);
      expect(erased.total_revenue).toBe(before.total_revenue);
      expect(bySource(erased.by_source)).toEqual(bySource(before.by_source));
      await store.purgeSiteBefore(site.id, T + HOUR);
      const purged = await report('linear', T + 8 * HOUR);
      expect(purged.total_revenue).toBe(0);
      expect(purged.by_source).toEqual([]);
    });
  });
}
