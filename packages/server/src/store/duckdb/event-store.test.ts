import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TidemarkError } from '@tidemark/core';
import { DuckDbEventStore, type DuckDbEventStoreOptions } from './event-store';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { batchOf, encodeWithPropsText, makeEvent, tempDir, uuidv4, uuidv7 } from '../../../test/helpers/events';
import { encodeEvents } from './event-pack';
import { DuckDbClient } from './client';

const dirs: string[] = [];
const stores: DuckDbEventStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function openStore(file?: string, opts: DuckDbEventStoreOptions = {}): Promise<{ store: DuckDbEventStore; file: string }> {
  if (!file) {
    const dir = tempDir('store');
    dirs.push(dir);
    file = path.join(dir, 'events.duckdb');
  }
  const store = await DuckDbEventStore.open(file, opts);
  await store.init();
  stores.push(store);
  return { store, file };
}

const count = async (store: DuckDbEventStore, where = 'true', params: unknown[] = []) =>
  (await store.query<{ n: number }>(`SELECT count(*) AS n FROM events WHERE ${where}`, params))[0]!.n;

describe('DuckDbEventStore', () => {
  it('stores every canonical column with its type and reads it back', async () => {
    const { store } = await openStore();
    const ts = Date.UTC(2025, 2, 14, 9, 26, 53, 589);
    const e = makeEvent({
      ts,
      received_at: ts + 12,
      title: "Ünïcode — “quotes” ' and \\ backslash",
      props: { plan: 'pro', 'a"b': 'x,y' },
      revenue_amount: 19.99,
      revenue_currency: 'EUR',
      scroll_depth: 75,
      engaged_ms: 123456,
      screen_h: null,
      x: -5,
    });
    expect(await store.write(batchOf([e]))).toEqual({ inserted: 1, existingIds: [] });
    const [row] = await store.query<Record<string, unknown>>(
      `SELECT CAST(event_id AS VARCHAR) AS event_id, epoch_ms(ts) AS ts, epoch_ms(received_at) AS received_at, title, props,
              revenue_amount, revenue_currency, scroll_depth, engaged_ms, screen_w, screen_h, x, typeof(ts) AS ts_type,
              json_extract_string(props, '$."a\\"b"') AS ab FROM events`,
    );
    expect(row).toMatchObject({
      event_id: e.event_id,
      ts,
      received_at: ts + 12,
      title: e.title,
      revenue_amount: 19.99,
      revenue_currency: 'EUR',
      scroll_depth: 75,
      engaged_ms: 123456,
      screen_w: 1280,
      screen_h: null,
      x: -5,
      ts_type: 'TIMESTAMP',
      ab: 'x,y',
    });
    expect(JSON.parse(row!.props as string)).toEqual(e.props);
  });

  it('keeps text holding the separator characters exactly (slow path)', async () => {
    const { store } = await openStore();
    const odd = makeEvent({ title: 'a\x1fb\x1ec', path: '/x\x1f' });
    const plain = makeEvent();
    expect((await store.write(batchOf([odd, plain]))).inserted).toBe(2);
    const rows = await store.query<{ title: string; path: string }>('SELECT title, path FROM events ORDER BY title DESC');
    expect(rows.map((r) => r.title)).toContain('a\x1fb\x1ec');
    expect(rows.map((r) => r.path)).toContain('/x\x1f');
  });

  it('dedupes on event_id within a batch and across batches, v7 and other ids alike', async () => {
    const { store } = await openStore();
    const a = makeEvent();
    const v4 = makeEvent({ event_id: uuidv4() });
    const r1 = await store.write(batchOf([a, makeEvent({ event_id: a.event_id, path: '/dup' }), v4]));
    expect(r1).toEqual({ inserted: 2, existingIds: [] });
    const b = makeEvent();
    const old = makeEvent({ ts: Date.now() - 40 * 86_400_000 }); // a backfilled id, far from today's range
    const r2 = await store.write(batchOf([b, { ...a, path: '/retry' }, { ...v4, event_id: v4.event_id.toUpperCase() }, old]));
    expect(r2.inserted).toBe(2);
    expect(r2.existingIds.sort()).toEqual([a.event_id, v4.event_id].sort());
    const r3 = await store.write(batchOf([{ ...old }]));
    expect(r3).toEqual({ inserted: 0, existingIds: [old.event_id] });
    expect(await count(store)).toBe(4);
    expect(await count(store, 'path = ?', ['/pricing'])).toBe(4); // first occurrence kept
  });

  it('dedupes ids spread over many time clusters', async () => {
    const { store } = await openStore();
    const day = 86_400_000;
    const events = Array.from({ length: 40 }, (_, i) => makeEvent({ ts: Date.now() - i * day }));
    expect((await store.write(batchOf(events))).inserted).toBe(40);
    const again = await store.write(batchOf([...events.map((e) => ({ ...e })), makeEvent()]));
    expect(again.inserted).toBe(1);
    expect(again.existingIds).toHaveLength(40);
  });

  it('probes v7 ids in events alone until an id of another kind is stored, then keys them from a little before', async () => {
    const { store, file } = await openStore();
    const now = Date.now();
    const old = makeEvent({ ts: now - 2 * 3_600_000 }); // received before the keys' start
    const recent = makeEvent({ ts: now - 60_000 });
    expect((await store.write(batchOf([old, recent]))).inserted).toBe(2);
    const keys = async (s: DuckDbEventStore) =>
      (await s.query<{ id: string }>('SELECT CAST(event_id AS VARCHAR) AS id FROM event_keys ORDER BY 1')).map((r) => r.id);
    const state = async (s: DuckDbEventStore) =>
      (await s.query<{ ms: number }>('SELECT epoch_ms(keys_since) AS ms FROM dedupe_state')).map((r) => Number(r.ms));
    expect(await keys(store)).toEqual([]);
    expect(await state(store)).toEqual([]);
    expect(await store.write(batchOf([{ ...old }, { ...recent }]))).toEqual({ inserted: 0, existingIds: [old.event_id, recent.event_id] });

    const v4 = makeEvent({ event_id: uuidv4() });
    const after = makeEvent();
    expect((await store.write(batchOf([v4, after]))).inserted).toBe(2);
    const [since] = await state(store);
    expect(since).toBeGreaterThan(old.received_at);
    expect(since).toBeLessThan(recent.received_at);
    expect(await keys(store)).toEqual([recent.event_id, after.event_id].sort());

    const all = [old, recent, v4, after];
    const retry = await store.write(batchOf([...all.map((e) => ({ ...e, path: '/retry' })), makeEvent()]));
    expect(retry.inserted).toBe(1);
    expect(retry.existingIds.sort()).toEqual(all.map((e) => e.event_id).sort());

    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const { store: again } = await openStore(file);
    expect(await again.idsLoaded()).toBe(true);
    const late = await again.write(batchOf([...all.map((e) => ({ ...e, path: '/retry' })), makeEvent()]));
    expect(late.inserted).toBe(1);
    expect(late.existingIds.sort()).toEqual(all.map((e) => e.event_id).sort());
    expect((await keys(again)).length).toBe(4); // recent, after, and each run's new v7 event
    expect(await count(again)).toBe(6);
    expect(await count(again, 'path = ?', ['/retry'])).toBe(0);
  });

  it('treats a file from before keyed-on-demand dedupe as keyed since the epoch', async () => {
    const { store, file } = await openStore();
    const stored = makeEvent();
    await store.write(batchOf([stored]));
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    // What such a file holds: the keys of all its events, and no dedupe_state. Plus a key whose event is gone.
    const gone = uuidv7();
    const db = await DuckDbClient.open(file);
    await db.run('DROP TABLE dedupe_state');
    await db.run('DELETE FROM schema_version WHERE version >= 7');
    await db.run('INSERT INTO event_keys SELECT event_id FROM events');
    await db.run('INSERT INTO event_keys VALUES (CAST(? AS UUID))', [gone]);
    db.close();

    const { store: again } = await openStore(file);
    expect(await again.query('SELECT epoch_ms(keys_since) AS ms FROM dedupe_state')).toEqual([{ ms: 0 }]);
    const fresh = makeEvent();
    const r = await again.write(batchOf([{ ...stored }, makeEvent({ event_id: gone }), fresh]));
    expect(r).toEqual({ inserted: 1, existingIds: [stored.event_id, gone].sort() });
    expect(await again.query('SELECT count(*) AS n FROM event_keys WHERE event_id = CAST(? AS UUID)', [fresh.event_id])).toEqual([
      { n: 1 },
    ]);
  });

  it('stores lone surrogates as U+FFFD, in text columns and props, packed or appended', async () => {
    const { store } = await openStore();
    const packed = makeEvent({ title: 'a\ud800', selector: '\udc00x', props: { 'k\ud800': 'v\udfff', ok: '😀' } });
    const appended = makeEvent({ title: 'sep\x1f\ud800', props: { k: '\ud83d' } });
    const textOnly = makeEvent({ title: 'only\ud800' });
    await store.write(batchOf([packed, appended]));
    await store.write(batchOf([], { encoded: encodeEvents([textOnly]).encoded }));
    const rows = await store.query<{ title: string; selector: string; props: string }>(
      'SELECT title, selector, props FROM events ORDER BY title',
    );
    expect(rows.map((r) => [r.title, r.selector, JSON.parse(r.props)])).toEqual([
      ['a\ufffd', '\ufffdx', { 'k\ufffd': 'v\ufffd', ok: '😀' }],
      ['only\ufffd', '', {}],
      ['sep\x1f\ufffd', '', { k: '\ufffd' }],
    ]);
    expect(await store.query('SELECT count(*) AS n FROM events WHERE NOT json_valid(props)')).toEqual([{ n: 0 }]);
  });

  it('repairs JSON text stored with lone surrogate escapes by an older release (migration 9)', async () => {
    const { store, file } = await openStore();
    // Written as the collector thread encodes (past the store's guard), as releases before the guard stored them.
    const bad = makeEvent({ props: { plan: 'pro\ud800', 'k\udc00': 'x\\ud800', ok: '😀' } });
    const good = makeEvent({ props: { plan: 'basic' } });
    await store.write(batchOf([good], { encoded: encodeWithPropsText([{ event: bad, props: JSON.stringify(bad.props) }]) }));
    const propsOf = async (s: DuckDbEventStore, id: string) =>
      (await s.query<{ props: string }>('SELECT props FROM events WHERE event_id = CAST(? AS UUID)', [id]))[0]!.props;
    expect(await propsOf(store, bad.event_id)).toContain('\\ud800');
    await expect(store.query("SELECT json_extract_string(props, '$.plan') FROM events")).rejects.toThrow(/Invalid Input/);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const db = await DuckDbClient.open(file);
    // Back to before migration 9 (later migrations are idempotent and run again).
    await db.run('DELETE FROM schema_version WHERE version >= 9');
    await db.run(
      `INSERT INTO quarantine (id, site_id, received_at, contract, reason, errors, payload) VALUES (CAST(? AS UUID), 'site-a', now()::TIMESTAMP, 'c', 'r', ?, ?)`,
      [uuidv7(), '[{"path":"\\udc00"}]', '{"p":"\\ud800"}'],
    );
    db.close();

    const { store: again } = await openStore(file);
    expect(JSON.parse(await propsOf(again, bad.event_id))).toEqual({ plan: 'pro\ufffd', 'k\ufffd': 'x\\ud800', ok: '😀' });
    expect(JSON.parse(await propsOf(again, good.event_id))).toEqual({ plan: 'basic' });
    expect(await again.query('SELECT count(*) AS n FROM events WHERE NOT json_valid(props)')).toEqual([{ n: 0 }]);
    expect((await again.listQuarantine('site-a')).map((q) => [q.errors, q.payload])).toEqual([['[{"path":"\\ufffd"}]', '{"p":"\\ufffd"}']]);
  });

  it('writes raw payloads, quarantine and summed drop counts in the same transaction', async () => {
    const { store } = await openStore();
    const now = Date.now();
    const raw = { id: uuidv7(now), site_id: 'site-a', received_at: now, contract: 'insighthub.collect', body: '{"n":"pageview"}\x1f' };
    const q = (i: number, site = 'site-a') => ({
      id: uuidv7(now + i),
      site_id: site,
      received_at: now + i,
      contract: 'insighthub.collect',
      reason: 'invalid',
      errors: JSON.stringify([{ path: 'n', message: 'Required' }]),
      payload: `{"i":${i}}`,
    });
    const qs = [q(1), { ...q(2), payload: '{"i":2,"cut', original_bytes: 90_000 }, q(3, 'site-b')];
    const cut = { ...raw, id: uuidv7(now + 1), received_at: now + 1, body: '{"prefix', original_bytes: 1_000_000 };
    await store.write(
      batchOf([], {
        raw: [raw, cut],
        quarantine: qs,
        drops: [
          { site_id: 'site-a', day: '2025-03-01', reason: 'bot', count: 2 },
          { site_id: 'site-a', day: '2025-03-01', reason: 'bot', count: 3 },
          { site_id: 'site-a', day: '2025-03-02', reason: 'dnt', count: 1 },
          { site_id: 'site-b', day: '2025-03-01', reason: 'bot', count: 7 },
        ],
      }),
    );
    await store.write(batchOf([], { drops: [{ site_id: 'site-a', day: '2025-03-01', reason: 'bot', count: 10 }] }));
    expect(await store.dropCounts('site-a', '2025-03-01', '2025-03-31')).toEqual([
      { site_id: 'site-a', day: '2025-03-01', reason: 'bot', count: 15 },
      { site_id: 'site-a', day: '2025-03-02', reason: 'dnt', count: 1 },
    ]);
    expect(await store.dropCounts('site-a', '2025-03-02', '2025-03-02')).toHaveLength(1);
    const listed = await store.listQuarantine('site-a');
    expect(listed.map((r) => r.payload)).toEqual(['{"i":2,"cut', '{"i":1}']);
    expect(listed[0]).toEqual(qs[1]);
    expect(listed[1]).toEqual({ ...qs[0], original_bytes: 0 });
    const counts = [
      await store.countQuarantine('site-a', now),
      await store.countQuarantine('site-a', now + 2),
      await store.countQuarantine('site-b', 0),
    ];
    expect(counts).toEqual([2, 1, 1]);
    const page2 = await store.listQuarantine('site-a', { limit: 1, before: listed[0]!.received_at, beforeId: listed[0]!.id });
    expect(page2.map((r) => r.payload)).toEqual(['{"i":1}']);
    const rows = await store.query<{ body: string; received_at: number }>(
      'SELECT body, epoch_ms(received_at) AS received_at, original_bytes FROM raw_payloads ORDER BY received_at',
    );
    expect(rows).toEqual([
      { body: raw.body, received_at: now, original_bytes: 0 },
      { body: cut.body, received_at: now + 1, original_bytes: 1_000_000 },
    ]);
  });

  it('purges raw payloads and quarantine older than the cutoff only', async () => {
    const { store } = await openStore();
    const now = Date.now();
    const raw = (age: number) => ({ id: uuidv7(), site_id: 's', received_at: now - age, contract: 'c', body: 'b' });
    const q = (age: number) => ({
      id: uuidv7(),
      site_id: 's',
      received_at: now - age,
      contract: 'c',
      reason: 'r',
      errors: '[]',
      payload: '{}',
    });
    await store.write(
      batchOf([makeEvent({ ts: now - 30 * 86_400_000 })], { raw: [raw(8 * 86_400_000), raw(1000)], quarantine: [q(9 * 86_400_000), q(5)] }),
    );
    expect(await store.purgeRaw(now - 7 * 86_400_000)).toBe(2);
    expect((await store.query<{ n: number }>('SELECT count(*) AS n FROM raw_payloads'))[0]!.n).toBe(1);
    expect((await store.listQuarantine('s')).length).toBe(1);
    expect(await count(store)).toBe(1); // events are not part of the raw layer
  });

  it('writes all or nothing: a failing batch leaves no trace', async () => {
    const { store } = await openStore();
    const good = makeEvent();
    // A quarantine id that is not a UUID fails inside the transaction, after the events were inserted and
    // while the raw payload was being written to its file.
    const raw = [{ id: uuidv7(), site_id: 's', received_at: Date.now(), contract: 'c', body: '{"lost":true}' }];
    const quarantine = [{ id: 'nope', site_id: 's', received_at: Date.now(), contract: 'c', reason: 'r', errors: '[]', payload: '{}' }];
    await expect(store.write(batchOf([good], { raw, quarantine }))).rejects.toThrow();
    expect(await count(store)).toBe(0);
    expect((await store.query<{ n: number }>('SELECT count(*) AS n FROM raw_payloads'))[0]!.n).toBe(0); // cut off its file again
    expect((await store.write(batchOf([good], { raw }))).inserted).toBe(1); // its key was rolled back too
    expect(await store.query('SELECT body FROM raw_payloads')).toEqual([{ body: '{"lost":true}' }]);
  });

  it('refuses malformed events with a 400 before writing anything', async () => {
    const { store } = await openStore();
    for (const [bad, field] of [
      [makeEvent({ event_id: 'not-a-uuid' }), 'event_id'],
      [makeEvent({ screen_w: 1.5 }), 'screen_w'],
      [makeEvent({ engaged_ms: 2 ** 31 }), 'engaged_ms'],
      [makeEvent({ revenue_amount: Number.POSITIVE_INFINITY }), 'revenue_amount'],
      [makeEvent({ ts: Number.NaN }), 'ts'],
      [makeEvent({ props: [] as never }), 'props'],
      [{ ...makeEvent(), title: undefined } as never, 'title'],
    ] as const) {
      const err = await store.write(batchOf([makeEvent(), bad])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TidemarkError);
      expect((err as TidemarkError).status).toBe(400);
      expect((err as TidemarkError).details).toEqual({ field });
    }
    expect(await count(store)).toBe(0);
  });

  it('migrates once, records the version, and reopens with the data', async () => {
    const { store, file } = await openStore();
    await store.write(batchOf([makeEvent()]));
    await store.init(); // idempotent
    expect(await store.query('SELECT version FROM schema_version ORDER BY version')).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version })),
    );
    expect(MIGRATIONS.at(-1)!.version).toBe(SCHEMA_VERSION);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const { store: again } = await openStore(file);
    expect(await count(again)).toBe(1);
    await expect(store.query('SELECT 1')).rejects.toThrow(/closed/);
  });

  it('dedupes ids older than the id filter holds after a reopen (probed in DuckDB), both unkeyed and keyed', async () => {
    const { store, file } = await openStore();
    const monthAgo = Date.now() - 30 * 86_400_000;
    const old = Array.from({ length: 50 }, (_, i) => makeEvent({ ts: monthAgo + i * 60_000 }));
    const recent = Array.from({ length: 50 }, () => makeEvent());
    expect((await store.write(batchOf([...old, ...recent]))).inserted).toBe(100);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const { store: again } = await openStore(file);
    expect(await again.idsLoaded()).toBe(true);
    const retry = await again.write(batchOf([...old, ...recent].map((e) => ({ ...e, path: '/retry' }))));
    expect(retry.inserted).toBe(0);
    expect(retry.existingIds.sort()).toEqual([...old, ...recent].map((e) => e.event_id).sort());
    // Keyed (a v4 id stored): the old ids are still found, in `events` before keys_since.
    expect((await again.write(batchOf([makeEvent({ event_id: uuidv4() }), ...old.slice(0, 5)]))).inserted).toBe(1);
    await again.close();
    stores.splice(stores.indexOf(again), 1);
    const { store: third } = await openStore(file);
    expect(await third.idsLoaded()).toBe(true);
    const late = await third.write(batchOf([...old, ...recent, makeEvent({ ts: monthAgo - 86_400_000 })].map((e) => ({ ...e }))));
    expect(late.inserted).toBe(1);
    expect(late.existingIds.sort()).toEqual([...old, ...recent].map((e) => e.event_id).sort());
    expect(await count(third)).toBe(102);
  });

  it('keeps deduping after a reopen: while the id filter fills and once it is filled', async () => {
    const { store, file } = await openStore();
    const stored = [
      ...Array.from({ length: 300 }, () => makeEvent({ event_id: uuidv4() })),
      ...Array.from({ length: 300 }, () => makeEvent()),
    ];
    expect((await store.write(batchOf(stored))).inserted).toBe(600);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const { store: again } = await openStore(file);
    // Written at once: the filter may still be filling, so every id is looked up.
    const early = await again.write(batchOf([...stored.slice(0, 10).map((e) => ({ ...e })), makeEvent({ event_id: uuidv4() })]));
    expect(early).toMatchObject({ inserted: 1 });
    expect(await again.idsLoaded()).toBe(true);
    const late = await again.write(batchOf([...stored.map((e) => ({ ...e, path: '/retry' })), makeEvent({ event_id: uuidv4() })]));
    expect(late.inserted).toBe(1);
    expect(late.existingIds.sort()).toEqual(stored.map((e) => e.event_id).sort());
    expect(await count(again)).toBe(602);
    expect(await count(again, 'path = ?', ['/retry'])).toBe(0);
  });

  it('runs writes on two connections at once without storing an id twice or losing a drop count', async () => {
    expect((await openStore()).store.writeConcurrency).toBe(1);
    const { store } = await openStore(undefined, { writeLanes: 2 });
    expect(store.writeConcurrency).toBe(2);
    // 40 concurrent writes; consecutive ones share half their ids (a retried batch racing its original), and
    // every one adds to the same drop counter, which two open transactions could not both update.
    const pool = Array.from({ length: 420 }, (_, i) => makeEvent({ event_id: i % 2 ? uuidv4() : uuidv7(), path: `/p${i}` }));
    const writes = Array.from({ length: 40 }, (_, k) =>
      store.write(batchOf(pool.slice(k * 10, k * 10 + 20), { drops: [{ site_id: 'site-a', day: '2025-06-01', reason: 'bot', count: 1 }] })),
    );
    const results = await Promise.all(writes);
    expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(410);
    expect(await count(store)).toBe(410);
    expect(await store.query('SELECT count(*) AS n FROM (SELECT event_id FROM events GROUP BY event_id HAVING count(*) > 1)')).toEqual([
      { n: 0 },
    ]);
    expect(await store.dropCounts('site-a', '2025-06-01', '2025-06-01')).toEqual([
      { site_id: 'site-a', day: '2025-06-01', reason: 'bot', count: 40 },
    ]);
  });

  it('serves reads while a write transaction is open on the writer connection', async () => {
    const { store } = await openStore();
    await store.write(batchOf([makeEvent()]));
    const big = Array.from({ length: 3000 }, () => makeEvent());
    const writing = store.write(batchOf(big));
    const [n] = await Promise.all([count(store), writing]);
    expect([1, 3001]).toContain(n); // a snapshot: before or after the commit, never half of it
    expect(await count(store)).toBe(3001);
  });

  it('stores encoded events exactly as the same events given as objects, deduplicated across both forms', async () => {
    const { store: plain } = await openStore();
    const { store: coded } = await openStore();
    const ts = Date.UTC(2025, 4, 2, 10, 0, 0, 7);
    const events = [
      makeEvent({
        ts,
        title: 'Ünïcode — “quotes”',
        props: { plan: 'pro', n: '1' },
        revenue_amount: 5.25,
        revenue_currency: 'EUR',
        screen_w: null,
      }),
      makeEvent({ ts: ts + 1, scroll_depth: 50, engaged_ms: 1200, x: -3, y: 40 }),
      makeEvent({ ts: ts + 2, title: 'a\x1fseparator inside', path: '/sep' }), // cannot be encoded: stays an object
      makeEvent({ ts: ts + 3, path: '/record\x1eseparator' }), // nor this one
    ];
    await plain.write(batchOf(events));
    const { encoded, leftovers } = encodeEvents(events);
    expect(encoded.ids).toEqual([events[0]!.event_id, events[1]!.event_id]);
    expect(leftovers).toEqual([events[2], events[3]]);
    // An id repeated inside the batch and one already stored are both written once.
    const stored = makeEvent({ ts: ts - 1 });
    await coded.write(batchOf([stored]));
    await plain.write(batchOf([stored]));
    const again = encodeEvents([stored, events[0]!]).encoded;
    const r = await coded.write(
      batchOf(leftovers, { encoded: { ids: [...encoded.ids, ...again.ids], lines: [...encoded.lines, ...again.lines] } }),
    );
    expect(r).toEqual({ inserted: 4, existingIds: [stored.event_id] });
    const rows = (s: DuckDbEventStore) => s.query('SELECT * EXCLUDE (event_id), CAST(event_id AS VARCHAR) AS id FROM events ORDER BY ts');
    expect(await rows(coded)).toEqual(await rows(plain));
    expect(await count(coded)).toBe(5);
  });

  it('refuses encoded events whose shape is wrong, storing nothing', async () => {
    const { store } = await openStore();
    const line = encodeEvents([makeEvent()]).encoded.lines[0]!;
    for (const encoded of [
      { ids: ['not-a-uuid'], lines: [line] },
      { ids: [uuidv7()], lines: [] },
      { ids: [uuidv7()], lines: [42] },
    ]) {
      const err = await store.write(batchOf([], { encoded: encoded as never })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TidemarkError);
      expect((err as TidemarkError).status).toBe(400);
    }
    expect(await count(store)).toBe(0);
  });
});
