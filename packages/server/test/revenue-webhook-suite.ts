import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '@tidemark/testkit';
import { TidemarkError } from '@tidemark/core';
import type { EventStore } from '../src/store';
import type { SiteRecord } from '../src/meta';
import { ServerKeys } from '../src/secrets';
import { issueAttributionId, mrrAt, RevenueService, subscriptionStates } from '../src/revenue';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';
import * as fx from './helpers/stripe-fixtures';

/**
 * Stripe webhooks on any engine: realistic events of every handled type, signed with the stripe package,
 * delivered with duplicates and in shuffled orders. Expectations come from the scenario's own description
 * of what was paid (plain TS below), never from what the service stored.
 */

export interface RevenueEngine {
  open(): Promise<EventStore>;
  destroy?(store: EventStore): Promise<void>;
}

const SECRET = 'whsec_test_5f3c1b2a9d8e7f6a5b4c3d2e1f0a9b8c';
const T0 = Math.floor(Date.now() / 1000) - 40 * 86400; // scenario start (s): 40 days ago

interface ExpectedTxn {
  key: string;
  amount: number;
  currency: string;
  visitor: string;
  kind: 'payment' | 'refund';
  refund_of?: string;
}

export function runRevenueWebhookSuite(engineName: string, engine: RevenueEngine): void {
  describe(`Stripe webhooks on ${engineName}`, () => {
    let store: EventStore;
    let handle: MetaEngineHandle;
    let service: RevenueService;
    let site: SiteRecord;
    let other: SiteRecord;
    const keys = ServerKeys.fromString('revenue-suite-secret-0123456789abcdef0123456789');
    const expected: ExpectedTxn[] = [];
    /** MRR of the active subscriptions the scenarios leave behind (USD cents), from their own plans. */
    let expectedMrr = 0;
    const prng = new Prng(16);

    const token = (siteId: string, visitor: string, atSeconds: number) =>
      issueAttributionId(keys, siteId, { visitor_id: visitor, session_id: `s-${visitor}` }, atSeconds * 1000 - 600_000);

    async function deliver(ev: fx.StripeEvent, siteId = site.id, secret = SECRET, ts?: number) {
      const { body, signature } = fx.signed(ev, secret, ts);
      return service.stripeWebhook(siteId, body, signature);
    }

    /** Delivers every event once in a shuffled order, then a random third of them again (retries). */
    async function deliverShuffled(events: fx.StripeEvent[]) {
      const order = [...events];
      for (let i = order.length - 1; i > 0; i--) {
        const j = prng.int(0, i);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const ev of order) await deliver(ev);
      for (const ev of order.filter(() => prng.next() < 0.34)) await deliver(ev);
    }

    async function counted() {
      return store.query<{ txn_key: string; amount: number; currency: string; visitor_id: string; kind: string; refund_of: string }>(
        `SELECT txn_key, amount, currency, visitor_id, kind, refund_of FROM transactions WHERE site_id = ? AND status = 'counted' ORDER BY txn_key`,
        [site.id],
      );
    }
    async function rowCounts(siteId: string) {
      const [f] = await store.query<{ n: number }>('SELECT count(*) AS n FROM revenue_facts WHERE site_id = ?', [siteId]);
      const [r] = await store.query<{ n: number }>('SELECT count(*) AS n FROM raw_payloads WHERE site_id = ?', [siteId]);
      return { facts: Number(f?.n ?? 0), raw: Number(r?.n ?? 0) };
    }
    function expectRows(rows: Awaited<ReturnType<typeof counted>>) {
      const want = [...expected].sort((a, b) => (a.key < b.key ? -1 : 1));
      expect(
        rows.map((r) => ({ key: r.txn_key, amount: Number(r.amount), currency: r.currency, visitor: r.visitor_id, kind: r.kind })),
      ).toEqual(want.map((w) => ({ key: w.key, amount: w.amount, currency: w.currency, visitor: w.visitor, kind: w.kind })));
    }

    beforeAll(async () => {
      store = await engine.open();
      handle = await openTestMeta('sqlite');
      const org = await handle.meta.orgs.create('Revenue org');
      site = await handle.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
      other = await handle.meta.sites.create(org.id, { name: 'Other', domain: 'other.example.com' });
      service = new RevenueService({ events: store, meta: handle.meta, keys, writer: { submit: (b) => store.write(b) } });
      await service.updateSettings(site.id, { stripe_webhook_secret: SECRET, currency: 'USD' });
    }, 60_000);

    afterAll(async () => {
      await engine.destroy?.(store);
      await store?.close();
      await handle?.cleanup();
    });

    it('the secret is stored sealed and shown only as configured', async () => {
      const rec = await handle.meta.siteRevenue.get(site.id);
      expect(rec.stripe_secret_sealed).toBeTruthy();
      expect(rec.stripe_secret_sealed).not.toContain(SECRET);
      expect(await service.settingsView(site.id)).toEqual({ stripe_webhook_configured: true, currency: 'USD' });
      expect(await service.settingsView(other.id)).toEqual({ stripe_webhook_configured: false, currency: 'USD' });
    });

    it('refuses bad signatures, tampered bodies, stale timestamps, unknown sites and unconfigured sites, storing nothing', async () => {
      const cus = { id: fx.ids.cus(), email: 'eve@example.com' };
      const pi = fx.ids.pi();
      const ev = fx.event(
        'payment_intent.succeeded',
        fx.paymentIntent({ id: pi, created: T0, amount: 999, currency: 'usd', customer: cus }),
        T0,
      );
      const before = await rowCounts(site.id);
      const refusals: Array<[string, () => Promise<unknown>, number, string]> = [
        ['wrong secret', () => deliver(ev, site.id, 'whsec_someoneelse_0123456789abcdef'), 400, 'invalid_signature'],
        [
          'tampered body',
          () => {
            const { body, signature } = fx.signed(ev, SECRET);
            return service.stripeWebhook(site.id, body.replace('"amount": 999', '"amount": 99900'), signature);
          },
          400,
          'invalid_signature',
        ],
        ['stale timestamp', () => deliver(ev, site.id, SECRET, Math.floor(Date.now() / 1000) - 3600), 400, 'invalid_signature'],
        ['no signature', () => service.stripeWebhook(site.id, JSON.stringify(ev), undefined), 400, 'invalid_signature'],
        ['garbage signature', () => service.stripeWebhook(site.id, JSON.stringify(ev), 't=1,v1=abc'), 400, 'invalid_signature'],
        ['unknown site', () => deliver(ev, '00000000-0000-4000-8000-000000000000'), 404, 'not_found'],
        ['site without a secret', () => deliver(ev, other.id), 400, 'webhook_not_configured'],
      ];
      for (const [what, run, status, code] of refusals) {
        const err = await run().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, what).toBeInstanceOf(TidemarkError);
        expect((err as TidemarkError).status, what).toBe(status);
        expect((err as TidemarkError).code, what).toBe(code);
      }
      expect(await rowCounts(site.id)).toEqual(before);
      expect(await rowCounts(other.id)).toEqual({ facts: 0, raw: 0 });
    });

    it('keeps unused event types in the raw layer and ignores them', async () => {
      const before = await rowCounts(site.id);
      const res = await deliver(fx.event('customer.created', { id: fx.ids.cus(), object: 'customer', email: 'x@example.com' }, T0));
      expect(res).toMatchObject({ received: true, ignored: true });
      expect(await rowCounts(site.id)).toEqual({ facts: before.facts, raw: before.raw + 1 });
    });

    it('one-off payments: each counted once whatever reports them, in any order, retried or not; currencies kept', async () => {
      const plans: Array<{ amount: number; currency: string; withToken: boolean; via: 'checkout' | 'pi_only' }> = [
        { amount: 4900, currency: 'usd', withToken: true, via: 'checkout' },
        { amount: 12_000, currency: 'eur', withToken: true, via: 'checkout' },
        { amount: 3500, currency: 'jpy', withToken: false, via: 'checkout' },
        { amount: 1999, currency: 'usd', withToken: true, via: 'pi_only' },
      ];
      const events: fx.StripeEvent[] = [];
      plans.forEach((p, n) => {
        const cus = { id: fx.ids.cus(), email: `buyer${n}@example.com` };
        const pi = fx.ids.pi();
        const created = T0 + n * 3600;
        const visitor = p.withToken ? `v-oneoff-${n}` : '';
        const aid = visitor ? token(site.id, visitor, created) : null;
        if (p.via === 'checkout')
          events.push(
            fx.event(
              'checkout.session.completed',
              fx.checkoutSession({
                created,
                amount: p.amount,
                currency: p.currency,
                customer: cus,
                payment_intent: pi,
                client_reference_id: aid,
              }),
              created + 5,
            ),
          );
        events.push(
          fx.event(
            'payment_intent.succeeded',
            fx.paymentIntent({
              id: pi,
              created,
              amount: p.amount,
              currency: p.currency,
              customer: cus,
              metadata: aid && p.via === 'pi_only' ? { tidemark_aid: aid } : {},
            }),
            created + 3,
          ),
        );
        expected.push({ key: pi, amount: p.amount, currency: p.currency.toUpperCase(), visitor, kind: 'payment' });
      });
      await deliverShuffled(events);
      expectRows(await counted());
    });

    it('forged, foreign and expired attribution ids attribute nothing', async () => {
      const cases = [
        { name: 'foreign site', aid: token(other.id, 'v-foreign', T0) },
        { name: 'tampered', aid: token(site.id, 'v-tampered', T0).replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
        // Issued long before the checkout it is used in: expired at the session's creation.
        { name: 'expired', aid: issueAttributionId(keys, site.id, { visitor_id: 'v-old', session_id: 's' }, (T0 - 5 * 86400) * 1000) },
      ];
      for (const c of cases) {
        const cus = { id: fx.ids.cus(), email: 'f@example.com' };
        const pi = fx.ids.pi();
        await deliver(
          fx.event(
            'checkout.session.completed',
            fx.checkoutSession({
              created: T0,
              amount: 700,
              currency: 'usd',
              customer: cus,
              payment_intent: pi,
              client_reference_id: c.aid,
            }),
            T0,
          ),
        );
        expected.push({ key: pi, amount: 700, currency: 'USD', visitor: '', kind: 'payment' });
      }
      expectRows(await counted());
    });

    it('subscriptions: checkout, invoices and payment intents count each invoice once; renewals keep the attribution', async () => {
      const cus = { id: fx.ids.cus(), email: 'sub@example.com' };
      const sub = fx.ids.sub();
      const price: fx.PriceSpec = { id: 'price_pro_monthly', product: 'prod_pro', unit_amount: 1500, currency: 'usd', interval: 'month' };
      const aid = token(site.id, 'v-sub', T0);
      const events: fx.StripeEvent[] = [];
      const inv1 = fx.ids.inv();
      const pi1 = fx.ids.pi();
      events.push(
        fx.event(
          'checkout.session.completed',
          fx.checkoutSession({
            created: T0,
            amount: 3000,
            currency: 'usd',
            customer: cus,
            mode: 'subscription',
            invoice: inv1,
            subscription: sub,
            client_reference_id: aid,
          }),
          T0 + 10,
        ),
        fx.event(
          'customer.subscription.created',
          fx.subscription({
            id: sub,
            created: T0 + 2,
            customer: cus,
            status: 'active',
            items: [{ price, quantity: 2 }],
            metadata: { tidemark_aid: aid },
          }),
          T0 + 3,
        ),
        fx.event(
          'invoice.paid',
          fx.invoice({
            id: inv1,
            created: T0 + 2,
            amount: 3000,
            currency: 'usd',
            customer: cus,
            payment_intent: pi1,
            subscription: sub,
            price,
            quantity: 2,
            subscription_metadata: { tidemark_aid: aid },
          }),
          T0 + 6,
        ),
        fx.event(
          'invoice.payment_succeeded',
          fx.invoice({
            id: inv1,
            created: T0 + 2,
            amount: 3000,
            currency: 'usd',
            customer: cus,
            payment_intent: pi1,
            subscription: sub,
            price,
            quantity: 2,
          }),
          T0 + 6,
        ),
        fx.event(
          'payment_intent.succeeded',
          fx.paymentIntent({
            id: pi1,
            created: T0 + 2,
            amount: 3000,
            currency: 'usd',
            customer: cus,
            invoice: inv1,
            description: 'Subscription creation',
          }),
          T0 + 5,
        ),
      );
      expected.push({ key: inv1, amount: 3000, currency: 'USD', visitor: 'v-sub', kind: 'payment' });
      // Renewal a month later, in the newer invoice shape (no payment intent on the invoice); the token in the
      // subscription's metadata has expired by now, the subscription's own link remains. The payment intent's
      // event names no invoice, so the invoice_payment.paid link tells it apart.
      const t2 = T0 + 30 * 86400;
      const inv2 = fx.ids.inv();
      const pi2 = fx.ids.pi();
      events.push(
        fx.event(
          'invoice.paid',
          fx.invoice({
            id: inv2,
            created: t2,
            amount: 3000,
            currency: 'usd',
            customer: cus,
            subscription: sub,
            price,
            quantity: 2,
            subscription_metadata: { tidemark_aid: aid },
            newShape: true,
          }),
          t2 + 4,
        ),
        fx.event(
          'payment_intent.succeeded',
          fx.paymentIntent({ id: pi2, created: t2, amount: 3000, currency: 'usd', customer: cus, description: 'Subscription update' }),
          t2 + 3,
        ),
        fx.event(
          'invoice_payment.paid',
          {
            id: 'inpay_1',
            object: 'invoice_payment',
            invoice: inv2,
            payment: { type: 'payment_intent', payment_intent: pi2 },
            status: 'paid',
          },
          t2 + 4,
        ),
      );
      expected.push({ key: inv2, amount: 3000, currency: 'USD', visitor: 'v-sub', kind: 'payment' });
      expectedMrr += 2 * 1500;
      await deliverShuffled(events);
      expectRows(await counted());
    });

    it('upgrades, downgrades and cancellations arriving out of order converge to the latest state (MRR)', async () => {
      const plans = [
        { unit: 1000, interval: 'month' as const, qty: 1 },
        { unit: 1000, interval: 'month' as const, qty: 3 }, // upgrade
        { unit: 24_000, interval: 'year' as const, qty: 1 }, // to yearly: 2000 a month
        { unit: 700, interval: 'week' as const, qty: 1, percent_off: 25 }, // weekly with a discount
      ];
      const subs: Array<{ id: string; events: fx.StripeEvent[]; final: number }> = [];
      for (let n = 0; n < 3; n++) {
        const cus = { id: fx.ids.cus(), email: `m${n}@example.com` };
        const id = fx.ids.sub();
        const states = plans.slice(0, n + 2);
        const events = states.map((p, k) => {
          const price: fx.PriceSpec = {
            id: `price_${p.interval}_${p.unit}`,
            product: 'prod_x',
            unit_amount: p.unit,
            currency: 'usd',
            interval: p.interval,
          };
          const obj = fx.subscription({
            id,
            created: T0,
            customer: cus,
            status: 'active',
            items: [{ price, quantity: p.qty }],
            percent_off: p.percent_off,
          });
          return fx.event(k === 0 ? 'customer.subscription.created' : 'customer.subscription.updated', obj, T0 + 100 + k * 86400);
        });
        const last = states[states.length - 1]!;
        // Independent: the last plan's monthly amount (weekly × 52 / 12, yearly / 12, net of the discount).
        const perMonth =
          last.interval === 'month'
            ? last.unit * last.qty
            : last.interval === 'year'
              ? (last.unit * last.qty) / 12
              : (last.unit * last.qty * 52) / 12;
        let final = Math.round(perMonth * (1 - (last.percent_off ?? 0) / 100));
        if (n === 2) {
          // The third is cancelled in the end; its deletion arrives first.
          const cancel = fx.subscription({
            id,
            created: T0,
            customer: cus,
            status: 'canceled',
            items: [{ price: { id: 'p', product: 'prod_x', unit_amount: 1, currency: 'usd', interval: 'month' }, quantity: 1 }],
            canceled_at: T0 + 10 * 86400,
          });
          events.unshift(fx.event('customer.subscription.deleted', cancel, T0 + 100 + 10 * 86400));
          final = 0;
        }
        subs.push({ id, events, final });
      }
      for (const s of subs) {
        for (const ev of [...s.events].reverse()) await deliver(ev);
        await deliver(s.events[1]!); // a retry of an older state
      }
      const facts = await service.store.subscriptionFacts(site.id);
      const mine = facts.filter((f) => subs.some((s) => s.id === f.subscription_id));
      const mrr = mrrAt(subscriptionStates(mine), Date.now());
      expect(mrr.USD ?? 0).toBe(subs.reduce((a, s) => a + s.final, 0));
      expectedMrr += subs.reduce((a, s) => a + s.final, 0);
    });

    it('the revenue report shows the MRR and ARR of the active subscriptions', async () => {
      const r = await service.report({ id: site.id, timezone: 'UTC' }, { period: 'last_30_days' });
      expect(Math.round(r.mrr * 100)).toBe(expectedMrr);
      expect(Math.round(r.arr * 100)).toBe(expectedMrr * 12);
      expect(r.mrr_movements.at(-1)?.mrr).toBe(r.mrr);
    });

    it('refunds: negative transactions linked to their payment and its visitor; partial then full, in any order', async () => {
      const cus = { id: fx.ids.cus(), email: 'refund@example.com' };
      const pi = fx.ids.pi();
      const aid = token(site.id, 'v-refund', T0);
      const ch = fx.ids.ch();
      const events = [
        fx.event(
          'checkout.session.completed',
          fx.checkoutSession({ created: T0, amount: 5000, currency: 'usd', customer: cus, payment_intent: pi, client_reference_id: aid }),
          T0 + 2,
        ),
        fx.event(
          'payment_intent.succeeded',
          fx.paymentIntent({ id: pi, created: T0, amount: 5000, currency: 'usd', customer: cus }),
          T0 + 1,
        ),
        fx.event(
          'charge.refunded',
          fx.charge({ id: ch, created: T0, amount: 5000, amount_refunded: 1000, currency: 'usd', customer: cus, payment_intent: pi }),
          T0 + 86400,
        ),
        fx.event(
          'charge.refunded',
          fx.charge({ id: ch, created: T0, amount: 5000, amount_refunded: 5000, currency: 'usd', customer: cus, payment_intent: pi }),
          T0 + 2 * 86400,
        ),
      ];
      // Refunds first: the payment's link reaches them when it arrives.
      for (const ev of [events[3]!, events[2]!, events[0]!, events[1]!, events[3]!]) await deliver(ev);
      expected.push({ key: pi, amount: 5000, currency: 'USD', visitor: 'v-refund', kind: 'payment' });
      expected.push({ key: `rf:${ch}`, amount: -5000, currency: 'USD', visitor: 'v-refund', kind: 'refund', refund_of: pi });
      const rows = await counted();
      expectRows(rows);
      expect(rows.find((r) => r.kind === 'refund')?.refund_of).toBe(pi);
    });

    it('stores e-mails only as keyed hashes with a mask', async () => {
      const rows = await store.query<{ email_hash: string; email_mask: string }>(
        `SELECT email_hash, email_mask FROM transactions WHERE site_id = ? AND email_mask <> ''`,
        [site.id],
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.email_mask).toMatch(/^.\*\*\*@example\.com$/);
        expect(r.email_hash).not.toContain('@');
      }
      const all = JSON.stringify(await store.query('SELECT * FROM revenue_facts WHERE site_id = ?', [site.id]));
      expect(all).not.toContain('buyer0@example.com');
    });
  });
}
