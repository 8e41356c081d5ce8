import {
  DEFAULT_PROVIDER_BASE_URLS,
  parseInput,
  siteConnectionInputSchema,
  type ConnectionProvider,
  type SiteConnection,
} from '@tidemark/core';
import type { MetaStore } from '../meta';
import type { ServerKeys } from '../secrets';
import type { ProviderConnection } from './hubspot';

export const CONNECTION_PROVIDERS: ConnectionProvider[] = ['hubspot', 'klaviyo'];

/** The sealing purpose binds a token to its site and provider: a row copied elsewhere does not open. */
const purpose = (siteId: string, provider: ConnectionProvider) => `site-connection:${provider}:${siteId}`;

/**
 * A site's provider connections (meta `site_connections`): the token sealed with the server's keys, read back
 * only to make requests; what the API shows is whether one is stored.
 */
export class SiteConnectionStore {
  constructor(
    private readonly meta: Pick<MetaStore, 'siteConnections'>,
    private readonly keys: ServerKeys,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every provider, connected or not. */
  async list(siteId: string): Promise<SiteConnection[]> {
    const rows = new Map((await this.meta.siteConnections.list(siteId)).map((r) => [r.provider, r]));
    return CONNECTION_PROVIDERS.map((provider) => {
      const r = rows.get(provider);
      return {
        provider,
        has_token: Boolean(r),
        base_url: r?.base_url ?? DEFAULT_PROVIDER_BASE_URLS[provider],
        updated_at: r?.updated_at ?? null,
      };
    });
  }

  async put(siteId: string, provider: ConnectionProvider, body: unknown): Promise<SiteConnection> {
    const input = parseInput(siteConnectionInputSchema, body ?? {});
    const base = input.base_url ? input.base_url.replace(/\/+$/, '') : null;
    const updated_at = this.now();
    await this.meta.siteConnections.put({
      site_id: siteId,
      provider,
      base_url: base,
      token_sealed: this.keys.seal(purpose(siteId, provider), input.token),
      updated_at,
    });
    return { provider, has_token: true, base_url: base ?? DEFAULT_PROVIDER_BASE_URLS[provider], updated_at };
  }

  remove(siteId: string, provider: ConnectionProvider): Promise<boolean> {
    return this.meta.siteConnections.delete(siteId, provider);
  }

  /** Base URL and token for requests, or null when the site has no (openable) connection to the provider. */
  async open(siteId: string, provider: ConnectionProvider): Promise<ProviderConnection | null> {
    const r = await this.meta.siteConnections.get(siteId, provider);
    if (!r) return null;
    const token = this.keys.open(purpose(siteId, provider), r.token_sealed);
    if (token === null) return null;
    return { base_url: r.base_url ?? DEFAULT_PROVIDER_BASE_URLS[provider], token };
  }
}
