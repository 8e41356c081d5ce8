/**
 * `npx tsx bench/triggers/run.ts [--rate N] [--runs N] [--no-write]`: one trigger evaluation pass
 * (triggers/, the job's `evaluate` of one site) over one hour of events at the bench ingest rate
 * (bench/README.md "Ingest": 20,811 events/s → 74.9 million events in the hour), on DuckDB with SQLite
 * metadata. Baseline in the same run: a plain count of the same hour's events.
 *
 * Data: one minute of events (rate × 60) written through the event store, then copied into the other 59
 * minutes inside the engine (new event ids and visitor ids per minute), kept in bench/.data/triggers-<n>/.
 * Mix per minute: page views, 0.1 % `signup_click` on /pricing, 0.05 % `checkout_start` of which half
 * reach `checkout_done` within 10 minutes. Triggers: the sign-up click (1 per day), checkout abandoned
 * (goal not completed within 30 minutes), inactive 7 days. Every pass starts from an empty firing log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore, type EventStore } from '../../packages/server/src/store';
import { openMetaStore } from '../../packages/server/src/meta';
import { ServerKeys } from '../../packages/server/src/secrets';
import { StatsService } from '../../packages/server/src/stats';
import { TriggerService } from '../../packages/server/src/triggers';
import type { DestinationsApi } from '../../packages/server/src/destinations';
import { fmt, machineInfo, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';

const HOUR_START = Date.UTC(2026, 5, 30, 14);
const MIN = 60_000;

function uuid7(ms: number, rng: Prng): string {
  const hex = (n: number, w: number) => Math.floor(n).toString(16).padStart(w, '0');
  const t = hex(ms, 12);
  const r = () => hex(rng.next() * 0x10000, 4);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r().slice(1)}-${hex(0x8000 + rng.next() * 0x3fff, 4)}-${r()}${r()}${r()}`;
}

/** The first minute's events (the other minutes are copies shifted in time). */
function minuteBatch(rng: Prng, siteId: string, from: number, n: number, seq: number, perMinute: number): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < n; i++) {
    const k = seq + i;
    const ts = HOUR_START + Math.floor((k / perMinute) * MIN);
    const e = emptyEvent({ event_id: uuid7(ts, rng), site_id: siteId, ts, received_at: ts, name: 'page_view' });
    const visitor = k % Math.ceil(perMinute / 8);
    e.visitor_id = `v${visitor}`;
    e.session_id = `s${visitor}`;
    e.host = 'bench.example';
    const u = rng.next();
    if (u < 0.001) {
      e.name = 'signup_click';
      e.path = '/pricing/team';
    } else if (u < 0.0015) {
      e.name = 'checkout_start';
      e.path = '/checkout';
    } else if (u < 0.00175) {
      e.name = 'checkout_done';
      e.path = '/checkout/done';
    } else e.path = `/docs/${rng.int(1, 200)}`;
    e.url = `https://bench.example${e.path}`;
    out.push(e);
  }
  void from;
  return out;
}

