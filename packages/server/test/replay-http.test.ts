import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollectServer, type CollectServer } from './helpers/collect';
import { signUp } from './helpers/accounts';

// Session replay over HTTP on the embedded server: the site settings, the collector naming t.replay.js,
// chunk ingestion (durable, deduplicated, in order), every kind of bad input answered 4xx with nothing
// stored, the per-site rate limit apart from event collection, and the reads for the dashboard and /v1.

let s: CollectServer;
const ORIGIN = 'https://www.example.com';

beforeAll(async () => {
  s = await startCollectServer();
  await s.ctx.meta.sites.update(s.site.id, { replay_enabled: true, replay_requires_consent: false });
  await s.ctx.meta.sites.update(s.otherSite.id, { replay_enabled: true });
}, 60_000);
afterAll(() => s?.cleanup());

const rid = () => crypto.randomBytes(16).toString('hex');

/** A page view on the site; the answer's attribution id names the visitor and session. */
async function session(trackingId = s.site.tracking_id, origin = ORIGIN, ip = `203.0.113.${crypto.randomInt(1, 250)}`) {
  const res = await s.collect(
    { site_id: trackingId, events: [{ event_id: crypto.randomUUID(), name: 'page_view', properties: { url: `${origin}/start` } }] },
    { origin, 'x-forwarded-for': ip },
  );
  expect(res.status).toBe(202);
  return res.body as { aid: string; x?: string[] };
}

const rrweb = (t: number, text: string, href = `${ORIGIN}/start`) => [
  { type: 4, timestamp: t, data: { href, width: 1280, height: 720 } },
  { type: 2, timestamp: t + 1, data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { top: 0, left: 0 } } },
  { type: 3, timestamp: t + 2, data: { source: 0, texts: [{ id: 1, value: text }], attributes: [], removes: [], adds: [] } },
];

