import { repeat, untracked, type JobRunner } from '../schedule';
import type { TriggerService } from './service';

/**
 * Every minute (first run after 20 s): one evaluation pass over the sites with enabled triggers, then
 * the due actions. One run at a time; the leader only at scale (the claims would keep two senders apart
 * anyway).
 */
export function scheduleTriggers(
  triggers: TriggerService,
  opts: { everyMs?: number; firstMs?: number; isLeader?: () => boolean; onError: (err: unknown) => void; track?: JobRunner },
): () => void {
  let running = false;
  return repeat(
    () => {
      if (running || (opts.isLeader && !opts.isLeader())) return;
      running = true;
      (opts.track ?? untracked)('triggers', async () => {
        const pass = await triggers.evaluateAll(opts.onError);
        let sent = await triggers.deliverDue();
        // Drain a backlog in batches while each batch was full.
        while (sent.claimed >= 100) sent = await triggers.deliverDue();
        return pass;
      })
        .catch(opts.onError)
        .finally(() => {
          running = false;
        });
    },
    { firstMs: opts.firstMs ?? 20_000, everyMs: opts.everyMs ?? 60_000 },
  );
}
