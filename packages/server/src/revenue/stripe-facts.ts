import { z } from 'zod';
import { monthlyMinor, type Interval } from './mrr';

/**
 * What a verified Stripe event says about payments, refunds and subscriptions, as facts (revenue/fold.ts
 * turns the facts of one payment into one transaction, whatever order they came in). Only the fields we
 * use are read, loosely: Stripe adds fields, and older and newer API versions put some elsewhere
 * (an invoice's payment intent and subscription; both shapes are read).
 *
 * Keys: a payment made through an invoice is keyed by the invoice id (`in_…`); any other payment by its
 * payment intent (`pi_…`). An invoice names its payment intent as `alias_key`, so a `payment_intent.succeeded`
 * of the same payment folds into a row marked merged instead of counting twice. A refund is keyed by its
 * charge (`rf:ch_…`; amount_refunded is cumulative, so the largest seen wins).
 */

export type FactKind = 'payment' | 'refund' | 'subscription' | 'identity';

/** Where a payment fact came from, best first when they disagree (the invoice says what was paid). */
export const SOURCE_PRIORITY: Record<string, number> = { invoice: 4, checkout: 3, payment_intent: 2, collect: 1, charge: 0, link: -1 };

export interface FactData {
  source: string;
  amount?: number;
  currency?: string;
  amount_refunded?: number;
  product_id?: string;
  product_name?: string;
  customer_id?: string;
  email_mask?: string;
  /** Subscriptions: status and monthly amount (minor units, net of discounts). */
  status?: string;
  mrr?: number;
  /** Order among subscription events of the same second (created < updated < deleted). */
  rank?: number;
  /** Payments of an invoice: the monthly amount the invoice's recurring lines stand for. */
  mrr_impact?: number;
  transaction_id?: string;
}

export interface Fact {
  fact_id: string;
  kind: FactKind;
  txn_key: string;
  alias_key: string;
  parent_key: string;
  subscription_id: string;
  created: number;
  /** The attribution token found on the object and the time it is checked against (the object's creation). */
  token?: { value: string; at: number };
  email?: string;
  data: FactData;
}

const meta = z.record(z.string(), z.unknown()).nullish();
const id = z.string().max(255);
const idOrObj = z.union([id, z.object({ id }).passthrough()]).nullish();
const idOf = (v: z.infer<typeof idOrObj>): string => (typeof v === 'string' ? v : (v?.id ?? ''));
const money = z.number().int().safe();
const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/)
  .transform((c) => c.toUpperCase());

const recurring = z
  .object({ interval: z.enum(['day', 'week', 'month', 'year']), interval_count: z.number().int().positive().default(1) })
  .nullish();
const price = z
  .object({ id: id.nullish(), product: idOrObj, unit_amount: money.nullish(), recurring, nickname: z.string().nullish() })
  .passthrough();
const coupon = z.object({ percent_off: z.number().nullish(), amount_off: money.nullish(), duration: z.string().nullish() }).passthrough();
const discount = z.object({ coupon: coupon.nullish() }).passthrough();

const checkoutSession = z
  .object({
    id,
    object: z.literal('checkout.session'),
    mode: z.string().nullish(),
    payment_status: z.string().nullish(),
    amount_total: money.nullish(),
    currency: currency.nullish(),
    created: z.number().int(),
    client_reference_id: z.string().max(500).nullish(),
    metadata: meta,
    payment_intent: idOrObj,
    invoice: idOrObj,
    subscription: idOrObj,
    customer: idOrObj,
    customer_details: z
      .object({ email: z.string().max(320).nullish() })
      .passthrough()
      .nullish(),
    customer_email: z.string().max(320).nullish(),
  })
  .passthrough();

const paymentIntent = z
  .object({
    id,
    object: z.literal('payment_intent'),
    amount_received: money.nullish(),
    amount: money,
    currency,
    created: z.number().int(),
    status: z.string().nullish(),
    metadata: meta,
    invoice: idOrObj,
    customer: idOrObj,
    receipt_email: z.string().max(320).nullish(),
    description: z.string().nullish(),
  })
  .passthrough();

const invoiceLine = z
  .object({
    amount: money.nullish(),
    description: z.string().nullish(),
    quantity: z.number().int().nullish(),
    price: price.nullish(),
    pricing: z
      .object({ price_details: z.object({ price: idOrObj, product: idOrObj }).passthrough().nullish() })
      .passthrough()
      .nullish(),
    plan: z.object({ interval: z.string().nullish(), interval_count: z.number().int().nullish() }).passthrough().nullish(),
    period: z.object({ start: z.number().int(), end: z.number().int() }).passthrough().nullish(),
  })
  .passthrough();

