import type { Me, User } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { isInstanceAdmin, type UserSession } from '../../auth';
import type { UserRecord } from '../../meta';

export const userView = (u: UserRecord): User => ({ id: u.id, email: u.email, name: u.name });

/** What GET /api/auth/me (and sign-in, org switch) answer: the user, their organizations, the current one. */
export async function meView(
  ctx: AppContext,
  us: Pick<UserSession, 'user' | 'orgId' | 'session'>,
): Promise<Me & { role: Me['orgs'][number]['role'] | null; session: { expires_at: number } }> {
  const orgs = (await ctx.meta.orgs.listForUser(us.user.id)).map((o) => ({ id: o.id, name: o.name, slug: o.slug, role: o.role }));
  const current = orgs.find((o) => o.id === us.orgId) ?? null;
  return {
    user: userView(us.user),
    orgs,
    current_org: current,
    role: current?.role ?? null,
    instance_admin: isInstanceAdmin(ctx.config, us.user.email),
    session: { expires_at: us.session.expires_at },
  };
}
