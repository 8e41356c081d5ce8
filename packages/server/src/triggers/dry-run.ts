import type { TriggerDefinition, TriggerDryRun, TriggerSettings } from '@tidemark/core';
import { decide, MemoryLedger } from './decide';
import { marketingConsented, type SiteForTriggers } from './engine';
import { findOccurrences, type FinderDeps } from './occurrences';

export const DRY_RUN_DAYS = 7;
const SAMPLE = 50;

/**
 * A definition's last 7 days as if it had existed: its occurrences decided in time order by the same
 * rules as the evaluation, with caps counted among its own let-through occurrences (the global cap too:
 * other triggers' firings are not counted). Nothing is stored or sent.
 */
export async function dryRun(
  finder: FinderDeps,
  site: SiteForTriggers,
  def: Pick<TriggerDefinition, 'condition' | 'delay_minutes' | 'max_frequency' | 'quiet_hours'> & { actions: unknown[] },
  settings: TriggerSettings,
  now: number,
): Promise<TriggerDryRun> {
  const span = { fromMs: now - DRY_RUN_DAYS * 86_400_000, toMs: now };
  const rule = { id: 'dry-run', name: 'dry run', condition: def.condition };
  const found = await findOccurrences(finder, site, [rule], span);
  const ledger = new MemoryLedger();
  const out: TriggerDryRun = {
    from: span.fromMs,
    to: span.toMs,
    matched: 0,
    people: 0,
    allowed: 0,
    capped: 0,
    global_capped: 0,
    no_consent: 0,
    quiet_hours: 0,
    sample: [],
  };
  const perPerson = new Map<string, { matched: number; allowed: number }>();
  for (const o of found.occurrences) {
    out.matched++;
    const p = perPerson.get(o.pid) ?? { matched: 0, allowed: 0 };
    perPerson.set(o.pid, p);
    p.matched++;
    const d = await decide(o, def, settings, site.timezone, marketingConsented(site, found.visitors.get(o.visitorId)), ledger);
    if (d.outcome === 'queued') {
      ledger.add(o);
      out.allowed += def.actions.length;
      p.allowed += def.actions.length;
      if (d.quiet) out.quiet_hours++;
    } else if (d.outcome === 'capped') out.capped++;
    else if (d.outcome === 'global_cap') out.global_capped++;
    else if (d.outcome === 'no_consent') out.no_consent++;
  }
  out.people = perPerson.size;
  out.sample = [...perPerson.entries()]
    .sort((a, b) => b[1].matched - a[1].matched || (a[0] < b[0] ? -1 : 1))
    .slice(0, SAMPLE)
    .map(([profile_id, p]) => ({ profile_id, ...p }));
  return out;
}