const invoice = z
  .object({
    id,
    object: z.literal('invoice'),
    amount_paid: money,
    currency,
    created: z.number().int(),
    customer: idOrObj,
    customer_email: z.string().max(320).nullish(),
    payment_intent: idOrObj,
    subscription: idOrObj,
    subscription_details: z.object({ metadata: meta }).passthrough().nullish(),
    parent: z
      .object({ subscription_details: z.object({ subscription: idOrObj, metadata: meta }).passthrough().nullish() })
      .passthrough()
      .nullish(),
    payments: z
      .object({ data: z.array(z.object({ payment: z.object({ payment_intent: idOrObj }).passthrough().nullish() }).passthrough()) })
      .passthrough()
      .nullish(),
    metadata: meta,
    lines: z
      .object({ data: z.array(invoiceLine).max(1000) })
      .passthrough()
      .nullish(),
    status_transitions: z.object({ paid_at: z.number().int().nullish() }).passthrough().nullish(),
  })
  .passthrough();

const charge = z
  .object({
    id,
    object: z.literal('charge'),
    amount: money,
    amount_refunded: money,
    currency,
    created: z.number().int(),
    payment_intent: idOrObj,
    invoice: idOrObj,
    customer: idOrObj,
    metadata: meta,
    billing_details: z
      .object({ email: z.string().max(320).nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();

const subscriptionItem = z
  .object({ quantity: z.number().int().nonnegative().nullish(), price: price.nullish(), discounts: z.array(z.unknown()).nullish() })
  .passthrough();
const subscription = z
  .object({
    id,
    object: z.literal('subscription'),
    status: z.string(),
    created: z.number().int(),
    start_date: z.number().int().nullish(),
    customer: idOrObj,
    metadata: meta,
    items: z.object({ data: z.array(subscriptionItem).max(500) }).passthrough(),
    discount: discount.nullish(),
    discounts: z.array(z.union([id, discount])).nullish(),
    currency: currency.nullish(),
  })
  .passthrough();

/** The envelope as verified by the stripe package; the object is parsed per type below. */
export const stripeEventSchema = z
  .object({
    id: z.string().min(1).max(255),
    type: z.string().max(100),
    created: z.number().int(),
    data: z.object({ object: z.record(z.string(), z.unknown()) }).passthrough(),
  })
  .passthrough();
export type StripeEventEnvelope = z.infer<typeof stripeEventSchema>;

export const HANDLED_TYPES = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'payment_intent.succeeded',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice_payment.paid',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
]);

const ms = (seconds: number) => seconds * 1000;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
/** The token the site passed to Stripe, where the recipe puts it (docs/revenue.md). */
const tokenIn = (...metas: Array<Record<string, unknown> | null | undefined>) => metas.map((m) => str(m?.tidemark_aid)).find(Boolean) ?? '';

/** Facts of one verified event; [] for an event type we do not use or an object that does not count (unpaid). */
export function factsOf(event: StripeEventEnvelope): Fact[] {
  const obj = event.data.object;
  const base = { fact_id: event.id, alias_key: '', parent_key: '', subscription_id: '', created: ms(event.created) };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const s = checkoutSession.parse(obj);
      if (s.payment_status !== 'paid' && s.payment_status !== 'no_payment_required') return [];
      const inv = idOf(s.invoice);
      const pi = idOf(s.payment_intent);
      const key = inv || pi;
      if (!key || s.amount_total == null || !s.currency) return [];
      const token = str(s.client_reference_id) || tokenIn(s.metadata);
      return [
        // The session id is another name of the payment (a page may report it as its transaction_id).
        { ...base, fact_id: `${event.id}:session`, kind: 'payment', txn_key: key, alias_key: s.id, data: { source: 'link' } },
        {
          ...base,
          kind: 'payment',
          txn_key: key,
          alias_key: inv && pi ? pi : '',
          subscription_id: idOf(s.subscription),
          ...(token ? { token: { value: token, at: ms(s.created) } } : {}),
          email: str(s.customer_details?.email) || str(s.customer_email),
          data: { source: 'checkout', amount: s.amount_total, currency: s.currency, customer_id: idOf(s.customer), transaction_id: key },
        },
      ];
    }
    case 'payment_intent.succeeded': {
      const p = paymentIntent.parse(obj);
      const inv = idOf(p.invoice);
      const token = tokenIn(p.metadata);
      return [
        {
          ...base,
          kind: 'payment',
          txn_key: inv || p.id,
          alias_key: inv ? p.id : '',
          ...(token ? { token: { value: token, at: ms(p.created) } } : {}),
          email: str(p.receipt_email),
          data: {
            source: 'payment_intent',
            amount: p.amount_received ?? p.amount,
            currency: p.currency,
            customer_id: idOf(p.customer),
            product_name: str(p.description),
            transaction_id: inv || p.id,
          },
        },
      ];
    }
    case 'invoice.paid':
    case 'invoice.payment_succeeded': {
      const i = invoice.parse(obj);
      if (i.amount_paid <= 0) return [];
      const subDetails = i.parent?.subscription_details;
      const pi = idOf(i.payment_intent) || idOf(i.payments?.data.map((d) => d.payment?.payment_intent).find((x) => idOf(x)));
      const lines = i.lines?.data ?? [];
      const first = lines[0];
      const token = tokenIn(i.subscription_details?.metadata, subDetails?.metadata, i.metadata);
      let mrrImpact = 0;
      for (const l of lines) {
        const interval = (l.price?.recurring?.interval ?? l.plan?.interval) as Interval | undefined;
        if (interval && ['day', 'week', 'month', 'year'].includes(interval))
          mrrImpact += monthlyMinor(l.amount ?? 0, interval, l.price?.recurring?.interval_count ?? l.plan?.interval_count ?? 1);
      }
      return [
        {
          ...base,
          kind: 'payment',
          txn_key: i.id,
          alias_key: pi,
          subscription_id: idOf(i.subscription) || idOf(subDetails?.subscription),
          ...(token ? { token: { value: token, at: ms(i.created) } } : {}),
          email: str(i.customer_email),
          data: {
            source: 'invoice',
            amount: i.amount_paid,
            currency: i.currency,
            customer_id: idOf(i.customer),
            product_id: str(first?.price?.id) || idOf(first?.pricing?.price_details?.price),
            product_name: str(first?.description) || str(first?.price?.nickname),
            mrr_impact: Math.round(mrrImpact),
            transaction_id: i.id,
          },
        },
      ];
    }
    case 'invoice_payment.paid': {
      // Newer API versions link an invoice and its payment intent only here.
      const o = z
        .object({ invoice: idOrObj, payment: z.object({ payment_intent: idOrObj }).passthrough().nullish() })
        .passthrough()
        .parse(obj);
      const inv = idOf(o.invoice);
      const pi = idOf(o.payment?.payment_intent);
      if (!inv || !pi) return [];
      return [{ ...base, kind: 'payment', txn_key: inv, alias_key: pi, data: { source: 'link' } }];
    }
    case 'charge.refunded': {
      const c = charge.parse(obj);
      const parent = idOf(c.invoice) || idOf(c.payment_intent);
      if (!parent || c.amount_refunded <= 0) return [];
      return [
        {
          ...base,
          kind: 'refund',
          txn_key: `rf:${c.id}`,
          parent_key: parent,
          email: str(c.billing_details?.email),
          data: {
            source: 'charge',
            amount_refunded: c.amount_refunded,
            currency: c.currency,
            customer_id: idOf(c.customer),
            transaction_id: c.id,
          },
        },
      ];
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const s = subscription.parse(obj);
      const token = tokenIn(s.metadata);
      const { mrr, currency: cur } = subscriptionMrr(s);
      const status = event.type === 'customer.subscription.deleted' ? 'canceled' : s.status;
      const rank = event.type.endsWith('created') ? 0 : event.type.endsWith('updated') ? 1 : 2;
      return [
        {
          ...base,
          kind: 'subscription',
          txn_key: s.id,
          subscription_id: s.id,
          ...(token ? { token: { value: token, at: ms(s.start_date ?? s.created) } } : {}),
          data: { source: 'subscription', status, mrr, currency: cur, rank, customer_id: idOf(s.customer) },
        },
      ];
    }
    default:
      return [];
  }
}

