import { badRequest, notFound, type AdminOrg, type AdminOrgList, type AdminOrgPatch } from '@tidemark/core';
import type { AppContext } from '../app/context';
import { recordAudit } from '../audit';

type Ctx = Pick<AppContext, 'meta' | 'usage'>;
type Actor = { type: 'user'; id: string; label: string };

/** Organizations one answer lists; a search narrows a larger instance. */
const ADMIN_LIST_LIMIT = 500;

/** Every organization of the instance with its reseller flag and limits (instance administrators). */
export async function listOrgsForAdmin(ctx: Ctx, q?: string): Promise<AdminOrgList> {
  const rows = await ctx.meta.tenancy.listForAdmin(q || undefined, ADMIN_LIST_LIMIT + 1);
  return { orgs: rows.slice(0, ADMIN_LIST_LIMIT), truncated: rows.length > ADMIN_LIST_LIMIT };
}

async function adminOrg(ctx: Ctx, orgId: string): Promise<AdminOrg> {
  const org = await ctx.meta.orgs.byId(orgId);
  if (!org) throw notFound('Organization');
  const row = (await ctx.meta.tenancy.listForAdmin(org.slug, ADMIN_LIST_LIMIT)).find((r) => r.id === orgId);
  if (!row) throw notFound('Organization');
  return row;
}

/**
 * What `tidemark org reseller` does, from the System page: flags an organization as a reseller (or
 * not), sets its limits for clients and its own monthly event limits. A client cannot itself resell.
 * Recorded in the organization's audit log.
 */
export async function updateOrgForAdmin(ctx: Ctx, orgId: string, patch: AdminOrgPatch, actor: Actor): Promise<AdminOrg> {
  const t = orgId.length <= 64 ? await ctx.meta.tenancy.get(orgId) : null;
  if (!t) throw notFound('Organization');
  const isReseller = patch.is_reseller ?? t.is_reseller;
  if (isReseller && t.parent_org_id) throw badRequest('client_cannot_resell', "A reseller's client cannot be a reseller itself");
  const resellerFields = ['is_reseller', 'max_sub_organizations', 'max_sites_per_sub_org', 'max_events_per_sub_org'] as const;
  if (resellerFields.some((f) => patch[f] !== undefined))
    await ctx.meta.tenancy.setReseller(orgId, isReseller, {
      max_sub_organizations: patch.max_sub_organizations === undefined ? t.max_sub_organizations : patch.max_sub_organizations,
      max_sites_per_sub_org: patch.max_sites_per_sub_org === undefined ? t.max_sites_per_sub_org : patch.max_sites_per_sub_org,
      max_events_per_sub_org: patch.max_events_per_sub_org === undefined ? t.max_events_per_sub_org : patch.max_events_per_sub_org,
    });
  await ctx.meta.tenancy.setEventLimits(orgId, { events_soft_limit: patch.events_soft_limit, events_hard_limit: patch.events_hard_limit });
  ctx.usage.forgetLimits(orgId);
  await recordAudit(ctx, {
    org_id: orgId,
    action: 'organization.tenancy_updated',
    outcome: 'success',
    site_id: null,
    actor,
    target: { type: 'organization', id: orgId },
    details: { fields: Object.keys(patch).sort(), ...patch },
  });
  return adminOrg(ctx, orgId);
}