function chunk(q: { r: string; q: number; a: string; s?: string }, body: Buffer | string, origin = ORIGIN) {
  const qs = new URLSearchParams({ s: q.s ?? s.site.tracking_id, r: q.r, q: String(q.q), a: q.a });
  return fetch(`${s.url}/api/collect/replay?${qs}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'content-type': 'text/plain', origin },
  }).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) }));
}
const gz = (v: unknown) => zlib.gzipSync(JSON.stringify(v));
const storedChunks = async () => Number((await s.ctx.events.query<{ n: number }>('SELECT count(*) AS n FROM replay_chunks'))[0]!.n);

describe('session replay over HTTP', () => {
  it('site settings are flat fields of GET/PATCH /api/sites/{id}; bad values are 400', async () => {
    const { client } = await signUp(s.url, 'owner@replay.example');
    const site = (await client.post('/api/sites', { name: 'Shop', domain: 'shop.example' })).body;
    expect((await client.get(`/api/sites/${site.id}`)).body).toMatchObject({
      replay_enabled: false,
      replay_requires_consent: true,
      replay_sample_rate: 1,
      replay_mask_selectors: [],
    });
    const patched = await client.patch(`/api/sites/${site.id}`, {
      replay_enabled: true,
      replay_sample_rate: 0.25,
      replay_mask_selectors: ['.account-name'],
      replay_block_selectors: ['#chat'],
      replay_excluded_paths: ['/checkout/*'],
    });
    expect(patched.status).toBe(200);
    expect((await client.get(`/api/sites/${site.id}`)).body).toMatchObject({
      replay_enabled: true,
      replay_sample_rate: 0.25,
      replay_mask_selectors: ['.account-name'],
      replay_block_selectors: ['#chat'],
      replay_excluded_paths: ['/checkout/*'],
    });
    for (const bad of [
      { replay_sample_rate: 1.5 },
      { replay_mask_selectors: ['a{}'] },
      { replay_excluded_paths: ['nope'] },
      { replay_enabled: 'yes' },
    ]) {
      const r = await client.patch(`/api/sites/${site.id}`, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body).toMatchObject({ success: false, error: { code: 'validation_error' } });
    }
  });

  it('the collect answer names t.replay.js only while replay is on and the session is in the sample', async () => {
    expect((await session()).x).toContain('replay');
    await s.ctx.meta.sites.update(s.site.id, { replay_sample_rate: 0 });
    expect((await session()).x ?? []).not.toContain('replay');
    await s.ctx.meta.sites.update(s.site.id, { replay_sample_rate: 1, replay_enabled: false });
    expect((await session()).x ?? []).not.toContain('replay');
    await s.ctx.meta.sites.update(s.site.id, { replay_enabled: true });
    const cfg = await s.request('GET', `/api/collect/replay/config?s=${s.site.tracking_id}`, undefined, { origin: ORIGIN });
    expect(cfg.body).toEqual({ consent: false, maskAllText: false, mask: [], block: [], exclude: [], maxBytes: 20_000_000 });
  });

  it('stores chunks durably, once, and serves them in sequence order with the metadata', async () => {
    const { aid } = await session();
    const r = rid();
    const t = Date.now() - 10_000;
    const bodies = [rrweb(t, 'first'), rrweb(t + 3000, 'second', `${ORIGIN}/second`), rrweb(t + 6000, 'third')];
    expect(await chunk({ r, q: 1, a: aid }, gz(bodies[1]))).toMatchObject({ status: 202, body: { stored: true } });
    expect(await chunk({ r, q: 0, a: aid }, JSON.stringify(bodies[0]))).toMatchObject({ status: 202, body: { stored: true } });
    expect(await chunk({ r, q: 2, a: aid }, gz(bodies[2]))).toMatchObject({ status: 202, body: { stored: true } });
    expect(await chunk({ r, q: 1, a: aid }, gz(bodies[1]))).toMatchObject({ status: 202, body: { stored: false } });

    const hdr = { authorization: `Bearer ${s.keys.read}` };
    const events = await s.request('GET', `/v1/sites/${s.site.id}/recordings/${r}/events`, undefined, hdr);
    expect(events.status).toBe(200);
    expect(events.body).toEqual(bodies.flat());
    const meta = await s.request('GET', `/v1/sites/${s.site.id}/recordings/${r}`, undefined, hdr);
    expect(meta.body).toMatchObject({
      recording_id: r,
      started_at: t,
      ended_at: t + 6002,
      pages: ['/start', '/second', '/start'],
      chunks: 3,
    });
    const list = await s.request('GET', `/v1/sites/${s.site.id}/recordings?page=/second`, undefined, hdr);
    expect(list.body.recordings.map((x: { recording_id: string }) => x.recording_id)).toEqual([r]);
    // Another organization's key sees neither the recording nor the site.
    const other = { authorization: `Bearer ${s.keys.otherOrg}` };
    expect((await s.request('GET', `/v1/sites/${s.site.id}/recordings/${r}`, undefined, other)).status).toBe(404);
    expect((await s.request('GET', `/v1/sites/${s.otherSite.id}/recordings/${r}`, undefined, other)).status).toBe(404);
  });

  it("lists the recordings of a funnel's drop-off: the sessions that reached the step and not the next", async () => {
    const funnel = await s.ctx.meta.funnels.create(
      s.site.id,
      {
        name: 'Checkout',
        scope: 'session',
        steps: [
          { name: 'Landing', type: 'pageview', match: { url_pattern: '/landing' } },
          { name: 'Checkout', type: 'pageview', match: { url_pattern: '/checkout' } },
          { name: 'Paid', type: 'pageview', match: { url_pattern: '/paid' } },
        ],
      },
      null,
    );
    // Three visitors (their own addresses): one stops at the landing page, one at checkout, one pays; each recorded.
    const visit = async (ip: string, paths: string[]) => {
      let aid = '';
      for (const p of paths) {
        const res = await s.collect(
          {
            site_id: s.site.tracking_id,
            events: [{ event_id: crypto.randomUUID(), name: 'page_view', properties: { url: `${ORIGIN}${p}` } }],
          },
          { origin: ORIGIN, 'x-forwarded-for': ip },
        );
        aid = (res.body as { aid: string }).aid;
      }
      const r = rid();
      expect((await chunk({ r, q: 0, a: aid }, gz(rrweb(Date.now() - 1000, 'x', `${ORIGIN}${paths[0]}`)))).status).toBe(202);
      return r;
    };
    const landed = await visit('198.51.100.21', ['/landing']);
    const atCheckout = await visit('198.51.100.22', ['/landing', '/checkout']);
    await visit('198.51.100.23', ['/landing', '/checkout', '/paid']);
    const hdr = { authorization: `Bearer ${s.keys.read}` };
    const ids = async (q: string) => {
      const r = await s.request('GET', `/v1/sites/${s.site.id}/recordings?${q}`, undefined, hdr);
      expect(r.status, q).toBe(200);
      return r.body.recordings.map((x: { recording_id: string }) => x.recording_id);
    };
    // The same numbers as the funnel's stats: one left after each step.
    const st = await s.request('GET', `/v1/sites/${s.site.id}/funnels/${funnel.id}/stats?period=today`, undefined, hdr);
    expect(st.body.steps.map((x: { drop_off: number }) => x.drop_off)).toEqual([1, 1, 0]);
    expect(await ids(`funnel_id=${funnel.id}&funnel_step=1`)).toEqual([landed]);
    expect(await ids(`funnel_id=${funnel.id}&funnel_step=2`)).toEqual([atCheckout]);
    // The funnel's filters choose its entrants: nobody from nowhere.
    expect(
      await ids(`funnel_id=${funnel.id}&funnel_step=1&funnel_filters=${encodeURIComponent(JSON.stringify([['is', 'country', ['ZZ']]]))}`),
    ).toEqual([]);
    // Bad input: a step with no drop-off, half a pair, another site's funnel, a bad day.
    const other = await s.ctx.meta.funnels.create(s.otherSite.id, { name: 'Theirs', steps: funnel.steps }, null);
    for (const [q, status, code] of [
      [`funnel_id=${funnel.id}&funnel_step=3`, 400, 'invalid_step'],
      [`funnel_id=${funnel.id}`, 400, 'invalid_parameter'],
      [`funnel_id=${other.id}&funnel_step=1`, 404, 'not_found'],
      [`funnel_id=${funnel.id}&funnel_step=1&funnel_start_date=2025-13-01`, 400, undefined],
    ] as const) {
      const r = await s.request('GET', `/v1/sites/${s.site.id}/recordings?${q}`, undefined, hdr);
      expect(r.status, q).toBe(status);
      expect(r.body.success, q).toBe(false);
      if (code) expect(r.body.error.code, q).toBe(code);
    }
  });

  it('answers every kind of bad chunk 4xx with the usual body and stores nothing', async () => {
    const { aid } = await session();
    const theirs = await session(s.otherSite.tracking_id, 'https://other.org');
    const taken = rid();
    expect(
      (await chunk({ r: taken, q: 0, a: theirs.aid, s: s.otherSite.tracking_id }, gz(rrweb(Date.now(), 'x')), 'https://other.org')).status,
    ).toBe(202);
    const bomb = zlib.gzipSync(Buffer.from(`[${'0,'.repeat(5_000_000)}0]`));
    const t = Date.now();
    const cases: Array<[string, Parameters<typeof chunk>, number, string]> = [
      ['not JSON', [{ r: rid(), q: 0, a: aid }, 'hello'], 400, 'invalid_chunk'],
      ['not rrweb events', [{ r: rid(), q: 0, a: aid }, gz([{ foo: 1 }])], 400, 'invalid_chunk'],
      ['an empty list', [{ r: rid(), q: 0, a: aid }, gz([])], 400, 'invalid_chunk'],
      ['an object', [{ r: rid(), q: 0, a: aid }, gz({ type: 4 })], 400, 'invalid_chunk'],
      ['broken gzip', [{ r: rid(), q: 0, a: aid }, gz(rrweb(t, 'x')).subarray(0, 20)], 400, 'invalid_chunk'],
      ['an empty body', [{ r: rid(), q: 0, a: aid }, ''], 400, 'invalid_chunk'],
      ['a body over the limit', [{ r: rid(), q: 0, a: aid }, crypto.randomBytes(600 * 1024)], 413, ''],
      ['a body inflating past the limit', [{ r: rid(), q: 0, a: aid }, bomb], 413, 'chunk_too_large'],
      ['a sequence gap', [{ r: rid(), q: 40, a: aid }, gz(rrweb(t, 'x'))], 400, 'sequence_gap'],
      ["another site's recording id", [{ r: taken, q: 1, a: aid }, gz(rrweb(t, 'x'))], 400, 'recording_of_other_site'],
      ["another site's attribution id", [{ r: rid(), q: 0, a: theirs.aid }, gz(rrweb(t, 'x'))], 400, 'invalid_session'],
      ['a forged attribution id', [{ r: rid(), q: 0, a: `${aid.slice(0, -4)}AAAA` }, gz(rrweb(t, 'x'))], 400, 'invalid_session'],
      ['a malformed recording id', [{ r: 'ABC', q: 0, a: aid }, gz(rrweb(t, 'x'))], 400, 'validation_error'],
      ['an unknown site', [{ r: rid(), q: 0, a: aid, s: 'nosuchsite00' }, gz(rrweb(t, 'x'))], 404, 'unknown_site'],
      ['a foreign origin', [{ r: rid(), q: 0, a: aid }, gz(rrweb(t, 'x')), 'https://evil.example'], 403, 'origin_not_allowed'],
      ['over 60 minutes', [{ r: rid(), q: 0, a: aid }, gz([...rrweb(t - 70 * 60_000, 'a'), ...rrweb(t, 'b')])], 413, 'recording_too_long'],
    ];
    const before = await storedChunks();
    for (const [what, args, status, code] of cases) {
      const res = await chunk(...args);
      expect(res.status, what).toBe(status);
      expect(res.body.success, what).toBe(false);
      if (code) expect(res.body.error.code, what).toBe(code);
    }
    expect(await storedChunks()).toBe(before);
  });

  it("refuses a chunk of a path the site never records (the browser skips them; this is the server's check)", async () => {
    const { aid } = await session();
    await s.ctx.meta.sites.update(s.site.id, { replay_excluded_paths: ['/account/**'] });
    try {
      const before = await storedChunks();
      const res = await chunk({ r: rid(), q: 0, a: aid }, gz(rrweb(Date.now(), 'x', `${ORIGIN}/account/settings`)));
      expect(res).toMatchObject({ status: 400, body: { success: false, error: { code: 'excluded_path' } } });
      expect(await storedChunks()).toBe(before);
      expect((await chunk({ r: rid(), q: 0, a: aid }, gz(rrweb(Date.now(), 'x', `${ORIGIN}/accounts`)))).status).toBe(202);
    } finally {
      await s.ctx.meta.sites.update(s.site.id, { replay_excluded_paths: [] });
    }
  });

  it('a site with replay off refuses chunks (403) and a site past its monthly quota starts no recording (429)', async () => {
    const { aid } = await session();
    await s.ctx.meta.sites.update(s.site.id, { replay_enabled: false });
    expect((await chunk({ r: rid(), q: 0, a: aid }, gz(rrweb(Date.now(), 'x')))).status).toBe(403);
    const month = new Date();
    const started = await s.ctx.replay.list(s.site, {
      period: 'custom',
      start_date: `${month.toISOString().slice(0, 8)}01`,
      end_date: month.toISOString().slice(0, 10),
    });
    await s.ctx.meta.sites.update(s.site.id, { replay_enabled: true, replay_monthly_quota: started.total });
    const res = await chunk({ r: rid(), q: 0, a: aid }, gz(rrweb(Date.now(), 'x')));
    expect(res).toMatchObject({ status: 429, body: { success: false, error: { code: 'replay_quota_exceeded' } } });
    await s.ctx.meta.sites.update(s.site.id, { replay_monthly_quota: 0 });
    expect((await chunk({ r: rid(), q: 0, a: aid }, gz(rrweb(Date.now(), 'x')))).status).toBe(202);
  });
});

describe('replay rate limit', () => {
  let small: CollectServer;
  beforeAll(async () => {
    small = await startCollectServer({ replayChunksPerMinute: 3 });
    await small.ctx.meta.sites.update(small.site.id, { replay_enabled: true, replay_requires_consent: false });
  }, 60_000);
  afterAll(() => small?.cleanup());

  it('limits chunks per site per minute with 429, and event collection goes on', async () => {
    const prev = s;
    s = small;
    try {
      const { aid } = await session();
      const r = rid();
      const statuses: number[] = [];
      for (let q = 0; q < 5; q++) statuses.push((await chunk({ r, q, a: aid }, gz(rrweb(Date.now(), `c${q}`)))).status);
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      await session();
    } finally {
      s = prev;
    }
  });
});

describe('replay monthly byte cap per site', () => {
  let capped: CollectServer;
  const one = (t: number, text: string) => gz(rrweb(t, text)).length;
  const T = Date.now();
  // Room for two of the chunks below, not three (each stored as the gzip of its events).
  const cap = one(T, 'c0') + one(T + 1, 'c1') + Math.floor(one(T + 2, 'c2') / 2);
  beforeAll(async () => {
    capped = await startCollectServer({ replayMonthlyBytesPerSite: cap });
    await capped.ctx.meta.sites.update(capped.site.id, { replay_enabled: true, replay_requires_consent: false });
  }, 60_000);
  afterAll(() => capped?.cleanup());

  it("refuses (429) a chunk that would take the site's bytes this month past the cap, and stores nothing of it", async () => {
    const prev = s;
    s = capped;
    try {
      const { aid } = await session();
      const r = rid();
      const statuses: number[] = [];
      const codes: string[] = [];
      for (let q = 0; q < 3; q++) {
        const res = await chunk({ r, q, a: aid }, gz(rrweb(T + q, `c${q}`)));
        statuses.push(res.status);
        if (res.status !== 202) codes.push(res.body.error.code);
      }
      expect(statuses).toEqual([202, 202, 429]);
      expect(codes).toEqual(['replay_bytes_exceeded']);
      const [row] = await s.ctx.events.query<{ n: number; b: number }>(
        'SELECT count(*) AS n, sum(bytes) AS b FROM replay_chunks WHERE site_id = ?',
        [s.site.id],
      );
      expect(Number(row!.n)).toBe(2);
      expect(Number(row!.b)).toBe(one(T, 'c0') + one(T + 1, 'c1'));
      expect(Number(row!.b)).toBeLessThanOrEqual(cap);
      // A new recording of the site is refused too; event collection goes on.
      expect((await chunk({ r: rid(), q: 0, a: aid }, gz(rrweb(T + 3, 'c3')))).status).toBe(429);
      await session();
    } finally {
      s = prev;
    }
  });
});