/** A subscription's monthly amount from its items, net of its discounts (percent or amount off per period). */
function subscriptionMrr(s: z.infer<typeof subscription>): { mrr: number; currency: string } {
  let total = 0;
  let cur = s.currency ?? '';
  for (const item of s.items.data) {
    const p = item.price;
    if (!p?.recurring || p.unit_amount == null) continue;
    cur ||= '';
    total += monthlyMinor(p.unit_amount * (item.quantity ?? 1), p.recurring.interval, p.recurring.interval_count);
  }
  if (!cur) cur = (s.items.data[0]?.price as { currency?: string } | undefined)?.currency?.toUpperCase() ?? '';
  const discounts = [s.discount, ...(s.discounts ?? [])].filter((d): d is z.infer<typeof discount> => typeof d === 'object' && !!d);
  const firstRecurring = s.items.data.find((i) => i.price?.recurring)?.price?.recurring;
  for (const d of discounts) {
    const c = d.coupon;
    if (!c) continue;
    if (c.percent_off) total *= 1 - Math.min(100, c.percent_off) / 100;
    else if (c.amount_off && firstRecurring) total -= monthlyMinor(c.amount_off, firstRecurring.interval, firstRecurring.interval_count);
  }
  const active = ['active', 'past_due'].includes(s.status);
  return { mrr: active ? Math.max(0, Math.round(total)) : 0, currency: cur.toUpperCase() };
}
