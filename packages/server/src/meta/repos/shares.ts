import type { Kysely, Selectable } from 'kysely';
import type { SiteSharesTable, MetaSchema } from '../schema';
import { newId, sha256Hex } from '../ids';

/** A site has at most this many share links. */
export const MAX_SHARES_PER_SITE = 50;

/** A shared-dashboard link as stored: the token itself is never kept, only its SHA-256 and a short prefix. */
export interface ShareRecord {
  id: string;
  site_id: string;
  token_prefix: string;
  name: string;
  password_hash: string | null;
  expires_at: number | null;
  cards: string[];
  frame_ancestors: string[];
  created_by: string | null;
  created_at: number;
}

export interface ShareCreateRow {
  token: string;
  name: string;
  password_hash: string | null;
  expires_at: number | null;
  cards: string[];
  frame_ancestors: string[];
}

const list = (json: string): string[] => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

const toShare = (r: Selectable<SiteSharesTable>): ShareRecord => ({
  id: r.id,
  site_id: r.site_id,
  token_prefix: r.token_prefix,
  name: r.name,
  password_hash: r.password_hash,
  expires_at: r.expires_at === null ? null : Number(r.expires_at),
  cards: list(r.cards),
  frame_ancestors: list(r.frame_ancestors),
  created_by: r.created_by,
  created_at: Number(r.created_at),
});

export class ShareRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async listBySite(siteId: string): Promise<ShareRecord[]> {
    const rows = await this.db
      .selectFrom('site_shares')
      .selectAll()
      .where('site_id', '=', siteId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toShare);
  }

  async count(siteId: string): Promise<number> {
    const r = await this.db
      .selectFrom('site_shares')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** The link a presented token names (by its hash), expired or not: callers decide. */
  async byToken(token: string): Promise<ShareRecord | null> {
    const r = await this.db.selectFrom('site_shares').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
    return r ? toShare(r) : null;
  }

  async create(siteId: string, input: ShareCreateRow, createdBy: string | null, now = Date.now()): Promise<ShareRecord> {
    const row = {
      id: newId(),
      site_id: siteId,
      token_hash: sha256Hex(input.token),
      token_prefix: input.token.slice(0, 8),
      name: input.name,
      password_hash: input.password_hash,
      expires_at: input.expires_at,
      cards: JSON.stringify(input.cards),
      frame_ancestors: JSON.stringify(input.frame_ancestors),
      created_by: createdBy,
      created_at: now,
    };
    await this.db.insertInto('site_shares').values(row).execute();
    return toShare(row);
  }

  async delete(siteId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('site_shares').where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
