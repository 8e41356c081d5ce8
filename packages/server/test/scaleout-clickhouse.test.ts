import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_COLUMNS, emptyEvent, parseQuery, type CanonicalEvent } from '@tidemark/core';
import { ClickHouseEventStore, ClickHouseHttp, DuckDbEventStore, parseClickHouseUrl, type EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import { HOSTILE_STRINGS } from './helpers/scaleout-hostile';
import { clickhouseAvailable, clickhouseDatabaseUrl, openTempClickHouseStore, uniqueName } from './helpers/scaleout';
import { batchOf } from './helpers/events';
import { MIGRATIONS } from '../src/store/clickhouse/schema';

const ALL_VERSIONS = MIGRATIONS.map((m) => ({ version: m.version }));

const status = await clickhouseAvailable('scaleout-clickhouse');

const SITE = 'site_ch';
const T0 = Date.parse('2024-03-10T12:00:00Z');
const v7 = (ms: number) => {
  const hex = ms.toString(16).padStart(12, '0') + crypto.randomBytes(10).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
const ev = (over: Partial<CanonicalEvent> & { ts: number }): CanonicalEvent => ({
  ...emptyEvent({ event_id: v7(over.ts), site_id: SITE, ts: over.ts, received_at: over.ts, name: 'page_view' }),
  visitor_id: 'v1',
  session_id: 's1',
  ...over,
});
const count = async (store: EventStore, where = '', params: unknown[] = []) =>
  Number((await store.query<{ n: number }>(`SELECT count() AS n FROM events WHERE site_id = ? ${where}`, [SITE, ...params]))[0]?.n);

describe.skipIf(!status.ok)('ClickHouse event store', () => {
  let store: ClickHouseEventStore;
  beforeAll(async () => {
    store = await openTempClickHouseStore('tidemark_chstore');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('runs on the server it finds and parses the URL forms', () => {
    expect(store.serverVersion).toMatch(/^\d+\.\d+/);
    expect(parseClickHouseUrl('clickhouse://u:p%40ss@db.internal/analytics')).toEqual({
      baseUrl: 'http://db.internal:8123',
      database: 'analytics',
      user: 'u',
      password: 'p@ss',
    });
    expect(parseClickHouseUrl('clickhouse://h:9999/x?secure=1').baseUrl).toBe('https://h:9999');
    expect(() => parseClickHouseUrl('clickhouse://h/bad-name')).toThrow(/database name/);
    expect(parseClickHouseUrl('clickhouse://h/db?insert_distributed_sync=1&secure=0').settings).toEqual({ insert_distributed_sync: '1' });
    expect(() => parseClickHouseUrl("clickhouse://h/db?x=1'%20OR")).toThrow(/invalid setting/);
  });

  it('round-trips hostile strings as bound values and as stored columns', async () => {
    for (const s of HOSTILE_STRINGS) {
      const [row] = await store.query<{ v: string; n: number }>('SELECT ? AS v, ? AS n', [s, 7]);
      expect(row).toEqual({ v: s, n: 7 });
    }
    const events = HOSTILE_STRINGS.map((s, i) => ev({ ts: T0 + i, path: `/h/${s}`, title: s, props: { k: s, [`x${i}`]: s } }));
    await store.write(batchOf(events));
    for (const [i, s] of HOSTILE_STRINGS.entries()) {
      const rows = await store.query<{ title: string; path: string; p: string }>(
        'SELECT title, path, visitParamExtractString(props, ?) AS p FROM events WHERE path = ? AND title = ?',
        [`x${i}`, `/h/${s}`, s],
      );
      expect(rows).toEqual([{ title: s, path: `/h/${s}`, p: s }]);
    }
    // Through the stats engine: the page filter and the props dimension see exactly the stored values.
    const stats = new StatsService(store, { now: () => T0 + 86_400_000 });
    const site = { id: SITE, timezone: 'UTC' };
    for (const s of ["'; DROP TABLE events; --", 'a\0b', '😀 emoji 👩‍👩‍👧', '\\']) {
      const q = parseQuery({
        site_id: SITE,
        date_range: { start: '2024-03-10', end: '2024-03-10' },
        metrics: ['pageviews'],
        filters: [['is', 'page', [`/h/${s}`]]],
      });
      expect((await stats.query(q, site)).rows).toEqual([{ pageviews: 1 }]);
    }
    const byProp = await stats.query(
      parseQuery({
        site_id: SITE,
        date_range: { start: '2024-03-10', end: '2024-03-10' },
        metrics: ['pageviews'],
        dimensions: ['props:k'],
        limit: 100,
      }),
      site,
    );
    expect(byProp.rows.map((r) => r['props:k']).sort()).toEqual([...HOSTILE_STRINGS].sort());
    expect(await count(store)).toBe(HOSTILE_STRINGS.length);
  });

  it('stores each event_id once: repeats in a batch, rewrites of a batch, retries with another time', async () => {
    const base = T0 + 3_600_000;
    const a = ev({ ts: base, name: 'dedupe_a' });
    const b = ev({ ts: base + 1, name: 'dedupe_b' });
    expect(await store.write(batchOf([a, b, { ...a }]))).toEqual({ inserted: 2, existingIds: [] });
    const again = await store.write(batchOf([a, b]));
    expect(again.inserted).toBe(0);
    expect(again.existingIds.sort()).toEqual([a.event_id, b.event_id].sort());
    // A client retry whose event got another server time is still the same event.
    expect((await store.write(batchOf([{ ...a, ts: base + 60_000, received_at: base + 60_000 }]))).inserted).toBe(0);
    expect(await count(store, "AND name IN ('dedupe_a', 'dedupe_b')")).toBe(2);
    // Upper-case ids are the same ids.
    expect((await store.write(batchOf([{ ...b, event_id: b.event_id.toUpperCase() }]))).inserted).toBe(0);
  });

  it('never counts a row written twice (a redelivered stream entry racing its first writer)', async () => {
    const e = ev({ ts: T0 + 7_200_000, name: 'raced', visitor_id: 'vr', session_id: 'sr' });
    await store.write(batchOf([e]));
    // The first writer's insert landed while the id check of the second had already run: insert the
    // identical row again below the store, as that race would.
    const http = new ClickHouseHttp(parseClickHouseUrl(clickhouseDatabaseUrl(store.database)));
    const [row] = await http.select<Record<string, unknown>>(`SELECT * FROM events WHERE event_id = '${e.event_id}'`);
    await http.insert('events', Object.keys(row!), [row!]);
    const physical = await http.select<{ n: number }>(`SELECT count() AS n FROM events WHERE name = 'raced'`);
    expect(Number(physical[0]!.n)).toBe(2);
    expect(await count(store, "AND name = 'raced'")).toBe(1);
    const stats = new StatsService(store, { now: () => T0 + 86_400_000 });
    const q = parseQuery({
      site_id: SITE,
      date_range: { start: '2024-03-10', end: '2024-03-10' },
      metrics: ['pageviews', 'sessions'],
      filters: [['is', 'event_name', ['raced']]],
    });
    expect((await stats.query(q, { id: SITE, timezone: 'UTC' })).rows).toEqual([{ pageviews: 0, sessions: 1 }]);
    await store.optimize('events');
    expect(Number((await http.select<{ n: number }>(`SELECT count() AS n FROM events WHERE name = 'raced'`))[0]!.n)).toBe(1);
  });

  it('adds drop counts per write, and a rewritten write replaces its own counts', async () => {
    const drops = [
      { site_id: SITE, day: '2024-03-10', reason: 'bot', count: 2 },
      { site_id: SITE, day: '2024-03-10', reason: 'bot', count: 3 },
      { site_id: SITE, day: '2024-03-11', reason: 'dnt', count: 1 },
    ];
    await store.writeKeyed([{ key: '1700000000000-0', batch: batchOf([], { drops }) }]);
    await store.writeKeyed([{ key: '1700000000000-0', batch: batchOf([], { drops }) }]); // redelivered entry
    await store.write(batchOf([], { drops: [{ site_id: SITE, day: '2024-03-10', reason: 'bot', count: 1 }] }));
    expect(await store.dropCounts(SITE, '2024-03-01', '2024-03-31')).toEqual([
      { site_id: SITE, day: '2024-03-10', reason: 'bot', count: 6 },
      { site_id: SITE, day: '2024-03-11', reason: 'dnt', count: 1 },
    ]);
    expect(await store.dropCounts(SITE, '2024-03-11', '2024-03-11')).toHaveLength(1);
  });

  it('lists quarantine newest first with paging, and purges raw and quarantine by age', async () => {
    const q = (i: number) => ({
      id: crypto.randomUUID(),
      site_id: SITE,
      received_at: T0 + i * 1000,
      contract: 'insighthub.collect',
      reason: 'invalid',
      errors: '[]',
      payload: `{"i":${i}}`,
    });
    const rows = [q(1), { ...q(2), payload: '{"i":2,"cut', original_bytes: 90_000 }, q(3), { ...q(3), id: crypto.randomUUID() }];
    const raw = [-5, 1, 2, 3].map((i) => ({
      id: crypto.randomUUID(),
      site_id: SITE,
      received_at: T0 + i * 86_400_000,
      contract: 'insighthub.collect',
      body: `{"n":${i}}`,
    }));
    await store.write(batchOf([], { quarantine: rows, raw }));
    await store.write(batchOf([], { quarantine: rows })); // a retry: the same rows once
    const page1 = await store.listQuarantine(SITE, { limit: 2 });
    expect(page1.map((r) => r.received_at)).toEqual([T0 + 3000, T0 + 3000]);
    const last = page1[1]!;
    const page2 = await store.listQuarantine(SITE, { limit: 10, before: last.received_at, beforeId: last.id });
    expect(page2.map((r) => r.payload)).toEqual(['{"i":2,"cut', '{"i":1}']);
    expect(page2[0]).toEqual({ ...rows[1], id: rows[1]!.id.toLowerCase() });
    expect(page2[1]).toEqual({ ...rows[0], id: rows[0]!.id.toLowerCase(), original_bytes: 0 });
    // Counted once each, the retried rows too: q(1), q(2) and the two rows at q(3)'s time.
    expect([
      await store.countQuarantine(SITE, T0),
      await store.countQuarantine(SITE, T0 + 2500),
      await store.countQuarantine('other', 0),
    ]).toEqual([4, 2, 0]);
    await store.write(
      batchOf([], {
        raw: [{ ...raw[3]!, id: crypto.randomUUID(), received_at: raw[3]!.received_at + 1, body: '{"prefix', original_bytes: 1_000_000 }],
      }),
    );
    expect(
      await store.query('SELECT body, original_bytes FROM raw_payloads WHERE received_at >= ? ORDER BY received_at', [raw[3]!.received_at]),
    ).toEqual([
      { body: raw[3]!.body, original_bytes: 0 },
      { body: '{"prefix', original_bytes: 1_000_000 },
    ]);
    // Everything received before day 2: the 4 quarantined rows (T0+1..3 s) and two raw payloads, one
    // of them in a day before the cutoff's (its partition is dropped whole).
    expect(await store.purgeRaw(T0 + 86_400_000 + 1)).toBe(6);
    const parts = await store.query<{ partition: string }>(
      "SELECT DISTINCT partition FROM system.parts WHERE database = ? AND table = 'raw_payloads' AND active",
      [store.database],
    );
    const days = parts.map((p) => p.partition.replace(/'/g, ''));
    expect(days).not.toContain('20240305');
    expect(days).toEqual(expect.arrayContaining(['20240312', '20240313']));
    expect(await store.listQuarantine(SITE)).toEqual([]);
    expect((await store.query<{ n: number }>('SELECT count() AS n FROM raw_payloads'))[0]!.n).toBe(3);
    expect(await store.purgeRaw(T0)).toBe(0);
  });

  it('repairs JSON text stored with lone surrogate escapes by an older release (migration 3)', async () => {
    const url = clickhouseDatabaseUrl(uniqueName('tidemark_repair'));
    const node = new ClickHouseEventStore(url);
    const http = new ClickHouseHttp(parseClickHouseUrl(url));
    const mutationsDone = async () => {
      for (let i = 0; i < 300; i++) {
        const [row] = await http.select<{ n: number }>(
          `SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0`,
        );
        if (!Number(row?.n)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('mutations did not finish');
    };
    try {
      await node.init();
      // Rows as releases before the store's guard wrote them: JSON.stringify escapes a lone surrogate.
      const bad = { ...ev({ ts: T0 }), props: JSON.stringify({ plan: 'pro\ud800', 'k\udc00': 'x\\ud800', ok: '😀' }) };
      const good = { ...ev({ ts: T0 + 1 }), props: JSON.stringify({ plan: 'basic' }) };
      await http.insert(
        'events',
        EVENT_COLUMNS.map((c) => c.name),
        [bad, good],
      );
      await http.insert(
        'quarantine',
        ['id', 'site_id', 'received_at', 'contract', 'reason', 'errors', 'payload'],
        [
          {
            id: v7(T0),
            site_id: SITE,
            received_at: T0,
            contract: 'c',
            reason: 'r',
            errors: '[{"path":"\\udc00"}]',
            payload: '{"p":"\\ud800"}',
          },
        ],
      );
      // Later migrations are rewound too: the runner applies only versions above the highest one recorded.
      await http.exec('ALTER TABLE schema_version DELETE WHERE version >= 3');
      await mutationsDone();
      await node.init();
      await mutationsDone();
      const rows = await node.query<{ event_id: string; props: string }>('SELECT event_id, props FROM events ORDER BY ts');
      expect(rows.map((r) => JSON.parse(r.props))).toEqual([{ plan: 'pro\ufffd', 'k\ufffd': 'x\\ud800', ok: '😀' }, { plan: 'basic' }]);
      expect(rows.every((r) => !/\\ud[89a-f]/i.test(r.props.replace(/\\\\/g, '')))).toBe(true);
      expect((await node.listQuarantine(SITE)).map((q) => [q.errors, q.payload])).toEqual([['[{"path":"\\ufffd"}]', '{"p":"\\ufffd"}']]);
      expect(await node.query('SELECT DISTINCT version FROM schema_version ORDER BY version')).toEqual(ALL_VERSIONS);
    } finally {
      await node.dropDatabase();
    }
  });

  it('migrates idempotently, also when several nodes start at once', async () => {
    const url = clickhouseDatabaseUrl(uniqueName('tidemark_mig'));
    const nodes = [1, 2, 3].map(() => new ClickHouseEventStore(url));
    try {
      await Promise.all(nodes.map((n) => n.init()));
      await nodes[0]!.init();
      const versions = await nodes[1]!.query<{ version: number }>('SELECT DISTINCT version FROM schema_version ORDER BY version');
      expect(versions).toEqual(ALL_VERSIONS);
      // Steps run again over tables they already changed (another node migrated between this one's check and its
      // statements) change nothing and fail nothing: here every step, the ADD COLUMNs included.
      await new ClickHouseHttp(parseClickHouseUrl(url)).exec('DROP TABLE schema_version');
      const again = new ClickHouseEventStore(url);
      await again.init();
      await again.close();
      expect(await nodes[1]!.query('SELECT DISTINCT version FROM schema_version ORDER BY version')).toEqual(versions);
      const cols = await nodes[2]!.query<{ name: string }>('DESCRIBE TABLE events');
      expect(cols.map((c) => c.name)).toEqual(EVENT_COLUMNS.map((c) => c.name));
    } finally {
      await nodes[0]!.dropDatabase();
    }
  });
});

describe.skipIf(!status.ok)('ingestion parity: the same batches stored by DuckDB and ClickHouse read back identically', () => {
  let duck: DuckDbEventStore;
  let ch: ClickHouseEventStore;
  beforeAll(async () => {
    duck = await DuckDbEventStore.open(':memory:');
    await duck.init();
    ch = await openTempClickHouseStore('tidemark_parity');
  });
  afterAll(async () => {
    await duck?.close();
    await ch?.close();
  });

  it('writes, dedupes and reads every column alike', async () => {
    const events = HOSTILE_STRINGS.map((s, i) =>
      ev({
        ts: T0 + i * 1000,
        received_at: T0 + i * 1000 + 5,
        name: i % 3 ? 'page_view' : 'signup',
        title: s,
        path: `/p/${i}`,
        props: { s, n: String(i) },
        screen_w: i % 2 ? 1920 : null,
        screen_h: i % 2 ? 1080 : null,
        revenue_amount: i % 4 ? null : i * 1.25,
        revenue_currency: i % 4 ? '' : 'EUR',
        scroll_depth: i % 5 ? null : 50,
        country: 'DE',
        user_id: s.slice(0, 10),
      }),
    );
    const first = batchOf([...events.slice(0, 10), events[0]!]);
    const second = batchOf(events);
    for (const store of [duck, ch] as EventStore[]) {
      expect((await store.write(first)).inserted).toBe(10);
      const r = await store.write(second);
      expect(r.inserted).toBe(events.length - 10);
      expect(r.existingIds.length).toBe(10);
    }
    const read = async (store: EventStore) => {
      const tsExpr = (c: string) => (store.dialect === 'duckdb' ? `epoch_ms(${c})` : c);
      const idExpr = store.dialect === 'duckdb' ? 'CAST(event_id AS VARCHAR)' : 'event_id';
      const select = EVENT_COLUMNS.map((c) =>
        c.kind === 'timestamp_ms' ? `${tsExpr(c.name)} AS ${c.name}` : c.kind === 'uuid' ? `${idExpr} AS ${c.name}` : c.name,
      ).join(', ');
      const rows = await store.query<Record<string, unknown>>(`SELECT ${select} FROM events WHERE site_id = ? ORDER BY ts, event_id`, [
        SITE,
      ]);
      return rows.map((r) => ({ ...r, ts: Number(r.ts), received_at: Number(r.received_at), props: JSON.parse(String(r.props)) }));
    };
    const [a, b] = [await read(duck), await read(ch)];
    expect(b).toHaveLength(events.length);
    expect(b).toEqual(a);
  });
});
