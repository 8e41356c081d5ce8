import crypto from 'node:crypto';
import Stripe from 'stripe';
import { z } from 'zod';
import { badRequest, notFound, parseInput, revenueParamsSchema } from '@tidemark/core';
import { resolvePeriod, type DateRange } from '../stats';
import { revenueReport, type RevenueReport, type Traffic } from './report';
import { parseRates, RateTable } from './rates';
import type { EventStore, SideRow, WriteBatch } from '../store';
import type { ExchangeRate, MetaStore, SiteRecord } from '../meta';
import type { ServerKeys } from '../secrets';
import { factsOf, HANDLED_TYPES, stripeEventSchema, type Fact } from './stripe-facts';
import { issueAttributionId, verifyAttributionId } from './attribution-token';
import type { CollectedUserLink, RevenueRefs } from '../ingest';
import { RevenueStore } from './store';
import { CreditWatch } from './credits';
import { CreditAggregates } from './credit-aggregates';
import { recordUserLinks } from './user-links';

const SECRET_PURPOSE = 'stripe-webhook-secret';
/** Stripe's own default: a signature older than five minutes is a replay. */
export const WEBHOOK_TOLERANCE_S = 300;
export const STRIPE_CONTRACT = 'stripe.webhook';

export interface RevenueDeps {
  events: EventStore;
  meta: MetaStore;
  keys: ServerKeys;
  /** Where the raw request goes (the raw layer), like any collected request. */
  writer: { submit(batch: WriteBatch): Promise<unknown> };
  /** Visitors and sessions of a period from the stats engine (its rollups); default: counted from events. */
  traffic?: (site: Pick<SiteRecord, 'id' | 'timezone'>, range: DateRange) => Promise<Traffic>;
}

export const revenueSettingsSchema = z.object({
  stripe_webhook_secret: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9_+/=-]{8,200}$/, 'must be a Stripe signing secret (whsec_…)')
    .nullable()
    .optional(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 currency code such as EUR')
    .transform((c) => c.toUpperCase())
    .optional(),
});
export type RevenueSettingsPatch = z.infer<typeof revenueSettingsSchema>;

/** A customer's e-mail as shown: first character and domain (j***@example.com). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***@${email.slice(at + 1)}`;
}

/**
 * Revenue (docs/revenue.md): Stripe webhooks verified against each site's signing secret, facts folded
 * into transactions (revenue/fold.ts), the site's revenue settings.
 */
export class RevenueService {
  readonly store: RevenueStore;
  private readonly credits: CreditWatch;
  private readonly aggregates: CreditAggregates;

  constructor(private readonly deps: RevenueDeps) {
    this.store = new RevenueStore(deps.events);
    this.credits = new CreditWatch(deps.events);
    this.aggregates = new CreditAggregates(deps.events);
  }

  /** The site's revenue settings as shown: never the secret, only whether one is set. */
  async settingsView(siteId: string): Promise<{ stripe_webhook_configured: boolean; currency: string }> {
    const s = await this.deps.meta.siteRevenue.get(siteId);
    return { stripe_webhook_configured: !!s.stripe_secret_sealed, currency: s.currency };
  }

  async updateSettings(siteId: string, patch: RevenueSettingsPatch): Promise<void> {
    if (patch.stripe_webhook_secret === undefined && patch.currency === undefined) return;
    await this.deps.meta.siteRevenue.set(siteId, {
      ...(patch.stripe_webhook_secret !== undefined
        ? {
            stripe_secret_sealed:
              patch.stripe_webhook_secret === null ? null : this.deps.keys.seal(SECRET_PURPOSE, patch.stripe_webhook_secret),
          }
        : {}),
      ...(patch.currency ? { currency: patch.currency } : {}),
    });
  }

