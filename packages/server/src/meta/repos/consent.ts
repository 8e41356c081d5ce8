import crypto from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ConsentLogEntry } from '@tidemark/core';
import type { ConsentLogTable, MetaSchema } from '../schema';

export interface SiteConsentRow {
  mode: string;
  config: string;
}

/** A site's consent settings (mode and the JSON of the rest); absent = mode none. */
export class SiteConsentRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async get(siteId: string): Promise<SiteConsentRow | null> {
    const r = await this.db.selectFrom('site_consent').select(['mode', 'config']).where('site_id', '=', siteId).executeTakeFirst();
    return r ?? null;
  }

  async set(siteId: string, mode: string, config: string, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('site_consent')
      .values({ site_id: siteId, mode, config, updated_at: now })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ mode, config, updated_at: now }))
      .execute();
  }
}

export type ConsentAppend = Pick<ConsentLogTable, 'subject' | 'categories' | 'text_version' | 'source'>;

const GENESIS = '0'.repeat(64);

/** The hash of an entry: its content and its predecessor's hash, so changing or removing one breaks the chain after it. */
export function consentHash(siteId: string, r: Omit<ConsentLogTable, 'site_id' | 'hash'>): string {
  const content = JSON.stringify([siteId, Number(r.seq), Number(r.at), r.subject, r.categories, r.text_version, r.source]);
  return crypto.createHash('sha256').update(r.prev_hash).update('\n').update(content).digest('hex');
}

function toEntry(r: Selectable<ConsentLogTable>): ConsentLogEntry {
  return {
    seq: Number(r.seq),
    at: new Date(Number(r.at)).toISOString(),
    subject: r.subject,
    categories: r.categories ? r.categories.split(',') : [],
    text_version: r.text_version,
    source: r.source as ConsentLogEntry['source'],
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * The consent log: one hash chain per site, appended only. (site_id, seq) is the primary key, so two
 * writers racing for the same next entry cannot both succeed: the loser reads the new head and retries.
 */
export class ConsentLogRepo {
  constructor(private readonly db: Kysely<MetaSchema>) {}

  async append(siteId: string, e: ConsentAppend, now = Date.now()): Promise<ConsentLogEntry> {
    for (let attempt = 0; ; attempt++) {
      const head =
        (await this.db
          .selectFrom('consent_log')
          .select(['seq', 'hash'])
          .where('site_id', '=', siteId)
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst()) ?? (await this.lastPruned(siteId));
      const row = { seq: Number(head?.seq ?? 0) + 1, at: now, ...e, prev_hash: head?.hash ?? GENESIS };
      const full = { site_id: siteId, ...row, hash: consentHash(siteId, row) };
      try {
        await this.db.insertInto('consent_log').values(full).execute();
        return toEntry(full);
      } catch (err) {
        if (attempt >= 20) throw err;
      }
    }
  }

  /** Newest first. */
  async list(
    siteId: string,
    q: { subject?: string; from?: string; to?: string; before_seq?: number; limit: number },
  ): Promise<ConsentLogEntry[]> {
    let sel = this.db.selectFrom('consent_log').selectAll().where('site_id', '=', siteId);
    if (q.subject) sel = sel.where('subject', '=', q.subject);
    if (q.from) sel = sel.where('at', '>=', Date.parse(`${q.from}T00:00:00Z`));
    if (q.to) sel = sel.where('at', '<', Date.parse(`${q.to}T00:00:00Z`) + 86_400_000);
    if (q.before_seq) sel = sel.where('seq', '<', q.before_seq);
    return (await sel.orderBy('seq', 'desc').limit(q.limit).execute()).map(toEntry);
  }

  /** The last entry retention removed (seq and hash), when it removed any: the chain continues from it. */
  private async lastPruned(siteId: string): Promise<{ seq: number; hash: string } | null> {
    const a = await this.anchor(siteId);
    return a ? { seq: a.seq - 1, hash: a.hash } : null;
  }

  /** Where the kept chain starts after retention: the first kept seq and the hash it must link to. */
  async anchor(siteId: string): Promise<{ seq: number; hash: string; pruned: number } | null> {
    const r = await this.db
      .selectFrom('consent_log_anchors')
      .select(['seq', 'hash', 'pruned'])
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return r ? { seq: Number(r.seq), hash: r.hash, pruned: Number(r.pruned) } : null;
  }

  /**
   * Recomputes the chain from its start: entry 1 linked to the genesis hash, or — after retention — the
   * anchor's entry linked to the anchor's hash (the last removed entry's), so removing the oldest entries
   * beyond what retention recorded is detected too. The first entry that does not match, or null.
   */
  async verify(siteId: string): Promise<{ entries: number; first_bad_seq: number | null }> {
    const anchor = await this.anchor(siteId);
    let prev: string = anchor?.hash ?? GENESIS;
    let lastSeq = (anchor?.seq ?? 1) - 1;
    let entries = 0;
    for (let after = 0; ; ) {
      const rows = await this.db
        .selectFrom('consent_log')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(1000)
        .execute();
      if (!rows.length) return { entries, first_bad_seq: null };
      for (const r of rows) {
        const seq = Number(r.seq);
        entries++;
        if (r.prev_hash !== prev || seq !== lastSeq + 1 || consentHash(siteId, r) !== r.hash) return { entries, first_bad_seq: seq };
        prev = r.hash;
        lastSeq = seq;
      }
      after = lastSeq;
    }
  }

  /** Sites with consent log entries (retention visits them). */
  async sites(): Promise<string[]> {
    const rows = await this.db.selectFrom('consent_log').select('site_id').distinct().execute();
    return rows.map((r) => r.site_id);
  }

  /**
   * Retention of the log itself: the head of the chain up to the first entry at or after the cutoff goes
   * (entries appended concurrently need not be in time order; cutting a prefix keeps the chain whole).
   * The anchor keeps the first kept seq and the hash of the last removed entry, in the same transaction.
   */
  async purgeBefore(siteId: string, cutoffMs: number, now = Date.now()): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const first = await trx
        .selectFrom('consent_log')
        .select((eb) => eb.fn.min('seq').as('seq'))
        .where('site_id', '=', siteId)
        .where('at', '>=', cutoffMs)
        .executeTakeFirst();
      const last = await trx
        .selectFrom('consent_log')
        .select(['seq', 'hash'])
        .where('site_id', '=', siteId)
        .where('at', '<', cutoffMs)
        .$if(first?.seq !== null && first?.seq !== undefined, (q) => q.where('seq', '<', Number(first!.seq)))
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!last) return 0;
      const r = await trx.deleteFrom('consent_log').where('site_id', '=', siteId).where('seq', '<=', Number(last.seq)).executeTakeFirst();
      const removed = Number(r.numDeletedRows);
      const before = await trx.selectFrom('consent_log_anchors').select('pruned').where('site_id', '=', siteId).executeTakeFirst();
      const anchor = { seq: Number(last.seq) + 1, hash: last.hash, pruned: Number(before?.pruned ?? 0) + removed, updated_at: now };
      await trx
        .insertInto('consent_log_anchors')
        .values({ site_id: siteId, ...anchor })
        .onConflict((oc) => oc.column('site_id').doUpdateSet(anchor))
        .execute();
      return removed;
    });
  }
}
