import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertNothingRan,
  browserUnavailable,
  openWatched,
  screenshot,
  startFixtureSite,
  startHarness,
  type FixtureSite,
  type Harness,
  adminSession,
} from './harness';

/**
 * Revenue end to end in a real Chromium: the owner saves the Stripe signing secret on the Revenue page and
 * sends a test event; a visitor arrives on the tracked site from a UTM-tagged link and the page reads
 * tidemark.getAttributionId(); a checkout.session.completed carrying it, signed as Stripe signs, arrives at
 * the webhook; the Revenue page credits the payment to that campaign under the chosen model.
 */
const unavailable = browserUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`Browser suite cannot run in CI: ${unavailable}`);

const OWNER = { email: 'revenue-owner@example.com', password: 'correct horse battery' };
const SECRET = 'whsec_browser_0123456789abcdefABCDEF';
const SLOW = { timeout: 20_000 };

describe.skipIf(!!unavailable)('revenue in the browser', () => {
  let h: Harness;
  let fixture: FixtureSite;

  beforeAll(async () => {
    h = await startHarness({ adminEmail: OWNER.email, adminPassword: OWNER.password });
    fixture = await startFixtureSite();
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await fixture?.close();
  });

  it('a checkout carrying the attribution id of a UTM visit shows under that campaign', async () => {
    const owner = await openWatched(h.browser);
    const { page } = owner;
    // The site is created over the API with the browser's session (the add-site form is covered elsewhere).
    const api = await adminSession(h, owner, OWNER);
    const site = (await api('POST', '/api/sites', { name: 'Shop', domain: fixture.host })) as { id: string };
    const created = { id: site.id, snippet: ((await api('GET', `/api/sites/${site.id}/snippet`)) as { snippet: string }).snippet };

    await assertNothingRan(owner);
    // Setup: the secret is saved through the Revenue page and a test event arrives verified.
    await page.goto(`${h.url}/sites/${created.id}/revenue`);
    const setup = page.getByTestId('revenue-setup');
    await setup.waitFor();
    expect(await page.getByTestId('webhook-url').textContent()).toBe(`${h.url}/api/webhooks/stripe/${created.id}`);
    await page.getByLabel('Signing secret').fill(SECRET);
    await page.getByRole('button', { name: 'Save secret' }).click();
    await expect.poll(() => page.getByTestId('revenue-setup-status').textContent(), SLOW).toContain('saved');
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => page.getByTestId('revenue-setup-status').textContent(), SLOW).toMatch(/arrived and was verified/);

    await assertNothingRan(owner);
    // The visit: a campaign link, the page asks the tracker for its attribution id.
    fixture.setHtml(
      `<!doctype html><html><head><meta charset="utf-8"><title>Pricing</title>${created.snippet}</head><body><h1>Pricing</h1></body></html>`,
    );
    const visitor = await openWatched(h.browser);
    await visitor.page.goto(`${fixture.origin}/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring-sale`);
    const aid = (
      await visitor.page.waitForFunction(
        () => (window as unknown as { tidemark: { getAttributionId(): string | null } }).tidemark.getAttributionId(),
        undefined,
        SLOW,
      )
    ).jsonValue() as Promise<string>;
    const attributionId = await aid;
    expect(attributionId).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(attributionId.length).toBeLessThanOrEqual(200);
    await assertNothingRan(visitor);
    await visitor.context.close();

    // Stripe reports the checkout with the id as client_reference_id.
    const now = Math.floor(Date.now() / 1000);
    const event = {
      id: 'evt_browser_checkout_1',
      object: 'event',
      api_version: '2024-06-20',
      created: now,
      livemode: false,
      pending_webhooks: 1,
      request: { id: 'req_browser_1', idempotency_key: null },
      type: 'checkout.session.completed',
      data: {
        object: {
          id: 'cs_test_browser_1',
          object: 'checkout.session',
          mode: 'payment',
          payment_status: 'paid',
          status: 'complete',
          amount_total: 9900,
          currency: 'usd',
          created: now,
          client_reference_id: attributionId,
          customer: 'cus_browser',
          customer_details: { email: 'buyer@example.com' },
          payment_intent: 'pi_browser_1',
          metadata: {},
        },
      },
    };
    // Each delivery signed as Stripe signs it.
    const deliver = async (e: unknown) => {
      const body = JSON.stringify(e);
      const res = await fetch(`${h.url}/api/webhooks/stripe/${created.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }),
        },
        body,
      });
      expect(res.status).toBe(200);
    };
    await deliver(event);

    await page.goto(`${h.url}/sites/${created.id}/revenue?period=today`);
    const campaigns = page.getByTestId('attribution-campaign');
    await expect.poll(() => campaigns.textContent(), SLOW).toContain('spring-sale');
    expect(await campaigns.textContent()).toContain('$99.00');
    expect(await page.getByTestId('revenue-kpi-revenue').textContent()).toBe('$99.00');
    const txns = (await page.getByTestId('revenue-transactions').textContent()) ?? '';
    expect(txns).toContain('b***@example.com');
    expect(txns).not.toContain('buyer@example.com');
    expect(txns).toContain('newsletter');

    await assertNothingRan(owner);
    // The model picker and the five-model comparison live in the URL.
    await page.getByTestId('attribution-model').selectOption('first_touch');
    await expect.poll(() => new URL(page.url()).searchParams.get('model')).toBe('first_touch');
    await page.getByLabel('Compare models').check();
    await page.getByTestId('model-comparison').waitFor();
    expect(await page.getByTestId('model-comparison').textContent()).toContain('Position based');

    // Revenue by any stats dimension under the chosen model (the stats engine's revenue metrics).
    const by = page.getByTestId('revenue-by');
    await expect.poll(() => by.textContent(), SLOW).toContain('Email');
    await page.getByTestId('revenue-by-dimension').selectOption('campaign');
    await expect.poll(() => new URL(page.url()).searchParams.get('by')).toBe('campaign');
    await expect.poll(() => by.textContent(), SLOW).toContain('spring-sale');
    const row = by.getByRole('row', { name: /spring-sale/ });
    expect(await row.textContent()).toContain('$99.00');
    await screenshot(page, 'revenue-page');

    // The overview's tables carry revenue columns once a row has revenue: the visit's channel has the payment.
    await page.goto(`${h.url}/sites/${created.id}?period=today`);
    const sources = page.getByTestId('card-sources');
    await sources.getByRole('button', { name: 'Show table' }).click();
    await expect.poll(() => sources.locator('th').allTextContents(), SLOW).toEqual(['Channel', 'Visitors', 'Revenue', 'Transactions']);
    expect(await sources.getByRole('row', { name: /Email/ }).textContent()).toContain('$99.00');
    await assertNothingRan(owner);

    // Each transaction links to its payer's profile: the visit that paid, on the People page.
    const report = (await api('GET', `/api/sites/${created.id}/revenue?period=today`)) as {
      transactions: Array<{ visitor_id: string | null; profile_id: string | null }>;
    };
    const paidBy = report.transactions[0]!;
    expect(paidBy.visitor_id).toBeTruthy();
    expect(paidBy.profile_id).toBe(`v${paidBy.visitor_id}`);
    await page.goto(`${h.url}/sites/${created.id}/revenue?period=today`);
    const payer = page.getByTestId('revenue-transactions').getByRole('link', { name: /^Anonymous / });
    await payer.waitFor(SLOW);
    expect(await payer.getAttribute('href')).toBe(`/sites/${created.id}/people/${encodeURIComponent(`v${paidBy.visitor_id}`)}`);
    await payer.click();
    await expect
      .poll(() => new URL(page.url()).pathname)
      .toBe(`/sites/${created.id}/people/${encodeURIComponent(`v${paidBy.visitor_id}`)}`);
    const timeline = page.getByTestId('profile-timeline');
    await expect.poll(() => timeline.textContent(), SLOW).toContain('/pricing');
    expect(await timeline.textContent()).toContain('newsletter');
    await assertNothingRan(owner);

    // A payment in a currency without an exchange rate (this server has none loaded) is named apart, as money.
    const euro = {
      ...event,
      id: 'evt_browser_checkout_2',
      data: {
        object: {
          ...event.data.object,
          id: 'cs_test_browser_2',
          amount_total: 4500,
          currency: 'eur',
          client_reference_id: null,
          payment_intent: 'pi_browser_2',
        },
      },
    };
    await deliver(euro);
    await page.goto(`${h.url}/sites/${created.id}/revenue?period=today`);
    await expect.poll(() => page.getByTestId('revenue-unconverted').textContent(), SLOW).toBe('Not included (no exchange rate): €45.00');
    expect(await page.getByTestId('revenue-kpi-revenue').textContent()).toBe('$99.00');
    // The chart's money tick labels ("$100.00") fit left of the plot, none cut off at the edge.
    const ticks = page.getByRole('region', { name: 'Revenue over time' }).locator('.axis-label[text-anchor="end"]');
    await expect.poll(() => ticks.count(), SLOW).toBeGreaterThan(1);
    const lefts = await ticks.evaluateAll((els) => els.map((e) => ({ text: e.textContent, x: (e as SVGTextElement).getBBox().x })));
    expect(lefts.map((l) => l.text)).toContain('$100.00');
    for (const l of lefts) expect(l.x, l.text ?? '').toBeGreaterThanOrEqual(0);
  }, 120_000);
});
