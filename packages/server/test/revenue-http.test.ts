import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollectServer, type CollectServer } from './helpers/collect';
import { signUp } from './helpers/accounts';
import * as fx from './helpers/stripe-fixtures';

// End to end over HTTP on the embedded server: the signing secret set through PATCH /api/sites/{id}
// (sealed, never shown), the webhook route's answers, tracker and server-side revenue deduplicated with
// Stripe's by transaction id, attribution ids from the collector's answer, and the e-mail fallback.

const SECRET = 'whsec_http_0123456789abcdefABCDEF';
let s: CollectServer;

beforeAll(async () => {
  s = await startCollectServer();
  await s.ctx.revenue.updateSettings(s.site.id, { stripe_webhook_secret: SECRET });
}, 60_000);
afterAll(() => s?.cleanup());

const post = (siteId: string, ev: unknown, secret = SECRET, headers: Record<string, string> = {}) => {
  const { body, signature } = fx.signed(ev, secret);
  return s.request('POST', `/api/webhooks/stripe/${siteId}`, body, {
    'content-type': 'application/json; charset=utf-8',
    'stripe-signature': signature,
    ...headers,
  });
};
const counted = (siteId: string) =>
  s.ctx.events.query<{
    txn_key: string;
    amount: number;
    currency: string;
    visitor_id: string;
    session_id: string;
    source: string;
    link: string;
  }>(
    `SELECT txn_key, amount, currency, visitor_id, session_id, source, link FROM transactions WHERE site_id = ? AND status = 'counted' ORDER BY ts, txn_key`,
    [siteId],
  );
const pageView = (url: string, extra: Record<string, unknown> = {}) => ({
  site_id: s.site.tracking_id,
  events: [{ event_id: crypto.randomUUID(), name: 'page_view', properties: { url }, ...extra }],
});

describe('revenue settings over HTTP', () => {
  it('PATCH sets the secret sealed; GET and PATCH show only stripe_webhook_configured; bad values are 400', async () => {
    const { client } = await signUp(s.url, 'owner@revenue.example');
    const site = (await client.post('/api/sites', { name: 'Shop', domain: 'shop.example' })).body;
    expect((await client.get(`/api/sites/${site.id}`)).body).toMatchObject({ stripe_webhook_configured: false, currency: 'USD' });
    const patched = await client.patch(`/api/sites/${site.id}`, { stripe_webhook_secret: SECRET, currency: 'eur', name: 'Shop 2' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Shop 2', stripe_webhook_configured: true, currency: 'EUR' });
    const got = await client.get(`/api/sites/${site.id}`);
    expect(got.text).not.toContain(SECRET);
    expect(got.text).not.toContain('stripe_secret_sealed');
    expect(patched.text).not.toContain(SECRET);
    const bad = await client.patch(`/api/sites/${site.id}`, { stripe_webhook_secret: 'sk_live_nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: { code: 'validation_error' } });
    expect((await client.patch(`/api/sites/${site.id}`, { currency: 'EURO' })).status).toBe(400);
    // Removing the secret: deliveries are refused again.
    expect((await client.patch(`/api/sites/${site.id}`, { stripe_webhook_secret: null })).body.stripe_webhook_configured).toBe(false);
  });
});

describe('POST /api/webhooks/stripe/{site_id}', () => {
  const cus = { id: fx.ids.cus(), email: 'http@example.com' };
  const ev = () =>
    fx.event(
      'payment_intent.succeeded',
      fx.paymentIntent({ id: fx.ids.pi(), created: Math.floor(Date.now() / 1000), amount: 2500, currency: 'usd', customer: cus }),
      Math.floor(Date.now() / 1000),
    );

  it('answers 200 for a verified event, 400/404 with the error body otherwise, storing nothing then', async () => {
    const before = (await counted(s.site.id)).length;
    const bad = await post(s.site.id, ev(), 'whsec_wrong_0123456789abcdef');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: { code: 'invalid_signature' } });
    const unknown = await post(crypto.randomUUID(), ev());
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ success: false, error: { code: 'not_found' } });
    const notConfigured = await post(s.otherSite.id, ev());
    expect(notConfigured.status).toBe(400);
    expect(notConfigured.body.error.code).toBe('webhook_not_configured');
    const missing = await s.request('POST', `/api/webhooks/stripe/${s.site.id}`, JSON.stringify(ev()), {
      'content-type': 'application/json',
    });
    expect(missing.status).toBe(400);
    expect((await counted(s.site.id)).length).toBe(before);
    const ok = await post(s.site.id, ev());
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, received: true });
    expect((await counted(s.site.id)).length).toBe(before + 1);
    const ignored = await post(s.site.id, fx.event('customer.updated', { id: cus.id, object: 'customer' }, Math.floor(Date.now() / 1000)));
    expect(ignored.status).toBe(200);
    expect(ignored.body).toMatchObject({ received: true, ignored: true });
  });
});

