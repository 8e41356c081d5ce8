import crypto from 'node:crypto';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { AlertService } from '../src/alerts';
import { UnconfiguredMailer } from '../src/auth';
import { siteExportSource, writeSiteExport } from '../src/exports';
import { openMetaStore, type MetaStore, type SiteRecord } from '../src/meta';
import { ServerKeys } from '../src/secrets';
import { StatsService } from '../src/stats';
import type { EventStore } from '../src/store';
import { tempDataDir } from './helpers/server';

/**
 * The operations features that read events, on one engine: the whole-site export (reports and every
 * event, read hour by hour) and an alert's value for a closed hour, each against counts made here from
 * the events written. Run on DuckDB and ClickHouse (export-duckdb/-clickhouse.test.ts).
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function runExportSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`site export and alert values on ${engine}`, () => {
    let store: EventStore;
    let meta: MetaStore;
    let site: SiteRecord;
    const dataDir = tempDataDir();
    const today = Date.parse(`${dayOf(Date.now())}T00:00:00Z`);
    const FROM = dayOf(today - 4 * DAY);
    const TO = dayOf(today - 2 * DAY);
    let events: CanonicalEvent[] = [];

    beforeAll(async () => {
      store = await makeStore();
      meta = await openMetaStore({ dataDir });
      const org = await meta.orgs.create('Suite');
      site = await meta.sites.create(org.id, {
        name: 'Suite',
        domain: `suite-${crypto.randomBytes(3).toString('hex')}.example`,
        timezone: 'UTC',
      });
      events = Array.from({ length: 2300 }, (_, i) => {
        const ts = today - (1 + (i % 5)) * DAY + ((i * 7919) % 86_000) * 1000;
        const e = emptyEvent({
          event_id: crypto.randomUUID(),
          site_id: site.id,
          ts,
          received_at: ts,
          name: i % 7 === 0 ? 'signup' : 'page_view',
        });
        e.visitor_id = `v${i % 280}`;
        e.session_id = `v${i % 280}-${dayOf(ts)}`;
        e.path = ['/', '/a', '/b/c', '=cmd'][i % 4]!;
        e.host = site.domain;
        return e;
      });
      await store.write({ events, raw: [], quarantine: [], drops: [] });
    }, 120_000);
    afterAll(async () => {
      await store?.close();
      await meta?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('exports the reports and every event of the range, as counted here', async () => {
      const chunks: Buffer[] = [];
      const out = new Writable({
        write(chunk, _enc, done) {
          chunks.push(chunk);
          done();
        },
      });
      const summary = await writeSiteExport(out, siteExportSource(meta, new StatsService(store), site), {
        from: FROM,
        to: TO,
        events: 'ndjson',
      });
      const files = unzipSync(new Uint8Array(Buffer.concat(chunks)));
      const want = events.filter((e) => dayOf(e.ts) >= FROM && dayOf(e.ts) <= TO);
      expect(summary.events).toBe(want.length);
      const ids = strFromU8(files['events.ndjson']!)
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event_id: string }).event_id);
      expect(ids).toHaveLength(want.length);
      expect(new Set(ids)).toEqual(new Set(want.map((e) => e.event_id)));
      const overview = parseCsv(strFromU8(files['overview.csv']!), { columns: true }) as Array<Record<string, string>>;
      for (const r of overview) expect(Number(r.events) + Number(r.pageviews), r.date).toBeGreaterThan(0);
      for (const r of overview)
        expect(Number(r.pageviews), r.date).toBe(want.filter((e) => dayOf(e.ts) === r.date && e.name === 'page_view').length);
      const custom = parseCsv(strFromU8(files['custom_events.csv']!), { columns: true }) as Array<Record<string, string>>;
      expect(custom.find((r) => r.name === 'signup')?.visitors).toBe(
        String(new Set(want.filter((e) => e.name === 'signup').map((e) => e.visitor_id)).size),
      );
    });

    it('gives an alert the value of its closed hour (custom event count)', async () => {
      const keys = new ServerKeys(crypto.randomBytes(32));
      const alerts = new AlertService({
        meta,
        stats: new StatsService(store),
        keys,
        mailer: new UnconfiguredMailer(() => {}),
        allowPrivate: false,
      });
      const created = await alerts.create(
        site,
        {
          name: 'Signups',
          metric: 'events',
          event_name: 'signup',
          condition: 'above',
          threshold: 0,
          comparison_period: 'hour',
          channels: [{ type: 'email', to: ['ops@example.com'] }],
        },
        null,
      );
      // The busiest hour of signups two days ago: evaluated just after it closed.
      const perHour = new Map<number, number>();
      for (const e of events)
        if (e.name === 'signup') perHour.set(Math.floor(e.ts / HOUR) * HOUR, (perHour.get(Math.floor(e.ts / HOUR) * HOUR) ?? 0) + 1);
      const [hour, count] = [...perHour].filter(([h]) => dayOf(h) === TO).sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
      const row = (await meta.alerts.get(site.id, created.id))!;
      expect(await alerts.evaluate(site, row, hour + HOUR + 60_000)).toBe('fired');
      const after = (await meta.alerts.get(site.id, created.id))!;
      expect([Number(after.last_value), Number(after.last_bucket)]).toEqual([count, hour]);
      const [event] = await alerts.history(site, created.id);
      expect(event).toMatchObject({ kind: 'fired', value: count, bucket: new Date(hour).toISOString() });
      expect(event!.deliveries).toEqual([
        { channel: 'email', ok: false, attempts: 1, status: null, error: 'mail is not configured (SMTP_URL)' },
      ]);
    });
  });
}
