import type { Kysely } from 'kysely';
import type { MetaSchema } from '../schema';
import { newToken, sha256Hex } from '../ids';

export interface PendingVerification {
  userId: string;
  /** Argon2id hash of the password chosen by the sign-up that asked for this link. */
  passwordHash: string;
  expiresAt: number;
}

/**
 * Pending e-mail confirmations of open-signup accounts. A user with a row here is unverified and cannot
 * sign in; confirming deletes the row. Only the token's SHA-256 is stored; a token works once, until
 * it expires, and issuing a new one replaces the old. Each token is bound to the password of the
 * sign-up that asked for it, so whoever confirms must know that password (no pre-registered takeover).
 */
export class EmailVerificationRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  /** Issues (or re-issues) the user's confirmation token; returns the raw token for the e-mailed link. */
  async issue(
    userId: string,
    passwordHash: string,
    ttlMs: number,
    db: Kysely<MetaSchema> = this.db,
  ): Promise<{ token: string; expiresAt: number }> {
    const token = newToken();
    const now = Date.now();
    const row = { user_id: userId, token_hash: sha256Hex(token), password_hash: passwordHash, created_at: now, expires_at: now + ttlMs };
    await db
      .insertInto('email_verifications')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet({ token_hash: row.token_hash, password_hash: passwordHash, created_at: now, expires_at: row.expires_at }),
      )
      .execute();
    return { token, expiresAt: row.expires_at };
  }

  async isPending(userId: string): Promise<boolean> {
    const r = await this.db.selectFrom('email_verifications').select('user_id').where('user_id', '=', userId).executeTakeFirst();
    return !!r;
  }

  /** The unexpired confirmation a token stands for, or null. */
  async byToken(token: string, now = Date.now()): Promise<PendingVerification | null> {
    const r = await this.db
      .selectFrom('email_verifications')
      .select(['user_id', 'password_hash', 'expires_at'])
      .where('token_hash', '=', sha256Hex(token))
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return r ? { userId: r.user_id, passwordHash: r.password_hash, expiresAt: Number(r.expires_at) } : null;
  }

  /**
   * Uses the token: the user it confirms, or null when it is unknown, expired or already used. The
   * delete is the single-use guard — of two simultaneous uses only one deletes the row.
   */
  async consume(token: string, now = Date.now(), db: Kysely<MetaSchema> = this.db): Promise<string | null> {
    const r = await db
      .deleteFrom('email_verifications')
      .where('token_hash', '=', sha256Hex(token))
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    return r?.user_id ?? null;
  }
}
