import type { Kysely, Selectable } from 'kysely';
import type { InvitationsTable, MetaSchema } from '../schema';
import type { InvitationRecord, Role } from '../types';
import { newId, newToken, sha256Hex } from '../ids';
import { normalizeEmail } from './users';

const toInvitation = (r: Selectable<InvitationsTable>): InvitationRecord => ({
  id: r.id,
  org_id: r.org_id,
  email: r.email,
  role: r.role as Role,
  invited_by: r.invited_by,
  created_at: Number(r.created_at),
  expires_at: Number(r.expires_at),
  accepted_at: r.accepted_at === null ? null : Number(r.accepted_at),
});

export class InvitationRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  /** Creates an invitation; the raw token goes into the accept link and only its hash is stored. */
  async create(input: {
    orgId: string;
    email: string;
    role: Role;
    invitedBy: string | null;
    ttlMs: number;
  }): Promise<{ record: InvitationRecord; token: string }> {
    const token = newToken();
    const now = Date.now();
    const row = {
      id: newId(),
      org_id: input.orgId,
      email: normalizeEmail(input.email),
      role: input.role,
      token_hash: sha256Hex(token),
      invited_by: input.invitedBy,
      created_at: now,
      expires_at: now + input.ttlMs,
      accepted_at: null,
      accepted_by: null,
    };
    await this.db.insertInto('invitations').values(row).execute();
    return { record: toInvitation(row), token };
  }

  /** A pending, unexpired invitation for the token, or null. */
  async pendingByToken(token: string): Promise<InvitationRecord | null> {
    const r = await this.db
      .selectFrom('invitations')
      .selectAll()
      .where('token_hash', '=', sha256Hex(token))
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', Date.now())
      .executeTakeFirst();
    return r ? toInvitation(r) : null;
  }

  async byId(id: string): Promise<InvitationRecord | null> {
    const r = await this.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toInvitation(r) : null;
  }

  async listPending(orgId: string): Promise<InvitationRecord[]> {
    const rows = await this.db
      .selectFrom('invitations')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', Date.now())
      .orderBy('created_at')
      .execute();
    return rows.map(toInvitation);
  }

  /** Marks the invitation used; false when someone else used it first (single use, race-free). */
  async markAccepted(id: string, userId: string, db: Kysely<MetaSchema> = this.db): Promise<boolean> {
    const r = await db
      .updateTable('invitations')
      .set({ accepted_at: Date.now(), accepted_by: userId })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('invitations').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
