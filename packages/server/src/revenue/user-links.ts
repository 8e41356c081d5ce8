import { SIDE_TABLES, type EventStore, type SideRow } from '../store';

/** The txn_key of a user's link facts: `user:` + a keyed hash of the user id. */
export const USER_LINK_PREFIX = 'user:';

/** A visitor id identified as a user, as a link fact (user id already hashed). */
export interface UserLink {
  visitor_id: string;
  user_id: string;
  user_hash: string;
}

const TXN_COLUMNS = SIDE_TABLES.transactions.columns.map((c) => c.name).join(', ');

/**
 * Late identification. A payment's touchpoints include the sessions of every visitor id identified as
 * the same user as its payer (revenue/touchpoints.ts), whenever that identify arrives: hours after the
 * payment, or after its credits were computed and settled. Each visitor id seen with a user id for the
 * first time is kept as a link fact (`revenue_facts`, kind 'identity', txn_key `user:<hash>`: erasing the
 * visitor blanks its id and so unlinks it), which touchpoints read beside the events (so the link counts
 * even before the identify's events are readable: scale-out writes them later). The counted transactions
 * of every visitor id of that user then get a new version: credits computed from the older one are stale
 * (credits.ts), in every process. A link already known changes nothing.
 *
 * Returns how many transactions were marked for recomputation. Callers serialise it per site.
 */
export async function recordUserLinks(events: EventStore, siteId: string, links: readonly UserLink[], now: number): Promise<number> {
  const rows = new Map<string, SideRow>();
  for (const l of links)
    rows.set(`uid:${l.user_hash}:${l.visitor_id}`, {
      site_id: siteId,
      fact_id: `uid:${l.user_hash}:${l.visitor_id}`,
      kind: 'identity',
      txn_key: `${USER_LINK_PREFIX}${l.user_hash}`,
      created: now,
      received_at: now,
      visitor_id: l.visitor_id,
      data: JSON.stringify({ source: 'identify' }),
      version: now,
    });
  const ids = [...rows.keys()];
  const known = await events.query<{ fact_id: string }>(
    `SELECT fact_id FROM revenue_facts WHERE site_id = ? AND fact_id IN (${ids.map(() => '?').join(', ')})`,
    [siteId, ...ids],
  );
  for (const { fact_id } of known) rows.delete(fact_id);
  if (!rows.size) return 0;
  const fresh = [...rows.values()];
  await events.upsertSideRows('revenue_facts', fresh);
  // Most sites have no attributed payment: then no visitor id's events need reading.
  const [paid] = await events.query(
    `SELECT txn_key FROM transactions WHERE site_id = ? AND status = 'counted' AND visitor_id <> '' LIMIT 1`,
    [siteId],
  );
  if (!paid) return 0;
  const users = [...new Set(links.filter((l) => rows.has(`uid:${l.user_hash}:${l.visitor_id}`)).map((l) => l.user_id))];
  const keys = [...new Set(fresh.map((r) => String(r.txn_key)))];
  // The payers whose visitor-id group just grew: every visitor id of these users, from events and links.
  const txns = await events.query<SideRow>(
    `SELECT ${TXN_COLUMNS} FROM transactions WHERE site_id = ? AND status = 'counted' AND visitor_id <> '' AND (
       visitor_id IN (SELECT visitor_id FROM events WHERE site_id = ? AND user_id IN (${users.map(() => '?').join(', ')}))
       OR visitor_id IN (SELECT visitor_id FROM revenue_facts WHERE site_id = ? AND kind = 'identity' AND txn_key IN (${keys.map(() => '?').join(', ')})))`,
    [siteId, siteId, ...users, siteId, ...keys],
  );
  if (!txns.length) return 0;
  await events.upsertSideRows(
    'transactions',
    txns.map((t) => ({ ...t, site_id: siteId, version: Math.max(now, Number(t.version) + 1) })),
  );
  return txns.length;
}
