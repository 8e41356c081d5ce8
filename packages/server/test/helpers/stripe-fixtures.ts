import crypto from 'node:crypto';
import Stripe from 'stripe';

/**
 * Stripe webhook events shaped like the ones Stripe sends (API version 2024-06-20, with the newer
 * invoice shape where noted), signed with the real stripe package as Stripe signs them.
 */

export const API_VERSION = '2024-06-20';
const rid = (prefix: string) => `${prefix}_${crypto.randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
export const ids = {
  evt: () => rid('evt'),
  pi: () => rid('pi'),
  cs: () => rid('cs_test'),
  inv: () => rid('in'),
  sub: () => rid('sub'),
  ch: () => rid('ch'),
  cus: () => rid('cus'),
};

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export function event(type: string, object: Record<string, unknown>, created: number, id = ids.evt()): StripeEvent {
  return {
    id,
    object: 'event',
    api_version: API_VERSION,
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: rid('req'), idempotency_key: crypto.randomUUID() },
    type,
  };
}

/** The body and Stripe-Signature header Stripe would send (timestamp in seconds, default now). */
export function signed(ev: unknown, secret: string, timestamp = Math.floor(Date.now() / 1000)): { body: string; signature: string } {
  const body = JSON.stringify(ev, null, 2);
  return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) };
}

export interface Customer {
  id: string;
  email: string;
}

export function checkoutSession(o: {
  created: number;
  amount: number;
  currency: string;
  customer: Customer;
  mode?: 'payment' | 'subscription';
  payment_intent?: string | null;
  invoice?: string | null;
  subscription?: string | null;
  client_reference_id?: string | null;
  metadata?: Record<string, string>;
}): Record<string, unknown> {
  return {
    id: ids.cs(),
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: o.amount,
    amount_total: o.amount,
    billing_address_collection: null,
    cancel_url: 'https://shop.example.com/cancel',
    client_reference_id: o.client_reference_id ?? null,
    created: o.created,
    currency: o.currency.toLowerCase(),
    customer: o.customer.id,
    customer_creation: 'if_required',
    customer_details: { address: null, email: o.customer.email, name: 'Jenny Rosen', phone: null, tax_exempt: 'none', tax_ids: [] },
    customer_email: null,
    expires_at: o.created + 86400,
    invoice: o.invoice ?? null,
    livemode: false,
    locale: null,
    metadata: o.metadata ?? {},
    mode: o.mode ?? 'payment',
    payment_intent: o.payment_intent ?? null,
    payment_link: null,
    payment_method_types: ['card'],
    payment_status: 'paid',
    status: 'complete',
    subscription: o.subscription ?? null,
    success_url: 'https://shop.example.com/thanks',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    url: null,
  };
}

export function paymentIntent(o: {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: Customer;
  invoice?: string | null;
  metadata?: Record<string, string>;
  description?: string | null;
}): Record<string, unknown> {
  return {
    id: o.id,
    object: 'payment_intent',
    amount: o.amount,
    amount_capturable: 0,
    amount_received: o.amount,
    capture_method: 'automatic',
    client_secret: `${o.id}_secret_${crypto.randomBytes(8).toString('hex')}`,
    confirmation_method: 'automatic',
    created: o.created,
    currency: o.currency.toLowerCase(),
    customer: o.customer.id,
    description: o.description ?? null,
    invoice: o.invoice ?? null,
    latest_charge: ids.ch(),
    livemode: false,
    metadata: o.metadata ?? {},
    payment_method: rid('pm'),
    payment_method_types: ['card'],
    receipt_email: null,
    status: 'succeeded',
  };
}

export interface PriceSpec {
  id: string;
  product: string;
  unit_amount: number;
  currency: string;
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count?: number;
}

const priceObject = (p: PriceSpec) => ({
  id: p.id,
  object: 'price',
  active: true,
  billing_scheme: 'per_unit',
  currency: p.currency.toLowerCase(),
  nickname: null,
  product: p.product,
  recurring: { aggregate_usage: null, interval: p.interval, interval_count: p.interval_count ?? 1, usage_type: 'licensed' },
  type: 'recurring',
  unit_amount: p.unit_amount,
});

export function invoice(o: {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: Customer;
  payment_intent?: string | null;
  subscription?: string | null;
  price?: PriceSpec;
  quantity?: number;
  subscription_metadata?: Record<string, string>;
  /** Newer API versions: no payment_intent/subscription fields, parent.subscription_details instead. */
  newShape?: boolean;
}): Record<string, unknown> {
  const line = {
    id: rid('il'),
    object: 'line_item',
    amount: o.amount,
    currency: o.currency.toLowerCase(),
    description: o.price ? `${o.quantity ?? 1} × Pro plan` : 'One-off',
    period: { start: o.created, end: o.created + 30 * 86400 },
    quantity: o.quantity ?? 1,
    ...(o.newShape
      ? { pricing: { type: 'price_details', price_details: { price: o.price?.id ?? null, product: o.price?.product ?? null } } }
      : {
          price: o.price ? priceObject(o.price) : null,
          plan: o.price ? { interval: o.price.interval, interval_count: o.price.interval_count ?? 1 } : null,
        }),
  };
  const common = {
    id: o.id,
    object: 'invoice',
    amount_due: o.amount,
    amount_paid: o.amount,
    amount_remaining: 0,
    billing_reason: o.subscription ? 'subscription_cycle' : 'manual',
    collection_method: 'charge_automatically',
    created: o.created,
    currency: o.currency.toLowerCase(),
    customer: o.customer.id,
    customer_email: o.customer.email,
    lines: { object: 'list', data: [line], has_more: false, total_count: 1, url: `/v1/invoices/${o.id}/lines` },
    livemode: false,
    metadata: {},
    paid: true,
    status: 'paid',
    status_transitions: { finalized_at: o.created, paid_at: o.created + 2, voided_at: null },
    total: o.amount,
  };
  if (o.newShape)
    return {
      ...common,
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { metadata: o.subscription_metadata ?? {}, subscription: o.subscription ?? null },
      },
    };
  return {
    ...common,
    charge: ids.ch(),
    payment_intent: o.payment_intent ?? null,
    subscription: o.subscription ?? null,
    subscription_details: { metadata: o.subscription_metadata ?? {} },
  };
}

export function charge(o: {
  created: number;
  amount: number;
  amount_refunded: number;
  currency: string;
  customer: Customer;
  payment_intent: string;
  invoice?: string | null;
  id?: string;
}): Record<string, unknown> {
  return {
    id: o.id ?? ids.ch(),
    object: 'charge',
    amount: o.amount,
    amount_captured: o.amount,
    amount_refunded: o.amount_refunded,
    billing_details: { address: null, email: o.customer.email, name: 'Jenny Rosen', phone: null },
    captured: true,
    created: o.created,
    currency: o.currency.toLowerCase(),
    customer: o.customer.id,
    invoice: o.invoice ?? null,
    livemode: false,
    metadata: {},
    paid: true,
    payment_intent: o.payment_intent,
    refunded: o.amount_refunded >= o.amount,
    refunds: { object: 'list', data: [], has_more: false, total_count: 1, url: '/v1/charges/x/refunds' },
    status: 'succeeded',
  };
}

export function subscription(o: {
  id: string;
  created: number;
  customer: Customer;
  status: string;
  items: Array<{ price: PriceSpec; quantity: number }>;
  metadata?: Record<string, string>;
  percent_off?: number;
  canceled_at?: number | null;
}): Record<string, unknown> {
  return {
    id: o.id,
    object: 'subscription',
    billing_cycle_anchor: o.created,
    cancel_at_period_end: false,
    canceled_at: o.canceled_at ?? null,
    collection_method: 'charge_automatically',
    created: o.created,
    currency: o.items[0]?.price.currency.toLowerCase() ?? 'usd',
    customer: o.customer.id,
    discount: o.percent_off
      ? {
          id: rid('di'),
          object: 'discount',
          coupon: { id: 'LAUNCH', object: 'coupon', percent_off: o.percent_off, amount_off: null, duration: 'forever' },
        }
      : null,
    discounts: [],
    items: {
      object: 'list',
      data: o.items.map((i) => ({ id: rid('si'), object: 'subscription_item', price: priceObject(i.price), quantity: i.quantity })),
      has_more: false,
      total_count: o.items.length,
      url: `/v1/subscription_items?subscription=${o.id}`,
    },
    livemode: false,
    metadata: o.metadata ?? {},
    start_date: o.created,
    status: o.status,
  };
}
