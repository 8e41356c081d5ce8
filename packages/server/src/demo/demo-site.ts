import { generateTrafficBatches, Prng } from '@tidemark/testkit';
import type { CanonicalEvent } from '@tidemark/core';
import { DEMO_DOMAIN } from '@tidemark/core/rules';
import type { AppContext } from '../app/context';
import { revenueRefs } from '../ingest';
import { demoBehaviour, HEATMAP_SESSIONS, REPLAY_SESSIONS } from './demo-behaviour';
import { recordingOf } from './demo-recordings';
import type { SiteRecord } from '../meta';

export { DEMO_DOMAIN };

export interface DemoOptions {
  /** Organization that gets the site. */
  orgId: string;
  days?: number;
  /** Average visitors per day; ~6 events each. */
  visitorsPerDay?: number;
  seed?: number | string;
  /** End of the generated window (ms); default now, so realtime and "today" have data. */
  now?: number;
  /** IANA timezone of the site (daily rhythm follows it). */
  timezone?: string;
  /** Progress lines (CLI); silent by default. */
  log?: (line: string) => void;
}

export interface DemoResult {
  site: SiteRecord;
  events: number;
  /** Session recordings stored for the last days' sessions (demo-recordings.ts). */
  recordings: number;
  generateAndWriteMs: number;
}

const BATCH = 25_000;

/** The organization's demo site, if it already has one. */
export async function findDemoSite(ctx: AppContext, orgId: string): Promise<SiteRecord | null> {
  const sites = await ctx.meta.sites.listByOrg(orgId);
  return sites.find((s) => s.domain === DEMO_DOMAIN) ?? null;
}

/**
 * Creates a "Demo" site in the organization and fills it with generated traffic (default 90 days) and the
 * behaviour its visitors would leave (demo-behaviour.ts: vitals, heatmap samples, frustration signals, errors),
 * through the event store's ordinary durable write path, in large batches. The site's settings say what the
 * data holds: heatmaps of a 35 % sample, vitals and errors on, replay for the sessions recorded.
 */
export async function createDemoSite(ctx: AppContext, opts: DemoOptions): Promise<DemoResult> {
  const days = opts.days ?? 90;
  const visitorsPerDay = opts.visitorsPerDay ?? 600;
  const end = opts.now ?? Date.now();
  const created = await ctx.meta.sites.create(opts.orgId, { name: 'Demo', domain: DEMO_DOMAIN, timezone: opts.timezone ?? 'UTC' });
  const site =
    (await ctx.meta.sites.update(created.id, {
      heatmaps_enabled: true,
      heatmap_sample_rate: HEATMAP_SESSIONS,
      vitals_enabled: true,
      errors_enabled: true,
      replay_enabled: true,
      replay_sample_rate: HEATMAP_SESSIONS * REPLAY_SESSIONS,
    })) ?? created;
  const started = performance.now();
  let events = 0;
  let lastLog = started;
  // The events are received now, whatever their time: the session-parts rollup reads by `received_at`
  // watermark, so back-dated receipt times would hide them from every query that uses it.
  // Purchases become the site's transactions as collected ones do (revenue/), once their events are stored.
  const write = async (batch: CanonicalEvent[]) => {
    const receivedAt = Date.now();
    for (const e of batch) e.received_at = receivedAt;
    await ctx.events.write({ events: batch, raw: [], quarantine: [], drops: [] });
    await ctx.revenue.collected(site.id, revenueRefs(batch));
  };
  // One batch in flight while the next is generated: the engine works off the JS thread.
  let inFlight: Promise<unknown> | null = null;
  const seed = opts.seed ?? 'tidemark-demo';
  const behaviour = demoBehaviour(seed, end);
  for (const traffic of generateTrafficBatches(
    {
      siteId: site.id,
      days,
      end,
      seed,
      visitorsPerDay,
      timezone: site.timezone,
      host: DEMO_DOMAIN,
      siteName: 'Tidemark Demo',
    },
    BATCH,
  )) {
    const batch = traffic.concat(behaviour.of(traffic));
    if (inFlight) await inFlight;
    inFlight = write(batch);
    events += batch.length;
    if (opts.log && performance.now() - lastLog > 2000) {
      lastLog = performance.now();
      opts.log(
        `  ${events.toLocaleString('en-US')} events written so far (${new Date(batch[batch.length - 1].ts).toISOString().slice(0, 10)})`,
      );
    }
  }
  if (inFlight) await inFlight;
  const rng = new Prng(`${seed}:recordings`);
  const traces = behaviour.recorded();
  for (const trace of traces) {
    const id = Array.from({ length: 4 }, () => rng.u32().toString(16).padStart(8, '0')).join('');
    await ctx.replay.storeGenerated(site, { id, ...trace }, recordingOf(trace, rng));
  }
  return { site, events, recordings: traces.length, generateAndWriteMs: Math.round(performance.now() - started) };
}