  /**
   * One webhook delivery: verified with the stripe package on the raw body, kept in the raw layer, turned
   * into facts. Anything wrong with it is refused (4xx) before anything is stored.
   */
  async stripeWebhook(
    siteId: string,
    body: string,
    signature: string | undefined,
    receivedAt = Date.now(),
  ): Promise<Record<string, unknown>> {
    const site = await this.siteOf(siteId);
    const sealed = (await this.deps.meta.siteRevenue.get(site.id)).stripe_secret_sealed;
    const secret = sealed ? this.deps.keys.open(SECRET_PURPOSE, sealed) : null;
    if (!secret)
      throw badRequest('webhook_not_configured', 'This site has no Stripe signing secret (PATCH /api/sites/{id} stripe_webhook_secret)');
    if (!signature) throw badRequest('invalid_signature', 'Missing Stripe-Signature header');
    let verified: unknown;
    try {
      verified = Stripe.webhooks.constructEvent(body, signature, secret, WEBHOOK_TOLERANCE_S, undefined, receivedAt);
    } catch (err) {
      throw badRequest(
        'invalid_signature',
        `Stripe signature verification failed: ${err instanceof Error ? err.message.split('\n')[0] : 'invalid'}`,
      );
    }
    const parsed = stripeEventSchema.safeParse(verified);
    if (!parsed.success) throw badRequest('invalid_event', 'The payload is not a Stripe event');
    const event = parsed.data;
    let facts: Fact[] = [];
    if (HANDLED_TYPES.has(event.type)) {
      try {
        facts = factsOf(event);
      } catch (err) {
        if (err instanceof z.ZodError)
          throw badRequest('invalid_event', `Unexpected ${event.type} object: ${err.issues[0]?.path.join('.')}`);
        throw err;
      }
    }
    await this.deps.writer.submit({
      events: [],
      raw: [{ id: crypto.randomUUID(), site_id: site.id, received_at: receivedAt, contract: STRIPE_CONTRACT, body }],
      quarantine: [],
      drops: [],
    });
    if (!HANDLED_TYPES.has(event.type)) return { received: true, ignored: true, type: event.type };
    // The setup screen's sample event proves the path end to end without counting as revenue.
    if (isTestEvent(event.data.object)) return { received: true, test: true, type: event.type };
    const rows = facts.map((f) => this.factRow(site.id, f, receivedAt));
    await this.store.record(site.id, rows);
    return { received: true, type: event.type, facts: rows.length };
  }

