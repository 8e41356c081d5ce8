import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@tidemark/core';
import { generateTraffic } from '@tidemark/testkit';
import { ClickHouseEventStore, DuckDbEventStore, type EventStore } from '../src/store';
import type { Config } from '../src/config';
import { openMetaStore } from '../src/meta';
import { retentionCommand } from '../src/cli';
import { startTestServer, tempDataDir } from './helpers/server';
import { signUp } from './helpers/accounts';
import { CHROME_UA } from './helpers/collect';
import { createTempPgDatabase, postgresAvailable } from './helpers/meta-engines';
import { clickhouseAvailable, clickhouseDatabaseUrl, redisAvailable, REDIS_TEST_URL, uniqueName } from './helpers/scaleout';

// End to end on the embedded server: DELETE /api/sites/:id answers at once, the site's data is purged,
// a restart finishes the purge (also of events committed after the first pass), and the site's
// tracking id is refused from then on. `tidemark retention run` applies retention and says what it removed.

const env = { TIDEMARK_PURGE_SETTLE_MS: '0', TIDEMARK_LIFECYCLE_FIRST_RUN_MS: '0' };
const DAY = 86_400_000;

async function collect(base: string, trackingId: string, host: string, n: number) {
  const events = Array.from({ length: n }, (_, i) => ({
    event_id: crypto.randomUUID(),
    name: 'page_view',
    properties: { url: `https://${host}/p${i}` },
  }));
  const res = await fetch(`${base}/api/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: `https://${host}`, 'user-agent': CHROME_UA, 'accept-language': 'en-US' },
    body: JSON.stringify({ site_id: trackingId, events }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const countEvents = async (store: EventStore, siteId: string) =>
  Number((await store.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE site_id = ?', [siteId]))[0]?.n ?? 0);

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Deployment {
  name: string;
  /** Server configuration beyond the data directory (stores, Redis). */
  overrides: Partial<Config>;
  /** The deployment's event store opened by itself while the server is stopped. */
  openStore(dataDir: string): Promise<EventStore>;
  cleanup?(): Promise<void>;
}

function deletionOverHttp(d: Deployment): void {
  it(`answers at once, purges the data, finishes after a restart and refuses the tracking id (${d.name})`, async () => {
    const dataDir = tempDataDir();
    let s = await startTestServer({ dataDir, ...d.overrides }, env);
    try {
      const { client } = await signUp(s.url, 'lifecycle-owner@example.com');
      const doomed = (await client.post('/api/sites', { name: 'Doomed', domain: 'doomed.example' })).body;
      const kept = (await client.post('/api/sites', { name: 'Kept', domain: 'kept.example' })).body;
      expect((await collect(s.url, doomed.tracking_id, 'doomed.example', 3)).status).toBe(202);
      expect((await collect(s.url, kept.tracking_id, 'kept.example', 2)).status).toBe(202);
      const events = s.ctx.events;
      await waitFor(async () => (await countEvents(events, doomed.id)) === 3 && (await countEvents(events, kept.id)) === 2);

      const del = await client.del(`/api/sites/${doomed.id}`);
      expect(del.status).toBe(204);
      expect((await client.get(`/api/sites/${doomed.id}`)).status).toBe(404);
      const refused = await collect(s.url, doomed.tracking_id, 'doomed.example', 1);
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ success: false, error: { code: 'unknown_site' } });

      await s.ctx.lifecycle.idle();
      expect(await countEvents(events, doomed.id)).toBe(0);
      expect(
        Number((await events.query<{ n: number }>('SELECT count(*) AS n FROM raw_payloads WHERE site_id = ?', [doomed.id]))[0]?.n),
      ).toBe(0);
      expect(await countEvents(events, kept.id)).toBe(2);
      expect(await s.ctx.meta.sitePurges.byId(doomed.id)).toMatchObject({ passes: 1, completed_at: null });
      await s.stop();

      // A batch accepted before the deletion that committed after the first pass (group commit, stream backlog).
      const store = await d.openStore(dataDir);
      const late = [...generateTraffic({ siteId: doomed.id, days: 1, seed: 'late', totalEvents: 50, end: Date.now() })];
      await store.write({ events: late, raw: [], quarantine: [], drops: [] });
      expect(await countEvents(store, doomed.id)).toBe(late.length);
      await store.close();

      // The restarted server finishes the purge at start; a pass that finds nothing completes it.
      s = await startTestServer({ dataDir, ...d.overrides }, env);
      const ctx = s.ctx;
      await waitFor(async () => ((await ctx.meta.sitePurges.byId(doomed.id))?.passes ?? 0) >= 2);
      await ctx.lifecycle.idle();
      expect(await countEvents(ctx.events, doomed.id)).toBe(0);
      const [last] = await ctx.lifecycle.processPurges();
      expect(last).toMatchObject({ site_id: doomed.id, completed: true });
      expect((await collect(s.url, doomed.tracking_id, 'doomed.example', 1)).status).toBe(404);
      expect(await countEvents(ctx.events, doomed.id)).toBe(0);
      expect(await countEvents(ctx.events, kept.id)).toBe(2);
    } finally {
      await s.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
      await d.cleanup?.();
    }
  }, 120_000);
}

describe('deleting a site over HTTP', () => {
  deletionOverHttp({
    name: 'embedded',
    overrides: {},
    async openStore(dataDir) {
      const store = await DuckDbEventStore.open(path.join(dataDir, 'events.duckdb'));
      await store.init();
      return store;
    },
  });
});

// Scale-out: ClickHouse events, PostgreSQL metadata, collectors → Redis stream → worker, jobs leader-locked.
const redisStatus = await redisAvailable('lifecycle-http');
const chStatus = redisStatus.ok ? await clickhouseAvailable('lifecycle-http') : redisStatus;
const pgStatus = chStatus.ok ? await postgresAvailable() : chStatus;
if (pgStatus.ok) {
  const database = uniqueName('tidemark_lifecycle_http');
  const pg = await createTempPgDatabase();
  describe('deleting a site over HTTP at scale', () => {
    deletionOverHttp({
      name: 'scale-out',
      overrides: {
        eventsUrl: clickhouseDatabaseUrl(database),
        databaseUrl: pg.url,
        redisUrl: REDIS_TEST_URL,
        redisPrefix: `${database}:`,
        secret: crypto.randomBytes(32).toString('hex'),
      },
      async openStore() {
        const store = new ClickHouseEventStore(clickhouseDatabaseUrl(database));
        await store.init();
        return store;
      },
      async cleanup() {
        await new ClickHouseEventStore(clickhouseDatabaseUrl(database)).dropDatabase();
        await pg.drop();
      },
    });
  });
} else describe.skip(`deleting a site over HTTP at scale (${pgStatus.reason})`, () => {});

describe('tidemark retention run', () => {
  it("applies every site's retention once and prints what it removed per site", async () => {
    const dataDir = tempDataDir();
    try {
      const meta = await openMetaStore({ dataDir });
      const org = await meta.orgs.create('Retention CLI');
      const short = await meta.sites.create(org.id, { name: 'Short', domain: 'short.example', retention_days: 3 });
      const forever = await meta.sites.create(org.id, { name: 'Forever', domain: 'forever.example' });
      await meta.close();
      const end = Math.floor(Date.now() / DAY) * DAY;
      const traffic = (siteId: string): CanonicalEvent[] => [
        ...generateTraffic({ siteId, days: 10, end, seed: siteId, totalEvents: 1500 }),
      ];
      const events = [...traffic(short.id), ...traffic(forever.id)];
      const cutoff = end - 3 * DAY;
      const old = events.filter((e) => e.site_id === short.id && e.ts < cutoff).length;
      expect(old).toBeGreaterThan(0);
      const store = await DuckDbEventStore.open(path.join(dataDir, 'events.duckdb'));
      await store.init();
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      await store.close();

      const lines: string[] = [];
      await retentionCommand(['run'], (l) => lines.push(l), { TIDEMARK_DATA_DIR: dataDir, TIDEMARK_LOG_LEVEL: 'silent' });
      const out = lines.join('\n');
      expect(out).toContain(`Short (${short.id}): retention 3 d, before ${new Date(cutoff).toISOString().slice(0, 10)}: events ${old}`);
      expect(out).not.toContain('Forever');

      const reopened = await DuckDbEventStore.open(path.join(dataDir, 'events.duckdb'));
      await reopened.init();
      try {
        expect(await countEvents(reopened, short.id)).toBe(events.filter((e) => e.site_id === short.id).length - old);
        expect(await countEvents(reopened, forever.id)).toBe(events.filter((e) => e.site_id === forever.id).length);
      } finally {
        await reopened.close();
      }
      await expect(retentionCommand(['now'], () => undefined, { TIDEMARK_DATA_DIR: dataDir })).rejects.toThrow(
        /usage: tidemark retention run/,
      );
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