describe('tracker and server-side revenue, attribution ids', () => {
  it('the collector answers with an attribution id; a checkout carrying it is credited to that visit', async () => {
    const res = await s.collect(pageView('https://www.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring'));
    expect(res.status).toBe(202);
    const aid = res.body.aid as string;
    expect(aid.length).toBeLessThanOrEqual(200);
    const [visit] = await s.events(s.site, "AND name = 'page_view' AND utm_campaign = 'spring'");
    const now = Math.floor(Date.now() / 1000);
    const pi = fx.ids.pi();
    const r = await post(
      s.site.id,
      fx.event(
        'checkout.session.completed',
        fx.checkoutSession({
          created: now,
          amount: 9900,
          currency: 'usd',
          customer: { id: fx.ids.cus(), email: 'a@example.com' },
          payment_intent: pi,
          client_reference_id: aid,
        }),
        now,
      ),
    );
    expect(r.status).toBe(200);
    const row = (await counted(s.site.id)).find((t) => t.txn_key === pi);
    expect(row).toMatchObject({ amount: 9900, visitor_id: visit!.visitor_id, session_id: visit!.session_id, link: 'token' });
  });

  it('a tracker revenue event and the Stripe payment with its transaction id count once', async () => {
    const pi = fx.ids.pi();
    const res = await s.collect({
      site_id: s.site.tracking_id,
      events: [
        { event_id: crypto.randomUUID(), name: 'page_view', properties: { url: 'https://www.example.com/thanks' } },
        {
          event_id: crypto.randomUUID(),
          name: 'revenue',
          properties: { url: 'https://www.example.com/thanks', amount: 49.5, currency: 'EUR', product: 'Pro', transaction_id: pi },
        },
      ],
    });
    expect(res.status).toBe(202);
    const [rev] = await s.events(s.site, "AND name = 'revenue' AND json_extract_string(props, '$.transaction_id') = ?", [pi]);
    let row = (await counted(s.site.id)).find((t) => t.txn_key === pi);
    expect(row).toMatchObject({ amount: 4950, currency: 'EUR', source: 'collect', visitor_id: rev!.visitor_id });
    const now = Math.floor(Date.now() / 1000);
    await post(
      s.site.id,
      fx.event(
        'payment_intent.succeeded',
        fx.paymentIntent({ id: pi, created: now, amount: 4950, currency: 'eur', customer: { id: fx.ids.cus(), email: 'b@example.com' } }),
        now,
      ),
    );
    const rows = (await counted(s.site.id)).filter((t) => t.txn_key === pi);
    expect(rows).toHaveLength(1);
    row = rows[0];
    expect(row).toMatchObject({ amount: 4950, source: 'stripe', visitor_id: rev!.visitor_id, link: 'tracker' });
  });

  it('server-side revenue on /api/v1/collect becomes a transaction (JPY has no minor unit)', async () => {
    const tx = `order-${crypto.randomUUID()}`;
    const res = await s.request(
      'POST',
      '/api/v1/collect',
      {
        events: [
          {
            event_type: 'revenue',
            user_id: 'server-visitor-1',
            session_id: 'srv-s1',
            properties: { url: 'https://example.com/checkout', revenue_amount: 3000, revenue_currency: 'JPY', transaction_id: tx },
          },
        ],
      },
      { 'content-type': 'application/json', 'x-api-key': s.keys.write },
    );
    expect(res.status).toBe(200);
    const row = (await counted(s.site.id)).find((t) => t.txn_key === tx);
    expect(row).toMatchObject({ amount: 3000, currency: 'JPY', source: 'collect', visitor_id: 'server-visitor-1' });
  });

  it('without an id, the customer e-mail finds the visitor identified with it; otherwise unattributed', async () => {
    const res = await s.collect({
      site_id: s.site.tracking_id,
      events: [
        {
          event_id: crypto.randomUUID(),
          name: 'identify',
          properties: { url: 'https://www.example.com/account', user_id: 'u-42', email: 'Known@Example.com' },
        },
      ],
    });
    expect(res.status).toBe(202);
    const [ident] = await s.events(s.site, "AND name = 'identify' AND user_id = 'u-42'");
    const now = Math.floor(Date.now() / 1000);
    const known = fx.ids.pi();
    const stranger = fx.ids.pi();
    for (const [pi, email] of [
      [known, 'known@example.com'],
      [stranger, 'nobody@example.com'],
    ] as const)
      await post(
        s.site.id,
        fx.event(
          'checkout.session.completed',
          fx.checkoutSession({ created: now, amount: 1200, currency: 'usd', customer: { id: fx.ids.cus(), email }, payment_intent: pi }),
          now,
        ),
      );
    const rows = await counted(s.site.id);
    expect(rows.find((t) => t.txn_key === known)).toMatchObject({ visitor_id: ident!.visitor_id, link: 'email' });
    expect(rows.find((t) => t.txn_key === stranger)).toMatchObject({ visitor_id: '', link: '' });
  });
});

