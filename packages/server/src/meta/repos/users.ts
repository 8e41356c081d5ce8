import type { Kysely } from 'kysely';
import { conflict } from '@tidemark/core';
import type { MetaSchema, UsersTable } from '../schema';
import type { UserRecord } from '../types';
import { newId } from '../ids';
import { bool, isUniqueViolation } from './util';

const toUser = (r: Pick<UsersTable, 'id' | 'email' | 'name' | 'is_active' | 'created_at'>): UserRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  is_active: bool(r.is_active),
  created_at: Number(r.created_at),
});

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export class UserRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async create(
    input: { email: string; passwordHash: string | null; name?: string },
    db: Kysely<MetaSchema> = this.db,
  ): Promise<UserRecord> {
    const now = Date.now();
    const row = {
      id: newId(),
      email: normalizeEmail(input.email),
      password_hash: input.passwordHash,
      name: input.name ?? '',
      is_active: 1,
      created_at: now,
      updated_at: now,
    };
    try {
      await db.insertInto('users').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('email_taken', 'An account with this email already exists');
      throw err;
    }
    return toUser(row);
  }

  async byId(id: string): Promise<UserRecord | null> {
    const r = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'is_active', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toUser(r) : null;
  }

  async byEmail(email: string): Promise<UserRecord | null> {
    const r = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'is_active', 'created_at'])
      .where('email', '=', normalizeEmail(email))
      .executeTakeFirst();
    return r ? toUser(r) : null;
  }

  /** For login only: the user with the stored password hash. */
  async credentialsByEmail(email: string): Promise<{ user: UserRecord; passwordHash: string | null } | null> {
    const r = await this.db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
    return r ? { user: toUser(r), passwordHash: r.password_hash } : null;
  }

  async setPassword(id: string, passwordHash: string, db: Kysely<MetaSchema> = this.db): Promise<void> {
    await db.updateTable('users').set({ password_hash: passwordHash, updated_at: Date.now() }).where('id', '=', id).execute();
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
