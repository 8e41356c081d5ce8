import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_COLUMNS, emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { CLICKHOUSE_MIGRATIONS, CLICKHOUSE_SCHEMA_VERSION, ClickHouseEventStore } from '../src/store';
import { runStatsSuite } from './stats-suite';
import { ChdbClient, loadChdb, openChdbStore } from './helpers/chdb';
import { runLifecycleSuite } from './lifecycle-suite';
import { runImportsSuite } from './imports-suite';
import { HOSTILE_STRINGS } from './helpers/scaleout-hostile';
import { batchOf } from './helpers/events';

// A current ClickHouse release (chdb, in-process) next to Debian's 18.16 (the scale-out suites): the
// schema's migrations, every statement the shared report suite compiles for the ClickHouse dialect (with
// the same expectations as DuckDB and 18.16), the shared lifecycle suite (retention, site purges, data
// subjects), the shared imports suite and the event store's own statements.
const status = loadChdb('clickhouse-conformance');

if (status.ok) {
  const chdb = status.chdb;
  runStatsSuite('ClickHouse, current release (chdb)', () => openChdbStore(chdb));
  runLifecycleSuite('ClickHouse, current release (chdb)', {
    async open(name) {
      const store = new ClickHouseEventStore(new ChdbClient(chdb, name));
      await store.init();
      return store;
    },
    async destroy(name) {
      await new ClickHouseEventStore(new ChdbClient(chdb, name)).dropDatabase();
    },
  });
  const importsDb = `imports_${process.pid}`;
  runImportsSuite('ClickHouse, current release (chdb)', {
    async open() {
      const store = new ClickHouseEventStore(new ChdbClient(chdb, importsDb));
      await store.init();
      return store;
    },
    async destroy() {
      await new ClickHouseEventStore(new ChdbClient(chdb, importsDb)).dropDatabase();
    },
  });
} else describe.skip(`stats reports, data lifecycle and imports on a current ClickHouse (${status.reason})`, () => {});

const SITE = 'site_conf';
const T0 = Date.parse('2024-03-10T12:00:00Z');
const ev = (ts: number, over: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  ...emptyEvent({ event_id: crypto.randomUUID(), site_id: SITE, ts, received_at: ts, name: 'page_view' }),
  visitor_id: 'v1',
  session_id: 's1',
  ...over,
});

describe.skipIf(!status.ok)('ClickHouse event store statements on a current release (chdb)', () => {
  let store: ClickHouseEventStore;
  beforeAll(async () => {
    if (status.ok) store = await openChdbStore(status.chdb);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('creates the schema of this release on it, idempotently', async () => {
    expect(Number(store.serverVersion?.split('.')[0])).toBeGreaterThanOrEqual(24); // the analyzer is on by default since 24.3
    const [analyzer] = await store.query<{ on: number }>("SELECT toUInt8(getSetting('enable_analyzer')) AS on");
    expect(Number(analyzer!.on)).toBe(1);
    await store.init();
    const [versions] = await store.query<{ n: number; v: number }>('SELECT count() AS n, max(version) AS v FROM schema_version');
    // One row per migration (numbers may leave gaps: they are assigned per change).
    expect(versions).toEqual({ n: CLICKHOUSE_MIGRATIONS.length, v: CLICKHOUSE_SCHEMA_VERSION });
    const cols = await store.query<{ name: string; type: string }>('DESCRIBE TABLE events');
    expect(cols.map((c) => c.name)).toEqual(EVENT_COLUMNS.map((c) => c.name));
    expect(cols.find((c) => c.name === 'browser')?.type).toBe('LowCardinality(String)');
  });

  it('binds hostile strings and stores each event id once', async () => {
    for (const s of HOSTILE_STRINGS) expect(await store.query('SELECT ? AS v, ? AS n', [s, 7])).toEqual([{ v: s, n: 7 }]);
    const events = HOSTILE_STRINGS.map((s, i) => ev(T0 + i, { title: s, path: `/h/${i}` }));
    expect((await store.write(batchOf([...events, events[0]!]))).inserted).toBe(events.length);
    const again = await store.write(batchOf([{ ...events[1]!, ts: T0 + 60_000, event_id: events[1]!.event_id.toUpperCase() }]));
    expect(again).toEqual({ inserted: 0, existingIds: [events[1]!.event_id] });
    const rows = await store.query<{ title: string }>('SELECT title FROM events WHERE site_id = ? ORDER BY ts', [SITE]);
    expect(rows.map((r) => r.title)).toEqual(HOSTILE_STRINGS);
  });

  it('sums drop counts per write and pages quarantine', async () => {
    const drops = [
      { site_id: SITE, day: '2024-03-10', reason: 'bot', count: 2 },
      { site_id: SITE, day: '2024-03-11', reason: 'dnt', count: 1 },
    ];
    await store.writeKeyed([{ key: 'k1', batch: batchOf([], { drops }) }]);
    await store.writeKeyed([{ key: 'k1', batch: batchOf([], { drops }) }]); // redelivered: replaces its own row
    await store.writeKeyed([{ key: 'k2', batch: batchOf([], { drops: [drops[0]!] }) }]);
    expect(await store.dropCounts(SITE, '2024-03-01', '2024-03-31')).toEqual([
      { site_id: SITE, day: '2024-03-10', reason: 'bot', count: 4 },
      { site_id: SITE, day: '2024-03-11', reason: 'dnt', count: 1 },
    ]);
    const q = (i: number) => ({
      id: crypto.randomUUID(),
      site_id: SITE,
      received_at: T0 + i * 1000,
      contract: 'insighthub.collect',
      reason: 'invalid',
      errors: '[]',
      payload: `{"i":${i}}`,
    });
    await store.write(batchOf([], { quarantine: [q(1), q(2), q(3)] }));
    const [first, second] = await store.listQuarantine(SITE, { limit: 2 });
    expect([first!.payload, second!.payload]).toEqual(['{"i":3}', '{"i":2}']);
    const rest = await store.listQuarantine(SITE, { before: second!.received_at, beforeId: second!.id });
    expect(rest.map((r) => r.payload)).toEqual(['{"i":1}']);
  });

  it('purges raw payloads and quarantine by age (partitions dropped, the rest by a mutation)', async () => {
    const raw = [-5, 1, 2].map((d) => ({
      id: crypto.randomUUID(),
      site_id: SITE,
      received_at: T0 + d * 86_400_000,
      contract: 'insighthub.collect',
      body: `{"d":${d}}`,
    }));
    await store.write(batchOf([], { raw }));
    // Before day 1 + 1 ms: three quarantined rows and two raw payloads (one in a whole earlier day).
    expect(await store.purgeRaw(T0 + 86_400_000 + 1)).toBe(5);
    expect(await store.query('SELECT body FROM raw_payloads')).toEqual([{ body: '{"d":2}' }]);
    expect(await store.listQuarantine(SITE)).toEqual([]);
  });
});
