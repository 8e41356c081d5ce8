import {
  badRequest,
  conflict,
  forbidden,
  notFound,
  type ClientCreate,
  type ClientUpdate,
  type ResellerClient,
  type ResellerClientList,
} from '@tidemark/core';
import type { AppContext } from '../app/context';
import type { OrgTenancy } from '../meta';
import { recordAudit } from '../audit';

type Ctx = Pick<AppContext, 'meta' | 'usage'>;
type Actor = { type: 'user'; id: string; label: string };

/** The organization when it is a reseller; 403 when it is not (the caller is already known to be its admin). */
export async function resellerOf(ctx: Ctx, orgId: string): Promise<OrgTenancy> {
  const t = await ctx.meta.tenancy.get(orgId);
  if (!t) throw notFound('Organization');
  if (!t.is_reseller) throw forbidden('This organization is not a reseller (the instance operator enables it: tidemark org reseller)');
  return t;
}

/** A client of the reseller, else 404 (another reseller's client, or any other organization, does not exist here). */
export async function clientOf(ctx: Ctx, resellerId: string, clientId: string): Promise<OrgTenancy> {
  const t = await ctx.meta.tenancy.get(clientId);
  if (!t || t.parent_org_id !== resellerId) throw notFound('Client');
  return t;
}

function checkHardLimit(reseller: OrgTenancy, hard: number | null | undefined): void {
  const ceiling = reseller.max_events_per_sub_org;
  if (ceiling === null || hard === undefined) return;
  if (hard === null || hard > ceiling)
    throw badRequest('over_reseller_limit', `events_hard_limit: at most ${ceiling} events a month per client for this reseller`);
}

async function clientView(ctx: Ctx, org: { id: string; name: string; slug: string; created_at: number }): Promise<ResellerClient> {
  return { id: org.id, name: org.name, slug: org.slug, created_at: org.created_at, usage: await ctx.usage.usage(org.id) };
}

export async function listClients(ctx: Ctx, resellerId: string): Promise<ResellerClientList> {
  const r = await resellerOf(ctx, resellerId);
  const clients = await ctx.meta.tenancy.clients(resellerId);
  return {
    reseller: {
      org_id: r.id,
      name: r.name,
      max_sub_organizations: r.max_sub_organizations,
      max_sites_per_sub_org: r.max_sites_per_sub_org,
      max_events_per_sub_org: r.max_events_per_sub_org,
    },
    clients: await Promise.all(clients.map((c) => clientView(ctx, c))),
  };
}

/**
 * A new client organization of the reseller, within its `max_sub_organizations`. Its monthly hard limit
 * defaults to the reseller's ceiling per client. The client has no members yet: the reseller's admins
 * switch into it and invite its people.
 */
export async function createClient(ctx: Ctx, resellerId: string, input: ClientCreate, actor: Actor): Promise<ResellerClient> {
  const r = await resellerOf(ctx, resellerId);
  if (r.max_sub_organizations !== null && (await ctx.meta.tenancy.countClients(resellerId)) >= r.max_sub_organizations)
    throw conflict('client_limit_reached', `This reseller may have at most ${r.max_sub_organizations} clients`);
  checkHardLimit(r, input.events_hard_limit);
  const org = await ctx.meta.orgs.create(input.name);
  await ctx.meta.tenancy.setParent(org.id, resellerId);
  await ctx.meta.tenancy.setEventLimits(org.id, {
    events_soft_limit: input.events_soft_limit ?? null,
    events_hard_limit: input.events_hard_limit === undefined ? r.max_events_per_sub_org : input.events_hard_limit,
  });
  await recordAudit(ctx, {
    org_id: resellerId,
    action: 'reseller.client_created',
    outcome: 'success',
    site_id: null,
    actor,
    target: { type: 'organization', id: org.id },
    details: { name: org.name },
  });
  return clientView(ctx, org);
}

export async function updateClient(
  ctx: Ctx,
  resellerId: string,
  clientId: string,
  input: ClientUpdate,
  actor: Actor,
): Promise<ResellerClient> {
  const r = await resellerOf(ctx, resellerId);
  await clientOf(ctx, resellerId, clientId);
  checkHardLimit(r, input.events_hard_limit);
  if (input.name) await ctx.meta.orgs.rename(clientId, input.name);
  await ctx.meta.tenancy.setEventLimits(clientId, {
    events_soft_limit: input.events_soft_limit,
    events_hard_limit: input.events_hard_limit,
  });
  ctx.usage.forgetLimits(clientId);
  await recordAudit(ctx, {
    org_id: resellerId,
    action: 'reseller.client_updated',
    outcome: 'success',
    site_id: null,
    actor,
    target: { type: 'organization', id: clientId },
    details: { fields: Object.keys(input).sort() },
  });
  const org = await ctx.meta.orgs.byId(clientId);
  if (!org) throw notFound('Client');
  return clientView(ctx, org);
}

/** Whether a client may get one more site (the reseller's `max_sites_per_sub_org`); 409 when not. */
export async function assertSiteAllowed(ctx: Pick<AppContext, 'meta'>, orgId: string): Promise<void> {
  const t = await ctx.meta.tenancy.get(orgId);
  if (!t?.parent_org_id) return;
  const reseller = await ctx.meta.tenancy.get(t.parent_org_id);
  const max = reseller?.is_reseller ? reseller.max_sites_per_sub_org : null;
  if (max !== null && max !== undefined && (await ctx.meta.tenancy.countSites(orgId)) >= max)
    throw conflict('site_limit_reached', `This organization may have at most ${max} sites`);
}