describe('GET /api/sites/{id}/revenue and /v1/sites/{id}/revenue', () => {
  it('answers the report to the dashboard and to an API key of the site; other sites and bad parameters are refused', async () => {
    const res = await s.request('GET', `/v1/sites/${s.site.id}/revenue?period=last_7_days&compare_models=true`, undefined, {
      authorization: `Bearer ${s.keys.read}`,
    });
    expect(res.status).toBe(200);
    const rows = await counted(s.site.id);
    const usd = rows.filter((r) => r.currency === 'USD').reduce((a, r) => a + Number(r.amount), 0);
    // No rates loaded: USD (the reporting currency) is summed, the rest is reported apart.
    expect(Math.round(res.body.total_revenue * 100)).toBe(usd);
    expect(Object.keys(res.body.unconverted).sort()).toEqual(['EUR', 'JPY']);
    expect(res.body.transactions.length).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).not.toMatch(/[a-z]+@example\.com/);
    expect(Object.keys(res.body.models).sort()).toEqual(['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay']);
    // The checkout that carried the attribution id of the visit from the spring campaign is credited to it.
    expect(res.body.transactions.find((t: { amount: number }) => t.amount === 99)).toMatchObject({
      attributed_campaign: 'spring',
      attributed_source: 'newsletter',
    });
    expect(res.body.by_campaign.find((r: { campaign: string }) => r.campaign === 'spring')?.revenue).toBeGreaterThanOrEqual(99);
    expect(
      (await s.request('GET', `/v1/sites/${s.otherSite.id}/revenue`, undefined, { authorization: `Bearer ${s.keys.read}` })).status,
    ).toBe(404);
    const bad = await s.request('GET', `/v1/sites/${s.site.id}/revenue?attribution_model=w_shaped`, undefined, {
      authorization: `Bearer ${s.keys.read}`,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
    expect((await s.request('GET', `/api/sites/${s.site.id}/revenue`)).status).toBe(401);
  });
});

describe('revenue metrics in the stats Query over HTTP', () => {
  it('POST /v1/query and the dashboard stats answer revenue by campaign under a model; OpenAPI lists them', async () => {
    const rows = await counted(s.site.id);
    const usd = rows.filter((r) => r.currency === 'USD').reduce((a, r) => a + Number(r.amount), 0);
    const query = (body: unknown) =>
      s.request('POST', '/v1/query', JSON.stringify(body), { authorization: `Bearer ${s.keys.read}`, 'content-type': 'application/json' });
    const total = await query({ site_id: s.site.id, date_range: 'last_7_days', metrics: ['total_revenue', 'transactions'] });
    expect(total.status).toBe(200);
    // No rates loaded: only USD (the reporting currency) is credited.
    expect(Math.round(total.body.rows[0].total_revenue * 100)).toBe(usd);
    const byCampaign = await query({
      site_id: s.site.id,
      date_range: 'last_7_days',
      metrics: ['total_revenue', 'transactions', 'paying_visitors'],
      dimensions: ['campaign'],
      attribution_model: 'first_touch',
    });
    expect(byCampaign.status).toBe(200);
    const spring = byCampaign.body.rows.find((r: { campaign: string }) => r.campaign === 'spring');
    expect(spring.total_revenue).toBeGreaterThanOrEqual(99);
    expect(Math.round(byCampaign.body.rows.reduce((a: number, r: { total_revenue: number }) => a + r.total_revenue, 0) * 100)).toBe(usd);
    const bad = await query({ site_id: s.site.id, date_range: 'last_7_days', metrics: ['total_revenue'], attribution_model: 'w_shaped' });
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
    const dash = await s.request(
      'GET',
      `/api/sites/${s.site.id}/stats?period=last_7_days&metrics=total_revenue&dimensions=source&attribution_model=linear`,
    );
    expect(dash.status).toBe(401); // the dashboard endpoint needs a session; the key-less request is refused
    const doc = (await s.request('GET', '/v1/openapi.json')).body;
    const text = JSON.stringify(doc);
    expect(text).toContain('total_revenue');
    expect(text).toContain('average_order_value');
    expect(text).toContain('attribution_model');
  });
});
