import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../src/store';
import { openReplayStore, type NewChunk, type ReplayStore } from '../src/replay';
import { batchOf, makeEvent, tempDir } from './helpers/events';

/**
 * The ReplayStore contract (replay/), on any engine: append and read back in sequence order, out-of-order
 * and duplicate chunks, list filters and paging checked against a plain computation over the chunks
 * written, and the lifecycle duties (retention, site deletion, a subject's export and erasure).
 * `open` gives a fresh event store of the engine; the replay store is opened over it.
 */
export function runReplayStoreSuite(engineName: string, open: () => Promise<EventStore>): void {
  describe(`ReplayStore on ${engineName}`, () => {
    let events: EventStore;
    let replay: ReplayStore;
    const T0 = Date.UTC(2025, 4, 1, 12);
    const MIN = 60_000;
    const DAY = 86_400_000;
    const written: NewChunk[] = [];

    /** rrweb-shaped events: a Meta event per page, clicks (MouseInteraction Click) and a text mutation with `marker`. */
    const rrwebEvents = (
      ts: number,
      opts: { page?: string; clicks?: Array<[number, number, number]>; marker: string; errors?: number },
    ) => {
      const out: Array<Record<string, unknown>> = [];
      if (opts.page) out.push({ type: 4, timestamp: ts, data: { href: `https://example.com${opts.page}`, width: 800, height: 600 } });
      out.push({
        type: 3,
        timestamp: ts + 1,
        data: { source: 0, texts: [{ id: 1, value: opts.marker }], attributes: [], removes: [], adds: [] },
      });
      for (const [dt, x, y] of opts.clicks ?? []) out.push({ type: 3, timestamp: ts + dt, data: { source: 2, type: 2, id: 1, x, y } });
      for (let i = 0; i < (opts.errors ?? 0); i++) out.push({ type: 5, timestamp: ts + 2 + i, data: { tag: 'error', payload: {} } });
      return out;
    };

    function chunk(
      over: Partial<NewChunk> & { site_id: string; recording_id: string; seq: number },
      body: Array<Record<string, unknown>>,
    ): NewChunk {
      const times = body.map((e) => Number(e.timestamp));
      const paths = body.filter((e) => e.type === 4).map((e) => new URL(String((e.data as { href: string }).href)).pathname);
      const clicks = body.filter((e) => e.type === 3 && (e.data as { source: number }).source === 2).length;
      return {
        visitor_id: 'v1',
        session_id: 's1',
        received_at: Math.max(...times) + 1000,
        ts_start: Math.min(...times),
        ts_end: Math.max(...times),
        event_count: body.length,
        paths,
        clicks,
        rage_clicks: 0,
        errors: body.filter((e) => e.type === 5).length,
        country: 'DE',
        device: 'desktop',
        browser: 'Chrome',
        gzip: zlib.gzipSync(JSON.stringify(body)),
        ...over,
      };
    }

    async function put(c: NewChunk): Promise<'stored' | 'duplicate'> {
      const r = await replay.append(c);
      if (r === 'stored') written.push(c);
      return r;
    }

    async function readAll(siteId: string, rid: string): Promise<Array<Record<string, unknown>>> {
      const out: Array<Record<string, unknown>> = [];
      for await (const b of replay.chunks(siteId, rid))
        out.push(...(JSON.parse(zlib.gunzipSync(b).toString('utf8')) as Array<Record<string, unknown>>));
      return out;
    }

    beforeAll(async () => {
      events = await open();
      replay = await openReplayStore(events, tempDir('replay-store'));
    });
    afterAll(async () => {
      await replay?.close();
      await events?.close();
    });

    it('reads chunks back in sequence order whatever order they arrived in, each sequence number once', async () => {
      const bodies = [0, 1, 2, 3].map((i) =>
        rrwebEvents(T0 + i * 5000, { page: i === 0 ? '/a' : i === 2 ? '/b' : undefined, marker: `m${i}` }),
      );
      for (const i of [0, 2, 1, 3])
        expect(await put(chunk({ site_id: 'site-a', recording_id: 'rec-1', seq: i }, bodies[i]!))).toBe('stored');
      // A retry of a chunk already stored changes nothing.
      expect(await replay.append(chunk({ site_id: 'site-a', recording_id: 'rec-1', seq: 2 }, bodies[2]!))).toBe('duplicate');
      // Concurrent duplicates of one new chunk: exactly one is stored.
      const dup = chunk({ site_id: 'site-a', recording_id: 'rec-1', seq: 4 }, rrwebEvents(T0 + 25_000, { marker: 'm4' }));
      const results = await Promise.all([replay.append(dup), replay.append(dup), replay.append(dup)]);
      expect(results.filter((r) => r === 'stored')).toHaveLength(1);
      written.push(dup);
      const got = await readAll('site-a', 'rec-1');
      const expected = [...bodies, dup.gzip && JSON.parse(zlib.gunzipSync(dup.gzip).toString('utf8'))].flat();
      expect(got).toEqual(expected);
      // Another site asking for the recording gets nothing.
      expect(await readAll('site-b', 'rec-1')).toEqual([]);
      expect(await replay.get('site-b', 'rec-1')).toBeNull();
    });

    it('stores concurrent chunks of many recordings each before answering (batched into few inserts at scale)', async () => {
      const clickhouse = engineName.includes('ClickHouse');
      // Every INSERT takes the table's next block number, whatever merges do to its parts afterwards.
      const parts = async () =>
        Number(
          (
            await events.query<{ n: number }>(
              "SELECT max(max_block_number) AS n FROM system.parts WHERE database = currentDatabase() AND table = 'replay_chunks'",
            )
          )[0]!.n,
        );
      const before = clickhouse ? await parts() : 0;
      const many = Array.from({ length: 20 }, (_, i) =>
        chunk({ site_id: 'site-m', recording_id: `rec-m${i}`, seq: 0 }, rrwebEvents(T0 + i, { page: '/m', marker: `m-${i}` })),
      );
      // Each append, once answered, is readable: the acknowledgement follows the insert.
      const seen = await Promise.all(
        many.map(async (c) => (await replay.append(c)) === 'stored' && (await replay.state(c.recording_id)) !== null),
      );
      expect(seen).toEqual(many.map(() => true));
      for (const c of many) expect(await readAll('site-m', c.recording_id)).toEqual(JSON.parse(zlib.gunzipSync(c.gzip).toString('utf8')));
      // Fewer INSERTs than chunks: the chunks were inserted together.
      if (clickhouse) expect((await parts()) - before).toBeLessThan(many.length / 2);
      await replay.purgeSite('site-m');
    });

    it("answers a recording's state from any site (the collector refuses an id of another site)", async () => {
      const s = await replay.state('rec-1');
      const mine = written.filter((c) => c.recording_id === 'rec-1');
      expect(s).toEqual({
        site_id: 'site-a',
        visitor_id: 'v1',
        session_id: 's1',
        max_seq: 4,
        bytes: mine.reduce((a, c) => a + c.gzip.length, 0),
        started_at: Math.min(...mine.map((c) => c.ts_start)),
      });
      expect(await replay.state('no-such-recording')).toBeNull();
    });

    it('lists recordings with metadata, filters and paging equal to a computation over the chunks written', async () => {
      // More recordings on site-a: other visitors, countries, durations, rage clicks and errors.
      const specs = [
        { rid: 'rec-2', visitor: 'v2', country: 'FR', device: 'mobile', start: T0 + 10 * MIN, pages: ['/b', '/c'], rage: 1, errors: 0 },
        { rid: 'rec-3', visitor: 'v3', country: 'DE', device: 'desktop', start: T0 + 20 * MIN, pages: ['/c'], rage: 0, errors: 2 },
        { rid: 'rec-4', visitor: 'v2', country: 'US', device: 'tablet', start: T0 + DAY, pages: ['/a'], rage: 0, errors: 0 },
      ];
      for (const s of specs)
        for (const [seq, page] of s.pages.entries()) {
          const body = rrwebEvents(s.start + seq * 3 * MIN, { page, marker: `${s.rid}-${seq}`, errors: seq === 0 ? s.errors : 0 });
          await put(
            chunk(
              {
                site_id: 'site-a',
                recording_id: s.rid,
                seq,
                visitor_id: s.visitor,
                session_id: `${s.rid}-s`,
                country: s.country,
                device: s.device,
                rage_clicks: seq === 0 ? s.rage : 0,
              },
              body,
            ),
          );
        }

      const reference = (pred: (r: { rid: string; chunks: NewChunk[] }) => boolean) => {
        const by = new Map<string, NewChunk[]>();
        for (const c of written.filter((c) => c.site_id === 'site-a')) by.set(c.recording_id, [...(by.get(c.recording_id) ?? []), c]);
        return [...by.entries()]
          .map(([rid, chunks]) => ({ rid, chunks }))
          .filter(pred)
          .sort((a, b) => Math.min(...b.chunks.map((c) => c.ts_start)) - Math.min(...a.chunks.map((c) => c.ts_start)))
          .map((r) => r.rid);
      };
      const start = (r: { chunks: NewChunk[] }) => Math.min(...r.chunks.map((c) => c.ts_start));
      const dur = (r: { chunks: NewChunk[] }) => Math.max(...r.chunks.map((c) => c.ts_end)) - start(r);
      const base = { from: T0 - DAY, to: T0 + 2 * DAY, limit: 50, offset: 0 };
      const ids = async (f: Partial<typeof base> & Record<string, unknown>) =>
        (await replay.list('site-a', { ...base, ...f })).recordings.map((r) => r.recording_id);

      expect(await ids({})).toEqual(reference(() => true));
      expect(await ids({ to: T0 + DAY })).toEqual(reference((r) => start(r) < T0 + DAY));
      expect(await ids({ country: 'DE' })).toEqual(reference((r) => r.chunks[0]!.country === 'DE'));
      expect(await ids({ device: 'mobile' })).toEqual(['rec-2']);
      expect(await ids({ visitor_id: 'v2' })).toEqual(reference((r) => r.chunks[0]!.visitor_id === 'v2'));
      expect(await ids({ page: '/c' })).toEqual(reference((r) => r.chunks.some((c) => c.paths.includes('/c'))));
      expect(await ids({ page: '/' })).toEqual([]);
      expect(await ids({ has_rage_clicks: true })).toEqual(reference((r) => r.chunks.some((c) => c.rage_clicks > 0)));
      expect(await ids({ has_errors: true })).toEqual(reference((r) => r.chunks.some((c) => c.errors > 0)));
      expect(await ids({ has_errors: false })).toEqual(reference((r) => r.chunks.every((c) => c.errors === 0)));
      expect(await ids({ min_duration_ms: MIN })).toEqual(reference((r) => dur(r) >= MIN));
      expect(await ids({ max_duration_ms: MIN })).toEqual(reference((r) => dur(r) <= MIN));

      const all = reference(() => true);
      const page2 = await replay.list('site-a', { ...base, limit: 2, offset: 2 });
      expect(page2.total).toBe(all.length);
      expect(page2.recordings.map((r) => r.recording_id)).toEqual(all.slice(2, 4));

      const rec2 = await replay.get('site-a', 'rec-2');
      const c2 = written.filter((c) => c.recording_id === 'rec-2');
      expect(rec2).toMatchObject({
        visitor_id: 'v2',
        session_id: 'rec-2-s',
        started_at: Math.min(...c2.map((c) => c.ts_start)),
        ended_at: Math.max(...c2.map((c) => c.ts_end)),
        duration_ms: Math.max(...c2.map((c) => c.ts_end)) - Math.min(...c2.map((c) => c.ts_start)),
        pages: ['/b', '/c'],
        entry_page: '/b',
        page_count: 2,
        country: 'FR',
        device: 'mobile',
        clicks: 0,
        rage_clicks: 1,
        errors: 0,
        bytes: c2.reduce((a, c) => a + c.gzip.length, 0),
        chunks: 2,
      });
      for (const since of [0, T0 + 10 * MIN, T0 + DAY])
        expect(await replay.bytesSince('site-a', since)).toBe(
          written.filter((c) => c.site_id === 'site-a' && c.received_at >= since).reduce((a, c) => a + c.gzip.length, 0),
        );
      expect(await replay.countStartedSince('site-a', T0 + 5 * MIN)).toBe(reference((r) => start(r) >= T0 + 5 * MIN).length);
    });

    it("takes clicks, rage clicks, dead clicks and errors from the session's Behaviour events where it has them", async () => {
      // rec-3's session: heatmap clicks, rage clicks and one error from Behaviour; rec-4's: only error clicks;
      // rec-1's: dead clicks (Behaviour's alone). The same session id on another site counts for nothing.
      const ev = (site_id: string, session_id: string, name: string, n: number, at: number) =>
        Array.from({ length: n }, (_, i) => makeEvent({ site_id, session_id, visitor_id: 'vb', name, ts: at + i * 1000 }));
      const behaviour = [
        ...ev('site-a', 'rec-3-s', 'heatmap_click', 5, T0 + 20 * MIN),
        ...ev('site-a', 'rec-3-s', 'rage_click', 2, T0 + 21 * MIN),
        ...ev('site-a', 'rec-3-s', 'error_occurred', 1, T0 + 22 * MIN),
        ...ev('site-a', 'rec-4-s', 'error_click', 3, T0 + DAY),
        ...ev('site-a', 's1', 'dead_click', 2, T0),
        ...ev('site-z', 'rec-2-s', 'rage_click', 4, T0),
        ...ev('site-z', 's1', 'error_occurred', 4, T0),
        ...ev('site-z', 'rec-3-s', 'dead_click', 3, T0),
      ];
      await events.write(batchOf(behaviour));
      // The reference: per count, the session's Behaviour events of that kind on site-a, else the chunks' sum.
      const expected = (rid: string) => {
        const chunks = written.filter((c) => c.site_id === 'site-a' && c.recording_id === rid);
        const mine = (name: string) =>
          behaviour.filter((e) => e.site_id === 'site-a' && e.session_id === chunks[0]!.session_id && e.name === name).length;
        const sum = (k: 'clicks' | 'rage_clicks' | 'errors') => chunks.reduce((a, c) => a + c[k], 0);
        return {
          clicks: mine('heatmap_click') || sum('clicks'),
          rage_clicks: mine('rage_click') || sum('rage_clicks'),
          dead_clicks: mine('dead_click'),
          errors: mine('error_occurred') || mine('error_click') || sum('errors'),
        };
      };
      const rids = ['rec-1', 'rec-2', 'rec-3', 'rec-4'];
      for (const rid of rids) expect(await replay.get('site-a', rid)).toMatchObject(expected(rid));
      expect(expected('rec-3')).toEqual({ clicks: 5, rage_clicks: 2, dead_clicks: 0, errors: 1 });
      expect(expected('rec-1').dead_clicks).toBe(2);
      const base = { from: T0 - DAY, to: T0 + 2 * DAY, limit: 50, offset: 0 };
      const listed = (await replay.list('site-a', base)).recordings;
      for (const r of listed) expect(r).toMatchObject(expected(r.recording_id));
      const order = listed.map((r) => r.recording_id);
      const ids = async (f: Record<string, unknown>) =>
        (await replay.list('site-a', { ...base, ...f })).recordings.map((r) => r.recording_id);
      expect(await ids({ has_rage_clicks: true })).toEqual(order.filter((rid) => expected(rid).rage_clicks > 0));
      expect(await ids({ has_rage_clicks: false })).toEqual(order.filter((rid) => expected(rid).rage_clicks === 0));
      expect(await ids({ has_errors: true })).toEqual(order.filter((rid) => expected(rid).errors > 0));
      expect(await ids({ has_errors: false })).toEqual(order.filter((rid) => expected(rid).errors === 0));
      expect(await ids({ has_dead_clicks: true })).toEqual(order.filter((rid) => expected(rid).dead_clicks > 0));
      expect(await ids({ has_dead_clicks: false })).toEqual(order.filter((rid) => expected(rid).dead_clicks === 0));
    });

    it("lists the recordings of the sessions named (a funnel's drop-offs), whenever they started", async () => {
      const sessionsOf = (rids: string[]) =>
        written.filter((c) => c.site_id === 'site-a' && rids.includes(c.recording_id)).map((c) => c.session_id);
      const all = (await replay.list('site-a', { from: T0 - DAY, to: T0 + 2 * DAY, limit: 50, offset: 0 })).recordings;
      const ids = async (session_ids: string[], from = T0 + 30 * DAY) =>
        (await replay.list('site-a', { from, to: from + DAY, limit: 50, offset: 0, session_ids })).recordings.map((r) => r.recording_id);
      // The period (a month later here) does not apply: the sessions choose.
      expect(await ids(sessionsOf(['rec-2', 'rec-4']))).toEqual(
        all.map((r) => r.recording_id).filter((r) => ['rec-2', 'rec-4'].includes(r)),
      );
      // Only the site's own recordings of those sessions; an empty list matches nothing.
      const other = await replay.list('site-m', { from: 0, to: 4e12, limit: 50, offset: 0, session_ids: sessionsOf(['rec-2']) });
      expect(other.total).toBe(0);
      expect(await ids([])).toEqual([]);
    });

    it('lists the recordings of sessions that clicked an element, on a page when given (Heatmaps links here)', async () => {
      const click = (site_id: string, session_id: string, name: string, selector: string, path: string) =>
        makeEvent({ site_id, session_id, visitor_id: 'vb', name, selector, path, ts: T0 + 30 * MIN });
      const clicks = [
        click('site-a', 'rec-2-s', 'heatmap_click', '#buy', '/c'),
        click('site-a', 'rec-4-s', 'dead_click', '#buy', '/a'),
        click('site-a', 's1', 'heatmap_click', '#other', '/c'),
        click('site-a', 'rec-3-s', 'heatmap_move', '#buy', '/c'),
        click('site-z', 'rec-3-s', 'heatmap_click', '#buy', '/c'),
      ];
      await events.write(batchOf(clicks));
      const base = { from: T0 - DAY, to: T0 + 2 * DAY, limit: 50, offset: 0 };
      const all = (await replay.list('site-a', base)).recordings;
      const clickNames = ['heatmap_click', 'rage_click', 'dead_click', 'error_click'];
      const reference = (selector: string, page?: string) =>
        all
          .filter((r) =>
            clicks.some(
              (e) =>
                e.site_id === 'site-a' &&
                e.session_id === r.session_id &&
                clickNames.includes(e.name) &&
                e.selector === selector &&
                (page === undefined || (e.path === page && r.pages.includes(page))),
            ),
          )
          .map((r) => r.recording_id);
      const ids = async (f: Record<string, unknown>) =>
        (await replay.list('site-a', { ...base, ...f })).recordings.map((r) => r.recording_id);
      expect(reference('#buy')).toEqual(['rec-4', 'rec-2']);
      expect(await ids({ clicked_selector: '#buy' })).toEqual(reference('#buy'));
      expect(await ids({ clicked_selector: '#buy', page: '/c' })).toEqual(reference('#buy', '/c'));
      expect(await ids({ clicked_selector: '#buy', page: '/b' })).toEqual([]);
      expect(await ids({ clicked_selector: '#nothing' })).toEqual([]);
    });

    it('retention removes whole recordings that ended before the cutoff, nothing else', async () => {
      const before = await replay.list('site-a', { from: 0, to: 4e12, limit: 100, offset: 0 });
      const cutoff = T0 + 12 * 3_600_000;
      const gone = before.recordings.filter((r) => r.ended_at < cutoff);
      expect(gone.length).toBeGreaterThan(0);
      const removed = await replay.purgeSiteBefore('site-a', cutoff);
      expect(removed.replay_chunks).toBe(gone.reduce((a, r) => a + r.chunks, 0));
      const after = await replay.list('site-a', { from: 0, to: 4e12, limit: 100, offset: 0 });
      expect(after.recordings.map((r) => r.recording_id)).toEqual(
        before.recordings.filter((r) => r.ended_at >= cutoff).map((r) => r.recording_id),
      );
      for (const r of gone) expect(await readAll('site-a', r.recording_id)).toEqual([]);
      expect((await replay.purgeSiteBefore('site-a', cutoff)).replay_chunks).toBe(0);
    });

    it("exports and erases a user's recordings across the visitor ids seen with it", async () => {
      await events.write(batchOf([makeEvent({ site_id: 'site-c', visitor_id: 'v-anon', user_id: 'alice', ts: T0 })]));
      await put(
        chunk(
          { site_id: 'site-c', recording_id: 'rec-c1', seq: 0, visitor_id: 'v-anon' },
          rrwebEvents(T0, { page: '/x', marker: 'secret-c1' }),
        ),
      );
      await put(
        chunk(
          { site_id: 'site-c', recording_id: 'rec-c2', seq: 0, visitor_id: 'v-other' },
          rrwebEvents(T0, { page: '/y', marker: 'keep-c2' }),
        ),
      );
      const exported = await replay.exportSubject('site-c', { userId: 'alice' });
      expect(exported.map((r) => r.replay_recording)).toEqual(['rec-c1']);
      expect(await replay.eraseSubject('site-c', { userId: 'alice' })).toEqual({ replay_chunks: 1 });
      expect(await readAll('site-c', 'rec-c1')).toEqual([]);
      expect((await readAll('site-c', 'rec-c2')).length).toBeGreaterThan(0);
      expect(await replay.exportSubject('site-c', { userId: 'alice' })).toEqual([]);
    });

    it('deleting a site removes all of its recordings and only its', async () => {
      await put(chunk({ site_id: 'site-b', recording_id: 'rec-b1', seq: 0 }, rrwebEvents(T0, { page: '/b', marker: 'b' })));
      const a = await replay.list('site-a', { from: 0, to: 4e12, limit: 100, offset: 0 });
      const n = a.recordings.reduce((s, r) => s + r.chunks, 0);
      expect(n).toBeGreaterThan(0);
      expect(await replay.purgeSite('site-a')).toEqual({ replay_chunks: n });
      expect((await replay.list('site-a', { from: 0, to: 4e12, limit: 100, offset: 0 })).total).toBe(0);
      expect((await replay.list('site-b', { from: 0, to: 4e12, limit: 100, offset: 0 })).total).toBe(1);
      expect((await readAll('site-b', 'rec-b1')).length).toBeGreaterThan(0);
      expect(await replay.purgeSite('site-a')).toEqual({ replay_chunks: 0 });
    });
  });
}
