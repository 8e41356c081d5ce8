import { AUDIENCE_TARGETS, type AudienceTarget } from '@tidemark/core';
import type { ActionPerson, DeliveryResult, DestinationsApi } from '../destinations';
import type { AudienceStore } from './store';

/** Where an audience's changes go, as stored (sealed: the webhook secret). */
export interface StoredTargets {
  webhook: { url: string; secret: string } | null;
  hubspot_list_id: string | null;
  klaviyo_list_id: string | null;
}

/** Per target: the last delivery that worked, the last that failed and why. */
export type SyncStatus = Partial<
  Record<AudienceTarget, { last_ok_at: number | null; last_error: string | null; last_error_at: number | null }>
>;

export function configuredTargets(t: StoredTargets): AudienceTarget[] {
  return AUDIENCE_TARGETS.filter((k) => (k === 'webhook' ? t.webhook !== null : k === 'hubspot' ? t.hubspot_list_id : t.klaviyo_list_id));
}

/**
 * Delivers each pending change to each of its targets, oldest first, as the `destinations/` contract
 * says. The idempotency key is the audience and the change's sequence number, so a change retried after
 * a failure (or resent after a crash before it was marked done) is applied once. A target that fails
 * keeps its later changes waiting, so a list never sees a leave before the join it follows.
 * Returns how many changes still wait.
 */
export async function syncChanges(opts: {
  store: AudienceStore;
  audience: { id: string; site_id: string; name: string };
  targets: StoredTargets;
  status: SyncStatus;
  destinations: DestinationsApi | null;
  now: () => number;
}): Promise<number> {
  const { store, audience, targets, status } = opts;
  const configured = configuredTargets(targets);
  const blocked = new Set<AudienceTarget>();
  let waiting = 0;
  for (const change of await store.changes(audience.site_id, audience.id)) {
    const added = JSON.parse(change.added) as ActionPerson[];
    const removed = JSON.parse(change.removed) as ActionPerson[];
    // A target removed from the audience since is no longer owed anything.
    const pending = (JSON.parse(change.pending) as AudienceTarget[]).filter((t) => configured.includes(t));
    const still: AudienceTarget[] = [];
    for (const target of pending) {
      if (blocked.has(target)) {
        still.push(target);
        continue;
      }
      const ctx = {
        idempotency_key: `audience:${audience.id}:${change.seq}`,
        reason: `audience '${audience.name}': ${added.length} joined, ${removed.length} left`,
        data: {
          audience: { id: audience.id, name: audience.name },
          seq: change.seq,
          at: change.at,
          added,
          removed,
        },
      };
      const result = await deliver(opts.destinations, audience.site_id, targets, target, added, removed, ctx).catch(
        (err): DeliveryResult => ({ ok: false, retryable: true, error: err instanceof Error ? err.message : String(err) }),
      );
      const s = status[target] ?? { last_ok_at: null, last_error: null, last_error_at: null };
      status[target] = s;
      if (result.ok) {
        s.last_ok_at = opts.now();
        s.last_error = null;
      } else {
        s.last_error = result.error.slice(0, 500);
        s.last_error_at = opts.now();
        blocked.add(target);
        still.push(target);
      }
    }
    await store.setPending(audience.site_id, audience.id, change.seq, still);
    if (still.length) waiting += 1;
  }
  return waiting;
}

function deliver(
  destinations: DestinationsApi | null,
  siteId: string,
  targets: StoredTargets,
  target: AudienceTarget,
  added: ActionPerson[],
  removed: ActionPerson[],
  ctx: { idempotency_key: string; reason: string; data: Record<string, unknown> },
): Promise<DeliveryResult> {
  if (!destinations)
    return Promise.resolve({ ok: false, retryable: true, error: 'outgoing destinations are not available on this server' });
  if (target === 'webhook') {
    // One signed POST per change: `data.added` and `data.removed` carry every person; `person` is the first of them.
    const first = added[0] ?? removed[0]!;
    return destinations.deliver({ type: 'webhook', url: targets.webhook!.url, secret: targets.webhook!.secret }, first, ctx);
  }
  const listId = target === 'hubspot' ? targets.hubspot_list_id! : targets.klaviyo_list_id!;
  return destinations.syncList(siteId, target, { list_id: listId, add: added, remove: removed }, ctx);
}
