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

/** An organization as the instance's administrators see it (`GET /api/admin/orgs`): its reseller flag and limits. */
export const adminOrgSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    created_at: z.number().int(),
    parent_org_id: z.string().nullable().meta({ description: 'The reseller whose client it is; null = none' }),
    is_reseller: z.boolean(),
    clients: z.number().int().meta({ description: 'Client organizations (a reseller)' }),
    sites: z.number().int(),
  })
  .extend(resellerLimitsSchema.shape)
  .extend(eventLimitsSchema.shape);
export type AdminOrg = z.infer<typeof adminOrgSchema>;

export const adminOrgListSchema = z.object({
  orgs: z.array(adminOrgSchema),
  truncated: z.boolean().meta({ description: 'More organizations exist than the answer lists (narrow with q)' }),
});
export type AdminOrgList = z.infer<typeof adminOrgListSchema>;

export const adminOrgQuerySchema = z
  .object({ q: z.string().trim().max(120).optional().meta({ description: 'Part of the name or slug' }) })
  .strict();

/** What an instance administrator changes of an organization: the reseller flag, its limits, its monthly event limits. */
export const adminOrgPatchSchema = z
  .object({
    is_reseller: z.boolean().optional(),
    max_sub_organizations: limit.optional(),
    max_sites_per_sub_org: limit.optional(),
    max_events_per_sub_org: limit.optional(),
    events_soft_limit: limit.optional(),
    events_hard_limit: limit.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'name at least one field to change');
export type AdminOrgPatch = z.infer<typeof adminOrgPatchSchema>;
