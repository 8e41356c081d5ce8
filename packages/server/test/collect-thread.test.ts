import fs from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { TidemarkError } from '@tidemark/core';
import { Collector, openIngestServices, SaltKeeper, ThreadCollector, type AdmittedRequest, type IngestCollector } from '../src/ingest';
import { CHROME_UA, testSite } from './helpers/ingest';
import { openMetaStore, type MetaStore } from '../src/meta';
import { DuckDbEventStore, GroupCommitWriter } from '../src/store';
import { tempDir } from './helpers/events';
import { startTestServer } from './helpers/server';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function openMeta(): Promise<MetaStore> {
  const dir = tempDir('thread-meta');
  const meta = await openMetaStore({ databaseUrl: undefined, dataDir: dir });
  cleanups.push(
    () => fs.rmSync(dir, { recursive: true, force: true }),
    () => meta.close(),
  );
  return meta;
}

async function openWriter(): Promise<{ store: DuckDbEventStore; writer: GroupCommitWriter }> {
  const dir = tempDir('thread-store');
  const store = await DuckDbEventStore.open(path.join(dir, 'events.duckdb'));
  await store.init();
  const writer = new GroupCommitWriter(store);
  cleanups.push(
    () => fs.rmSync(dir, { recursive: true, force: true }),
    () => store.close(),
    () => writer.close(),
  );
  return { store, writer };
}

const RECEIVED = Date.UTC(2025, 5, 3, 14, 0, 0);
const site = testSite({ domain: 'shop.example', excluded_paths: ['/admin/*'] });

/** Browser requests covering the pipeline's paths: enrichment, custom props, revenue, a quarantined event, an excluded path, a bot. */
interface TestRequest {
  raw: string;
  req: AdmittedRequest;
}

function requests(): TestRequest[] {
  const ev = (i: number, name: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    event_id: `0197${String(i).padStart(4, '0')}-0000-7000-8000-00000000000${i % 10}`,
    name,
    timestamp: RECEIVED - 5000 + i * 100,
    properties: {
      url: 'https://shop.example/pricing?utm_source=news&utm_medium=email',
      path: '/pricing',
      title: 'Pricing',
      referrer: 'https://www.google.com/',
      ...properties,
    },
    context: {
      screen_width: 1440,
      screen_height: 900,
      viewport_width: 1200,
      viewport_height: 800,
      timezone: 'Europe/Berlin',
      language: 'de-DE',
    },
    ...extra,
  });
  const bodies: Array<{ body: unknown; ua: string; ip: string }> = [
    {
      body: {
        site_id: site.tracking_id,
        sent_at: RECEIVED - 100,
        events: [ev(1, 'page_view', {}), ev(2, 'signup', { plan: 'pro', seats: 3 }), ev(3, 'revenue', { amount: 49.5, currency: 'eur' })],
      },
      ua: CHROME_UA,
      ip: '81.2.69.142',
    },
    {
      body: {
        site_id: site.tracking_id,
        events: [
          ev(4, 'page_view', { path: '/admin/users', url: 'https://shop.example/admin/users' }),
          { name: 42 },
          ev(5, 'scroll_depth', { scroll_depth: 75 }),
        ],
      },
      ua: CHROME_UA,
      ip: '81.2.69.142',
    },
    { body: { site_id: site.tracking_id, events: [ev(6, 'page_view', {})] }, ua: 'curl/8.0', ip: '203.0.113.9' },
  ];
  return bodies.map(({ body, ua, ip }) => ({
    raw: JSON.stringify(body),
    req: {
      site,
      trust: 'browser',
      receivedAt: RECEIVED,
      sentAt: null,
      ip,
      userAgent: ua,
      visitorHeader: '',
      signals: { dnt: false, gpc: false, hasAcceptLanguage: true, hasAccept: true, webdriver: false },
    },
  }));
}

async function collectOne(collector: IngestCollector, r: TestRequest) {
  const admission = await collector.admit('insighthub.collect', r.raw);
  admission.check();
  return admission.collect(r.req);
}

async function collectAll(collector: IngestCollector) {
  const outcomes = [];
  for (const r of requests()) outcomes.push(await collectOne(collector, r));
  return outcomes;
}

/** Every stored column; session ids are random, so they are compared by how they group events. */
async function eventRows(store: DuckDbEventStore) {
  const rows = await store.query<Record<string, unknown>>(
    'SELECT * EXCLUDE (event_id), CAST(event_id AS VARCHAR) AS id FROM events ORDER BY id',
  );
  const sessions = new Map<unknown, number>();
  for (const r of rows) {
    if (!sessions.has(r.session_id)) sessions.set(r.session_id, sessions.size);
    r.session_id = sessions.get(r.session_id);
  }
  return rows;
}
const quarantineRows = (store: DuckDbEventStore) =>
  store.query('SELECT site_id, contract, reason, errors, payload FROM quarantine ORDER BY payload');