async function ensureData(store: EventStore, dir: string, siteId: string, perMinute: number): Promise<number> {
  const ready = path.join(dir, 'READY');
  if (fs.existsSync(ready)) return Number(fs.readFileSync(ready, 'utf8'));
  const rng = new Prng('triggers-bench');
  const t0 = performance.now();
  for (let done = 0; done < perMinute; done += 100_000) {
    const n = Math.min(100_000, perMinute - done);
    await store.write({ events: minuteBatch(rng, siteId, HOUR_START, n, done, perMinute), raw: [], quarantine: [], drops: [] });
  }
  console.log(`[triggers] first minute (${fmt(perMinute)} events) written in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const derived = await store.openDerivedTables();
  try {
    for (let m = 1; m < 60; m++) {
      // Minute m: the first minute's rows, m minutes later, with new event ids and visitor ids of their own
      // (every fourth visitor comes back from the minute before, so people span minutes).
      await derived.run(
        `INSERT INTO events SELECT * REPLACE (
           uuid() AS event_id,
           ts + to_minutes(CAST(? AS BIGINT)) AS ts,
           received_at + to_minutes(CAST(? AS BIGINT)) AS received_at,
           CASE WHEN hash(visitor_id) % 4 = 0 THEN visitor_id || '-' || CAST(? AS VARCHAR) ELSE visitor_id || '-' || CAST(? AS VARCHAR) END AS visitor_id)
         FROM events WHERE site_id = ? AND ts < epoch_ms(CAST(? AS BIGINT))`,
        [m, m, m - 1, m, siteId, HOUR_START + MIN],
      );
      if (m % 10 === 0) console.log(`[triggers] minute ${m} copied`);
    }
  } finally {
    await derived.close();
  }
  const [row] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE site_id = ?', [siteId]);
  const total = Number(row?.n ?? 0);
  console.log(`[triggers] ${fmt(total)} events in the hour, ${fmt((performance.now() - t0) / 1000, 1)} s to build`);
  fs.writeFileSync(ready, `${total}\n`);
  return total;
}

const sink: DestinationsApi = { deliver: async () => ({ ok: true }), syncList: async () => ({ ok: true }) };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '20811' },
      runs: { type: 'string', default: '3' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const rate = Number(values.rate);
  const perMinute = rate * 60;
  const runs = Number(values.runs);
  const machine = machineInfo();
  console.log(`[triggers] ${machine}`);
  const dir = path.resolve('bench/.data', `triggers-${rate}`);
  fs.mkdirSync(dir, { recursive: true });
  const metaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-trigger-bench-'));
  const meta = await openMetaStore({ dataDir: metaDir });
  const store = await openEventStore(loadConfig({ TIDEMARK_DATA_DIR: dir }));
  try {
    const org = await meta.orgs.create('Bench');
    // The event data names its site: a fixed id, the site row made for it.
    const fixed = '0190c000-0000-7000-8000-0000000c0de1';
    const made = await meta.sites.create(org.id, { name: 'bench', domain: 'bench.example' });
    await meta.db.updateTable('sites').set({ id: fixed }).where('id', '=', made.id).execute();
    const total = await ensureData(store, dir, fixed, perMinute);
    const goal = await meta.goals.create(fixed, { name: 'Checkout done', type: 'event', match: { event_name: 'checkout_done' } });
    let now = HOUR_START - MIN;
    const keys = ServerKeys.fromString('b'.repeat(32));
    const svc = new TriggerService({
      meta,
      events: store,
      stats: new StatsService(store),
      keys,
      destinations: sink,
      now: () => now,
      options: { firstSpanMs: 60 * MIN },
    });
    const hook = { type: 'webhook' as const, url: 'https://hooks.example/x' };
    await svc.create(fixed, {
      name: 'Signup',
      condition: { type: 'event', event: { name: 'signup_click', path: '/pricing*' } },
      actions: [hook],
      max_frequency: { count: 1, per: 'day' },
    });
    await svc.create(fixed, {
      name: 'Abandoned',
      condition: { type: 'goal_not_completed', after: { name: 'checkout_start' }, goal_id: goal.id, within_minutes: 30 },
      actions: [hook],
    });
    await svc.create(fixed, { name: 'Dormant', condition: { type: 'inactive', days: 7 }, actions: [hook] });

    const passes: number[] = [];
    let summary = { occurrences: 0, queued: 0, skipped: 0 };
    for (let i = 0; i < runs; i++) {
      // An empty log and no watermark: every pass decides the whole hour.
      await meta.db.deleteFrom('trigger_actions' as never).execute();
      await meta.db.deleteFrom('trigger_firings' as never).execute();
      await meta.db.deleteFrom('trigger_settings' as never).execute();
      now = HOUR_START + 60 * MIN;
      const t0 = performance.now();
      summary = await svc.evaluate(fixed);
      passes.push(performance.now() - t0);
      console.log(
        `[triggers] pass ${i + 1}: ${fmt(passes[i]!)} ms, ${fmt(summary.occurrences)} occurrences, ${fmt(summary.queued)} queued`,
      );
    }
    const counts: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await store.query(
        'SELECT count(*) AS n FROM events WHERE site_id = ? AND ts >= epoch_ms(CAST(? AS BIGINT)) AND ts < epoch_ms(CAST(? AS BIGINT))',
        [fixed, HOUR_START, HOUR_START + 60 * MIN],
      );
      counts.push(performance.now() - t0);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const passLine = `one evaluation pass over the hour: median ${fmt(median(passes))} ms of ${runs} (${passes.map((x) => fmt(x)).join(', ')}), ${fmt(summary.occurrences)} occurrences decided, ${fmt(summary.queued)} actions queued`;
    const countLine = `baseline, a plain count of the hour's events: median ${fmt(median(counts))} ms (${counts.map((x) => fmt(x)).join(', ')})`;
    console.log(`[triggers] ${passLine}\n[triggers] ${countLine}`);
    if (!values['no-write'])
      writeResultSection(
        'triggers',
        `### Last run (${today()})\n\n${machine}; run as \`nice -n -19 npx tsx bench/triggers/run.ts\`.\n${fmt(total)} events in one hour (${fmt(rate)} events/s, the ingest bench's rate), DuckDB events, SQLite metadata; three triggers (an event with a daily cap, checkout abandoned within 30 minutes, inactive 7 days).\n\n- ${passLine}\n- ${countLine}`,
      );
  } finally {
    await store.close();
    await meta.close();
    fs.rmSync(metaDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
