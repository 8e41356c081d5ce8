import type { Me, User } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { isInstanceAdmin, type UserSession } from '../../auth';
import type { UserRecord } from '../../meta';

export const userView = (u: UserRecord): User => ({ id: u.id, email: u.email, name: u.name });

/** What GET /api/auth/me (and sign-in, org switch) answer: the user, their organizations, the current one. */
export async function meView(
  ctx: AppContext,
  us: Pick<UserSession, 'user' | 'orgId' | 'session'> & { viaOrgId?: string | null },
): Promise<Me & { role: Me['orgs'][number]['role'] | null; session: { expires_at: number } }> {
  const orgs = (await ctx.meta.orgs.listForUser(us.user.id)).map((o) => ({ id: o.id, name: o.name, slug: o.slug, role: o.role }));
  let current = orgs.find((o) => o.id === us.orgId) ?? null;
  let viewingAs: Me['viewing_as'] = null;
  if (us.viaOrgId && us.orgId && !current) {
    // A reseller's admin in one of its clients (tenancy/): an admin there, shown with the way back.
    const [client, reseller] = await Promise.all([ctx.meta.orgs.byId(us.orgId), ctx.meta.orgs.byId(us.viaOrgId)]);
    if (client && reseller) {
      current = { id: client.id, name: client.name, slug: client.slug, role: 'admin' };
      viewingAs = { org_id: client.id, org_name: client.name, reseller_org_id: reseller.id, reseller_name: reseller.name };
    }
  }
  return {
    user: userView(us.user),
    orgs,
    current_org: current,
    viewing_as: viewingAs,
    current_org_reseller: current ? !!(await ctx.meta.tenancy.get(current.id))?.is_reseller : false,
    role: current?.role ?? null,
    instance_admin: isInstanceAdmin(ctx.config, us.user.email),
    session: { expires_at: us.session.expires_at },
  };
}