  /**
   * The setup screen's "send test event": a sample checkout.session.completed signed here with the site's
   * stored secret by the stripe package and handed to the webhook path; says whether it arrived verified.
   */
  async sendTestEvent(siteId: string): Promise<{ arrived: boolean; event_id: string; error?: string }> {
    const sealed = (await this.deps.meta.siteRevenue.get(siteId)).stripe_secret_sealed;
    const secret = sealed ? this.deps.keys.open(SECRET_PURPOSE, sealed) : null;
    if (!secret) throw badRequest('webhook_not_configured', 'Save the Stripe signing secret first');
    const now = Math.floor(Date.now() / 1000);
    const id = `evt_test_${crypto.randomBytes(12).toString('hex')}`;
    const body = JSON.stringify({
      id,
      object: 'event',
      api_version: '2024-06-20',
      created: now,
      livemode: false,
      type: 'checkout.session.completed',
      data: {
        object: {
          id: `cs_test_${crypto.randomBytes(12).toString('hex')}`,
          object: 'checkout.session',
          mode: 'payment',
          payment_status: 'paid',
          amount_total: 100,
          currency: (await this.deps.meta.siteRevenue.get(siteId)).currency.toLowerCase(),
          created: now,
          payment_intent: `pi_test_${crypto.randomBytes(12).toString('hex')}`,
          metadata: { tidemark_test: 'true' },
        },
      },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    try {
      await this.stripeWebhook(siteId, body, signature);
      return { arrived: true, event_id: id };
    } catch (err) {
      return { arrived: false, event_id: id, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** A fact as stored: the token resolved to its visitor (or nothing), the e-mail as a keyed hash and a mask. */
  factRow(siteId: string, f: Fact, receivedAt: number): SideRow {
    const ref = f.token ? verifyAttributionId(this.deps.keys, siteId, f.token.value, f.token.at) : null;
    const email = f.email?.trim().toLowerCase() ?? '';
    return {
      site_id: siteId,
      fact_id: f.fact_id,
      kind: f.kind,
      txn_key: f.txn_key,
      alias_key: f.alias_key,
      parent_key: f.parent_key,
      subscription_id: f.subscription_id,
      created: f.created,
      received_at: receivedAt,
      visitor_id: ref?.visitor_id ?? '',
      session_id: ref?.session_id ?? '',
      email_hash: email ? this.emailHash(email) : '',
      data: JSON.stringify({ ...f.data, ...(email ? { email_mask: maskEmail(email) } : {}) }),
      version: receivedAt,
    };
  }

  /**
   * Revenue and identified e-mails among events the collector stored: a revenue event becomes a payment
   * keyed by its transaction_id (so a Stripe payment reported under that id counts once), else by its
   * event id; an identify with an e-mail lets payments by that customer find the visitor.
   */
  async collected(siteId: string, refs: RevenueRefs | undefined): Promise<void> {
    const rows: SideRow[] = [];
    for (const r of refs?.revenue ?? []) {
      const minor = toMinor(r.amount, r.currency);
      if (minor === null || minor <= 0) continue;
      const key = r.transaction_id || `ev:${r.event_id}`;
      rows.push({
        site_id: siteId,
        fact_id: `ev:${r.event_id}`,
        kind: 'payment',
        txn_key: key,
        created: r.ts,
        received_at: Date.now(),
        visitor_id: r.visitor_id,
        session_id: r.session_id,
        data: JSON.stringify({
          source: 'collect',
          amount: minor,
          currency: r.currency.toUpperCase(),
          product_name: r.product,
          transaction_id: key,
        }),
        version: Date.now(),
      });
    }
    const identities: SideRow[] = [];
    for (const i of refs?.identities ?? []) {
      const hash = this.emailHash(i.email);
      identities.push({
        site_id: siteId,
        fact_id: `id:${hash}:${i.visitor_id}`,
        kind: 'identity',
        txn_key: `email:${hash}`,
        created: i.ts,
        received_at: Date.now(),
        visitor_id: i.visitor_id,
        session_id: i.session_id,
        email_hash: hash,
        data: JSON.stringify({ source: 'identify' }),
        version: Date.now(),
      });
    }
    rows.push(...(await this.newIdentities(siteId, identities)));
    if (rows.length) await this.store.record(siteId, rows);
    await this.linkUsers(siteId, refs?.users ?? []);
  }

  /**
   * The e-mail identities not known yet, or known from a later identify (an earlier one arrived late): the
   * same identify again changes nothing, so the payment it links keeps its version and its credits.
   */
  private async newIdentities(siteId: string, rows: SideRow[]): Promise<SideRow[]> {
    if (!rows.length) return rows;
    const known = await this.deps.events.query<{ fact_id: string; created: number }>(
      `SELECT fact_id, created FROM revenue_facts WHERE site_id = ? AND fact_id IN (${rows.map(() => '?').join(', ')})`,
      [siteId, ...rows.map((r) => r.fact_id)],
    );
    const since = new Map(known.map((k) => [String(k.fact_id), Number(k.created)]));
    const first = new Map<string, SideRow>();
    for (const r of rows) {
      const id = String(r.fact_id);
      const was = since.get(id);
      if ((was === undefined || Number(r.created) < was) && Number(r.created) < Number(first.get(id)?.created ?? Number.POSITIVE_INFINITY))
        first.set(id, r);
    }
    return [...first.values()];
  }

  /** Visitor ids and user ids seen together here already (recordUserLinks found or kept them). */
  private readonly seenLinks = new Set<string>();

  /**
   * Visitor ids identified as users (revenue/user-links.ts): a link seen for the first time makes the
   * payments of that user's visitor ids be credited again, over all their sessions. Links this process
   * has already handled are skipped without a read.
   */
  private async linkUsers(siteId: string, users: readonly CollectedUserLink[]): Promise<void> {
    const seen = (u: CollectedUserLink) => `${siteId}\u0000${u.visitor_id}\u0000${u.user_id}`;
    const links = users
      .filter((u) => u.visitor_id && u.user_id && !this.seenLinks.has(seen(u)))
      .map((u) => ({ ...u, user_hash: this.deps.keys.hmac('user-id', u.user_id) }));
    if (!links.length) return;
    await this.store.exclusive(siteId, () => recordUserLinks(this.deps.events, siteId, links, Date.now()));
    if (this.seenLinks.size > 100_000) this.seenLinks.clear();
    for (const u of links) this.seenLinks.add(seen(u));
  }

  /** The attribution id for the last visitor and session of a collect request (returned in its answer). */
  attributionId(siteId: string, refs: RevenueRefs | undefined): string | undefined {
    return refs?.last ? issueAttributionId(this.deps.keys, siteId, refs.last) : undefined;
  }

  /** GET /api/sites/{id}/revenue: the report of a period in the site's time zone (revenue/report.ts). */
  async report(site: Pick<SiteRecord, 'id' | 'timezone'>, query: unknown, now = Date.now()): Promise<RevenueReport> {
    const p = parseInput(revenueParamsSchema, query ?? {});
    if (p.period === 'custom' && (!p.start_date || !p.end_date))
      throw badRequest('invalid_date_range', 'period=custom needs start_date and end_date');
    const range = resolvePeriod(p.period === 'custom' ? { start: p.start_date!, end: p.end_date! } : p.period, site.timezone, now);
    const [settings, rates] = await Promise.all([
      this.deps.meta.siteRevenue.get(site.id),
      this.rateTable(),
      this.ensureCredits(site.id, now),
    ]);
    const traffic = this.deps.traffic;
    return revenueReport(
      {
        events: this.deps.events,
        rates,
        currency: settings.currency,
        subscriptions: () => this.store.subscriptionFacts(site.id),
        credits: true,
        aggregates: this.aggregates,
        ...(traffic ? { traffic: (r: DateRange) => traffic(site, r) } : {}),
      },
      site.id,
      {
        range,
        tz: site.timezone,
        model: p.attribution_model,
        lookbackDays: p.lookback_days,
        halfLifeDays: p.half_life_days,
        compareModels: p.compare_models ?? false,
        limit: p.limit,
        now,
      },
    );
  }

  /** Loads rates from the ECB XML or a CSV (`tidemark rates import FILE`); how many were stored. */
  importRates(text: string): Promise<number> {
    return this.putRates(parseRates(text));
  }

  /** Stores parsed rates (the import, the daily fetch); credits converted with older rates are recomputed on read. */
  async putRates(rates: ExchangeRate[]): Promise<number> {
    const n = await this.deps.meta.siteRevenue.putRates(rates);
    this.rates = null;
    return n;
  }

  private rates: { table: RateTable; fingerprint: string; at: number } | null = null;

  /** The rate table and a fingerprint of its content, cached for a minute (other processes may import rates). */
  private async rateState(): Promise<{ table: RateTable; fingerprint: string }> {
    if (this.rates && Date.now() - this.rates.at < 60_000) return this.rates;
    const list = await this.deps.meta.siteRevenue.rates();
    const sorted = [...list].sort((a, b) => (a.day + a.currency < b.day + b.currency ? -1 : 1));
    const fingerprint = crypto.createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
    this.rates = { table: new RateTable(list), fingerprint, at: Date.now() };
    return this.rates;
  }

  private async rateTable(): Promise<RateTable> {
    return (await this.rateState()).table;
  }

  /**
   * Brings the site's revenue credits (revenue/credits.ts) up to date before the stats engine reads them;
   * how many transactions were recomputed.
   */
  async ensureCredits(siteId: string, now = Date.now()): Promise<number> {
    const [settings, rates] = await Promise.all([this.deps.meta.siteRevenue.get(siteId), this.rateState()]);
    return this.store.exclusive(siteId, () =>
      this.credits.ensure(siteId, {
        currency: settings.currency,
        rates: rates.table,
        ratesFingerprint: rates.fingerprint,
        now,
      }),
    );
  }

  emailHash(email: string): string {
    return this.deps.keys.hmac('customer-email', email.trim().toLowerCase());
  }

  private async siteOf(siteId: string): Promise<SiteRecord> {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(siteId)) throw notFound('Site');
    const site = await this.deps.meta.sites.byId(siteId);
    if (!site) throw notFound('Site');
    return site;
  }
}

/** Major units (49.99) to integer minor units of the currency (4999; JPY 50 -> 50); null for an unknown currency. */
export function toMinor(amount: number, currency: string): number | null {
  let digits: number;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
  const minor = Math.round(amount * 10 ** digits);
  return Number.isSafeInteger(minor) ? minor : null;
}

const isTestEvent = (obj: Record<string, unknown>) =>
  (obj.metadata as Record<string, unknown> | undefined)?.tidemark_test === 'true' && obj.livemode !== true;
