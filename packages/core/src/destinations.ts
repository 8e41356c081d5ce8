import { z } from 'zod';

/** Providers a site can connect with a token of its own (server destinations/, docs/destinations.md). */
export const connectionProviderSchema = z.enum(['hubspot', 'klaviyo']).meta({ id: 'ConnectionProvider' });

/** Where each provider's public API answers unless the site names another base URL. */
export const DEFAULT_PROVIDER_BASE_URLS: Record<ConnectionProvider, string> = {
  hubspot: 'https://api.hubapi.com',
  klaviyo: 'https://a.klaviyo.com',
};

const baseUrl = z
  .string()
  .trim()
  .max(300)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'an http or https URL')
  .refine((u) => {
    const p = new URL(u);
    return !p.username && !p.password && !p.search && !p.hash;
  }, 'a plain URL without credentials, query or fragment');

export const siteConnectionInputSchema = z
  .object({
    token: z
      .string()
      .trim()
      .min(8, 'the token looks too short')
      .max(500)
      .regex(/^[\x21-\x7e]+$/, 'the token is printable characters without spaces')
      .meta({
        description: "The provider's API token (HubSpot private app token, Klaviyo private API key); stored sealed, never shown again",
      }),
    base_url: baseUrl
      .nullish()
      .meta({
        description:
          "The provider's API base URL; default the provider's public API (api.hubapi.com for HubSpot, a.klaviyo.com for Klaviyo)",
      }),
  })
  .strict()
  .meta({ id: 'SiteConnectionInput' });

export const siteConnectionSchema = z
  .object({
    provider: connectionProviderSchema,
    has_token: z.boolean().meta({ description: 'Whether a token is stored (the token itself is never returned)' }),
    base_url: z.string().meta({ description: 'The API base URL requests go to' }),
    updated_at: z.number().int().nullable().meta({ description: 'When the connection was last saved (ms), null when never' }),
  })
  .meta({ id: 'SiteConnection' });

export const siteConnectionsSchema = z
  .object({ connections: z.array(siteConnectionSchema) })
  .meta({ id: 'SiteConnections', description: 'One entry per provider, connected or not' });

export const connectionTestResultSchema = z
  .object({
    ok: z.boolean(),
    status: z.number().int().nullable().meta({ description: "The provider's HTTP status, null when no answer came" }),
    error: z.string().nullable().meta({ description: "The provider's error, or why the request was not made" }),
  })
  .meta({ id: 'ConnectionTestResult' });

export type ConnectionProvider = z.infer<typeof connectionProviderSchema>;
export type SiteConnectionInput = z.infer<typeof siteConnectionInputSchema>;
export type SiteConnection = z.infer<typeof siteConnectionSchema>;
export type SiteConnections = z.infer<typeof siteConnectionsSchema>;
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;
