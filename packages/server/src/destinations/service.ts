import type { ConnectionProvider, ConnectionTestResult, OrgBranding } from '@tidemark/core';
import { DEFAULT_BRANDING } from '@tidemark/core';
import type { Mailer } from '../auth';
import type { MetaStore } from '../meta';
import type { OutboundOptions } from '../outbound';
import type { ServerKeys } from '../secrets';
import { brandingFor } from '../tenancy';
import { SiteConnectionStore } from './connections';
import { deliverEmail } from './email';
import { failure } from './http';
import { hubspotContact, hubspotList, hubspotTest, type ProviderConnection } from './hubspot';
import { klaviyoEvent, klaviyoList, klaviyoProfileUpsert, klaviyoTest } from './klaviyo';
import type { ActionPerson, ActionSpec, DeliveryContext, DeliveryResult, DestinationsApi, ListChange, ListProvider } from './types';
import { deliverSlack, deliverWebhook } from './webhook';

export interface DestinationsOptions {
  meta: MetaStore;
  /** Seals and opens the sites' provider tokens. */
  keys: ServerKeys;
  /** The instance's mail (auth/): e-mail actions go out through it, in the site's organization's branding. */
  mailer: Mailer;
  /** The outbound guard's settings: `allowPrivate` only when the admin allowed private webhooks; `timeoutMs` per request (default 10 s). */
  outbound: OutboundOptions;
  now?: () => number;
}

/** The site's people with an e-mail address, the first of each address (compared case-insensitively). */
function onePerEmail(people: ActionPerson[], siteId: string): ActionPerson[] {
  const seen = new Set<string>();
  return people.filter((p) => {
    const key = p.email?.trim().toLowerCase();
    if (p.site_id !== siteId || !key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const PROVIDER_NAMES: Record<ConnectionProvider, string> = { hubspot: 'HubSpot', klaviyo: 'Klaviyo' };

/**
 * The outgoing destinations of triggers and audiences: webhooks (signed), e-mail, Slack, HubSpot and
 * Klaviyo. Every request goes through outbound/ (private addresses refused unless the admin allowed them);
 * each answer is classified so the caller knows whether a retry can help.
 */
export class Destinations implements DestinationsApi {
  readonly connections: SiteConnectionStore;
  private readonly outbound: OutboundOptions;
  private readonly now: () => number;

  constructor(private readonly o: DestinationsOptions) {
    this.now = o.now ?? Date.now;
    this.connections = new SiteConnectionStore(o.meta, o.keys, this.now);
    this.outbound = { timeoutMs: 10_000, maxRedirects: 0, ...o.outbound };
  }

  async deliver(action: ActionSpec, person: ActionPerson, ctx: DeliveryContext): Promise<DeliveryResult> {
    try {
      switch (action.type) {
        case 'webhook':
          return await deliverWebhook(action, person, ctx, this.outbound, this.now);
        case 'slack':
          return await deliverSlack(action, person, ctx, this.outbound);
        case 'email':
          return await deliverEmail(action, person, ctx, { mailer: this.o.mailer, brand: () => this.brand(person.site_id) });
        case 'hubspot_contact':
          return await this.withConnection(person.site_id, 'hubspot', (c) => hubspotContact(c, person, action.properties, this.outbound));
        case 'klaviyo_profile':
          return await this.withConnection(person.site_id, 'klaviyo', (c) => klaviyoProfileUpsert(c, person, this.outbound));
        case 'klaviyo_event':
          return await this.withConnection(person.site_id, 'klaviyo', (c) =>
            klaviyoEvent(c, action.metric, person, ctx, this.outbound, this.now),
          );
        default:
          return failure(false, `unknown action type ${(action as { type?: unknown }).type}`);
      }
    } catch (err) {
      // Our own storage failing (meta, branding) is worth another try; nothing was sent.
      return failure(true, err instanceof Error ? err.message : String(err));
    }
  }

  async syncList(siteId: string, provider: ListProvider, change: ListChange, _ctx: DeliveryContext): Promise<DeliveryResult> {
    if (!change.list_id) return failure(false, 'no list id');
    if (!change.add.length && !change.remove.length) return { ok: true };
    // Only this site's people go to this site's connection, each e-mail once (providers refuse a batch naming one twice).
    const scoped = { ...change, add: onePerEmail(change.add, siteId), remove: onePerEmail(change.remove, siteId) };
    try {
      return await this.withConnection(siteId, provider, (c) =>
        provider === 'hubspot' ? hubspotList(c, scoped, this.outbound) : klaviyoList(c, scoped, this.outbound),
      );
    } catch (err) {
      return failure(true, err instanceof Error ? err.message : String(err));
    }
  }

  /** One harmless authenticated call with the stored token; the provider's error when it refuses. */
  async testConnection(siteId: string, provider: ConnectionProvider): Promise<ConnectionTestResult> {
    const r = await this.withConnection(siteId, provider, (c) =>
      provider === 'hubspot' ? hubspotTest(c, this.outbound) : klaviyoTest(c, this.outbound),
    );
    return r.ok ? { ok: true, status: r.status ?? null, error: null } : { ok: false, status: r.status ?? null, error: r.error };
  }

  private async withConnection(
    siteId: string,
    provider: ConnectionProvider,
    run: (c: ProviderConnection) => Promise<DeliveryResult>,
  ): Promise<DeliveryResult> {
    const c = await this.connections.open(siteId, provider);
    if (!c) return failure(false, `the site has no ${PROVIDER_NAMES[provider]} connection (site settings → Connections)`);
    return run(c);
  }

  private async brand(siteId: string): Promise<OrgBranding> {
    const site = await this.o.meta.sites.byId(siteId);
    return site ? brandingFor(this.o.meta, site.org_id) : DEFAULT_BRANDING;
  }
}

/** The instance's destinations: `createDestinations({ meta, keys, mailer: auth.mailer, outbound: { allowPrivate } })`. */
export function createDestinations(o: DestinationsOptions): Destinations {
  return new Destinations(o);
}
