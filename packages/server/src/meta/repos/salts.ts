import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { MetaSchema } from '../schema';
import type { SaltStore } from '../types';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Daily salts for cookieless visitor ids. Creation is insert-if-absent then read, so concurrent
 * processes on either engine agree on one salt per day. A day's salt never changes once stored,
 * which makes the in-process cache safe.
 */
export class SqlSaltStore implements SaltStore {
  private readonly cache = new Map<string, string>();

  constructor(private readonly db: Kysely<MetaSchema>) {}

  async getOrCreate(day: string): Promise<string> {
    if (!DAY.test(day)) throw new Error(`salt day must be YYYY-MM-DD, got ${day}`);
    const cached = this.cache.get(day);
    if (cached) return cached;
    await this.db
      .insertInto('salts')
      .values({ day, salt: crypto.randomBytes(32).toString('base64url'), created_at: Date.now() })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute();
    const row = await this.db.selectFrom('salts').select('salt').where('day', '=', day).executeTakeFirstOrThrow();
    if (this.cache.size > 8) this.cache.clear();
    this.cache.set(day, row.salt);
    return row.salt;
  }

  async deleteBefore(day: string): Promise<number> {
    if (!DAY.test(day)) throw new Error(`salt day must be YYYY-MM-DD, got ${day}`);
    for (const d of this.cache.keys()) if (d < day) this.cache.delete(d);
    const r = await this.db.deleteFrom('salts').where('day', '<', day).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
