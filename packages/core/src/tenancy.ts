import { z } from 'zod';

/**
 * Resellers and usage (docs/resellers.md): a reseller organization manages client organizations within
 * the limits the instance's operator gave it; every organization has a monthly event budget (soft:
 * warn, hard: collection drops with reason "quota"). Shared by the server and the dashboard.
 */

const limit = z.number().int().min(0).max(1_000_000_000_000).nullable();

/** A reseller's limits for its clients, set by the instance's operator (`tidemark org reseller`). */
export const resellerLimitsSchema = z.object({
  max_sub_organizations: limit.meta({ description: 'Clients the reseller may have; null = unlimited' }),
  max_sites_per_sub_org: limit.meta({ description: 'Sites each client may have; null = unlimited' }),
  max_events_per_sub_org: limit.meta({ description: 'Highest monthly hard limit the reseller may give a client; null = no ceiling' }),
});
export type ResellerLimits = z.infer<typeof resellerLimitsSchema>;

/** Monthly event limits of an organization (calendar month, UTC). */
export const eventLimitsSchema = z
  .object({
    events_soft_limit: limit.meta({ description: 'Over it the dashboard warns; null = none' }),
    events_hard_limit: limit.meta({ description: 'Over it collection drops events (reason "quota"); null = none' }),
  })
  .strict();
export type EventLimits = z.infer<typeof eventLimitsSchema>;

export const clientCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    events_soft_limit: limit.optional(),
    events_hard_limit: limit.optional(),
  })
  .strict();
export type ClientCreate = z.infer<typeof clientCreateSchema>;

export const clientUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    events_soft_limit: limit.optional(),
    events_hard_limit: limit.optional(),
  })
  .strict();
export type ClientUpdate = z.infer<typeof clientUpdateSchema>;

/** Usage of an organization this calendar month (UTC), with its limits. */
export const usageSchema = z.object({
  org_id: z.string(),
  month: z.string().meta({ description: 'YYYY-MM (UTC)' }),
  events: z.number().int().meta({ description: "Events stored this month over all the organization's sites" }),
  sites: z.number().int(),
  seats: z.number().int().meta({ description: 'Members of the organization' }),
  events_soft_limit: z.number().int().nullable(),
  events_hard_limit: z.number().int().nullable(),
  max_sites: z.number().int().nullable().meta({ description: "The reseller's sites per client, for a client; else null" }),
  status: z
    .enum(['ok', 'warning', 'over'])
    .meta({ description: 'warning: over the soft limit; over: at or over the hard limit (events are dropped)' }),
});
export type Usage = z.infer<typeof usageSchema>;

export const clientSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  created_at: z.number().int(),
  usage: usageSchema,
});
export type ResellerClient = z.infer<typeof clientSchema>;

export const clientListSchema = z.object({
  reseller: z.object({ org_id: z.string(), name: z.string() }).extend(resellerLimitsSchema.shape),
  clients: z.array(clientSchema),
});
export type ResellerClientList = z.infer<typeof clientListSchema>;