describe('ThreadCollector', () => {
  it('stores exactly what the in-process collector stores, and answers the same', async () => {
    const meta = await openMeta();
    const inProcess = await openWriter();
    const threaded = await openWriter();
    const local = new Collector(await openIngestServices({ geoDbPath: undefined }), new SaltKeeper(meta.salts), inProcess.writer);
    const thread = await ThreadCollector.start({ geoDbPath: undefined, salts: new SaltKeeper(meta.salts), sink: threaded.writer });
    cleanups.push(() => thread.close());

    const [a, b] = [await collectAll(local), await collectAll(thread)];
    // Session ids are random: the last visitor/session of each answer (revenue refs) is compared by visitor.
    const comparable = (o: Awaited<ReturnType<typeof collectAll>>) =>
      o.map(({ refs, ...rest }) => ({ ...rest, last: refs?.last?.visitor_id, hasSession: !!refs?.last?.session_id }));
    expect(comparable(b)).toEqual(comparable(a));
    expect(a[0]!.refs?.last?.visitor_id).toBeTruthy();
    expect(a.map((o) => [o.accepted, o.filtered, o.quarantined])).toEqual([
      [3, 0, 0],
      [1, 1, 1],
      [0, 1, 0],
    ]);
    const rows = await eventRows(threaded.store);
    expect(rows).toEqual(await eventRows(inProcess.store));
    expect(rows.map((r) => r.country)).toContain('GB'); // enriched in the thread, with the shipped geolocation database
    expect(rows.find((r) => r.name === 'revenue')).toMatchObject({
      revenue_amount: 49.5,
      revenue_currency: 'EUR',
      utm_source: 'news',
      channel: 'Email',
    });
    expect(await quarantineRows(threaded.store)).toEqual(await quarantineRows(inProcess.store));
    // Raw payloads as received, byte for byte (the thread does not send an unchanged body back).
    const bodies = (st: DuckDbEventStore) => st.query<{ body: string }>('SELECT body FROM raw_payloads ORDER BY body');
    expect((await bodies(threaded.store)).map((r) => r.body)).toEqual(
      requests()
        .map((r) => r.raw)
        .sort(),
    );
    expect(await bodies(threaded.store)).toEqual(await bodies(inProcess.store));
    const day = new Date(RECEIVED).toISOString().slice(0, 10);
    expect(await threaded.store.dropCounts(site.id, day, day)).toEqual(await inProcess.store.dropCounts(site.id, day, day));
  });

  it('answers 503 for requests of a thread that died, starts a new one, and refuses work once closed', async () => {
    const meta = await openMeta();
    const { store, writer } = await openWriter();
    const errors: unknown[] = [];
    const thread = await ThreadCollector.start({
      geoDbPath: 'off',
      salts: new SaltKeeper(meta.salts),
      sink: writer,
      onError: (e) => errors.push(e),
    });
    cleanups.push(() => thread.close());
    const [first, second, third] = requests();
    expect((await collectOne(thread, first!)).accepted).toBe(3);

    // The thread is killed while it holds a request: the request settles (stored, or refused with 503 and not stored).
    const inFlight = collectOne(thread, second!).then(
      (o) => ({ ok: true as const, o }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    await (thread as unknown as { worker: Worker }).worker.terminate();
    const settled = await inFlight;
    if (!settled.ok) {
      expect(settled.e).toBeInstanceOf(TidemarkError);
      expect((settled.e as TidemarkError).status).toBe(503);
      expect(errors.length).toBe(1);
    }
    const storedBefore = (await store.query<{ n: number }>('SELECT count(*) AS n FROM events'))[0]!.n;
    expect(storedBefore).toBe(settled.ok ? 4 : 3);

    // The next request gets a new thread.
    expect(await collectOne(thread, second!)).toMatchObject({ accepted: 1, filtered: 1, quarantined: 1 });
    await thread.close();
    const refused = await collectOne(thread, third!).catch((e: unknown) => e);
    expect((refused as TidemarkError).code).toBe('shutting_down');
  });

  it('refuses a body admitted by a thread that has since restarted, and reports envelope problems without keeping the body', async () => {
    const meta = await openMeta();
    const { store, writer } = await openWriter();
    const thread = await ThreadCollector.start({ geoDbPath: 'off', salts: new SaltKeeper(meta.salts), sink: writer });
    cleanups.push(() => thread.close());
    const [first, second] = requests();
    const held = await thread.admit('insighthub.collect', first!.raw);
    expect(held.fields).toMatchObject({ siteId: site.tracking_id, count: 3 });
    await (thread as unknown as { worker: Worker }).worker.terminate();
    expect((await collectOne(thread, second!)).accepted).toBe(1); // a new thread
    const refused = await held.collect(first!.req).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 503, code: 'collector_restarting' });

    const bad = await thread.admit('insighthub.collect', JSON.stringify({ site_id: site.tracking_id, events: [] }));
    expect(() => bad.check()).toThrow(TidemarkError);
    await expect(bad.collect(first!.req)).rejects.toMatchObject({ status: 400, code: 'validation_error' });
    const tooMany = await thread.admit('insighthub.collect', JSON.stringify({ events: Array.from({ length: 501 }, () => ({})) }));
    expect(() => tooMany.check()).toThrow(expect.objectContaining({ status: 413 }));
    await expect(thread.admit('insighthub.collect', '[1,2]')).rejects.toMatchObject({ status: 400, code: 'invalid_json' });
    expect((await store.query<{ n: number }>('SELECT count(*) AS n FROM events'))[0]!.n).toBe(1);
  });

  it('starts its thread with the first request; a server refuses to start on an unreadable geolocation database', async () => {
    const meta = await openMeta();
    const { writer } = await openWriter();
    const thread = ThreadCollector.lazy({ geoDbPath: 'off', salts: new SaltKeeper(meta.salts), sink: writer });
    cleanups.push(() => thread.close());
    const worker = () => (thread as unknown as { worker: Worker | null }).worker;
    expect(worker()).toBeNull();
    expect((await collectOne(thread, requests()[0]!)).accepted).toBe(3);
    expect(worker()).not.toBeNull();
    await expect(startTestServer({ geoDbPath: path.join(tempDir('no-geo'), 'missing.mmdb') })).rejects.toThrow(/TIDEMARK_GEO_DB/);
  });
});
