import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addFirstSite,
  assertNothingRan,
  browserUnavailable,
  openWatched,
  screenshot,
  setUpOwner,
  startHarness,
  type Harness,
  type Watched,
} from './harness';
import { REPLAY_FIXTURE_TEXT, replayFixturePage } from '../../tracker/test/fixtures/replay-pages';

/**
 * Session replay end to end in Chromium: the owner turns replay on in the settings; a visitor types into a
 * password field, a card-number field and a text field, sees a `data-tm-mask` block, goes to a second page
 * and clicks. The stored chunk bytes (raw, and inflated) hold none of the typed values nor the masked text,
 * the recording spans both pages, and the dashboard's player shows the second page's heading. With consent
 * required and not given, nothing is uploaded. A page that ends without being left (a crash) makes the
 * session's next page start a new recording.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 30_000 };

const { plain: PLAIN, secondHeading: SECOND_HEADING, strictHeading: STRICT_HEADING, blocked: BLOCKED } = REPLAY_FIXTURE_TEXT;
const SECRETS = {
  password: 'hunter2-PASSWORD-5521',
  card: '4242424242424242',
  name: 'Jane-TYPED-NAME-8830',
  masked: REPLAY_FIXTURE_TEXT.masked,
};
const OTHER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const THIRD_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FOURTH_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36';
const FIFTH_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
/** What the early button says once clicked (put together by its handler, so the page's source does not hold it). */
const EARLY_CLICKED = 'EARLY-CLICK-DONE';

/** The tracked site: its own origin, a page per path, the snippet the dashboard gave. */
async function serveSite(): Promise<{ origin: string; setSnippet(s: string): void; close(): Promise<void> }> {
  let snippet = '';
  const server = http.createServer((req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...(req.url?.startsWith('/strict') ? { 'content-security-policy': "worker-src 'none'" } : {}),
    });
    res.end(replayFixturePage(req.url ?? '/', snippet));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://fixture.localhost:${(server.address() as AddressInfo).port}`,
    setSnippet: (s) => {
      snippet = s;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Every byte stored for the site's recordings: the chunk files, raw and inflated. */
function storedBytes(dataDir: string, siteId: string): { raw: Buffer; text: string } {
  const dir = path.join(dataDir, 'replay', siteId);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f))) : [];
  const raw = Buffer.concat(files);
  // A file is gzip members one after another; gunzip reads them all.
  const text = files.map((b) => zlib.gunzipSync(b).toString('utf8')).join('\n');
  return { raw, text };
}

const streamText = async (r: Readable) => {
  let out = '';
  for await (const part of r) out += String(part);
  return out;
};

const uploaded = (p: Page) =>
  p.waitForResponse((r) => r.url().includes('/api/collect/replay?') && r.request().method() === 'POST' && r.status() === 202, SLOW);

describe.skipIf(!!unavailable)('session replay in the browser', () => {
  let h: Harness;
  let site: Awaited<ReturnType<typeof serveSite>>;
  let owner: Watched;
  let siteId = '';
  let snippet = '';

  beforeAll(async () => {
    h = await startHarness();
    site = await serveSite();
    owner = await openWatched(h.browser);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await site?.close();
  });

  it('records a two-page visit with everything typed and masked kept in the browser', async () => {
    const p = owner.page;
    await setUpOwner(p, h.url);
    const added = await addFirstSite(p, site.origin, 'Shop');
    siteId = added.siteId;
    snippet = added.snippet;
    site.setSnippet(snippet);
    // The owner turns replay on in the settings screen (without consent, for this first visit).
    await p.goto(`${h.url}/sites/${siteId}/settings`);
    const form = p.getByRole('form', { name: 'Session replay' });
    await form.getByLabel('Record sessions').check();
    await form.getByLabel('Only after consent').uncheck();
    await form.getByRole('button', { name: 'Save replay settings' }).click();
    await form.getByRole('status').waitFor();

    const visitor = await openWatched(h.browser);
    const v = visitor.page;
    let sent = uploaded(v);
    await v.goto(`${site.origin}/first`);
    await v.locator('#pw').pressSequentially(SECRETS.password);
    await v.locator('#cc').pressSequentially(SECRETS.card);
    await v.locator('#name').pressSequentially(SECRETS.name);
    await sent;
    sent = uploaded(v);
    await v.click('#next');
    await v.waitForURL('**/second');
    // The extension arrives with the page's first collect answer: once the page's snapshot is uploaded, it records.
    await sent;
    sent = uploaded(v);
    await v.click('#buy');
    await sent;
    // The second page's own chunks (its snapshot and the click) arrive on the next flush.
    await expect
      .poll(async () => (await h.server.ctx.replay.list((await h.server.ctx.meta.sites.byId(siteId))!, {})).recordings[0]?.pages, SLOW)
      .toEqual(['/first', '/second']);
    await v.waitForTimeout(6000);
    await visitor.context.close();

    const { raw, text } = storedBytes(h.server.ctx.config.dataDir, siteId);
    expect(raw.length).toBeGreaterThan(0);
    // The search can find things: what is plainly on the page is in the recording.
    expect(text).toContain(PLAIN);
    expect(text).toContain(SECOND_HEADING);
    for (const [what, secret] of Object.entries(SECRETS)) {
      expect(raw.includes(secret), `${what} in raw bytes`).toBe(false);
      expect(text.includes(secret), `${what} in inflated bytes`).toBe(false);
    }
    // Blocked content is not recorded either.
    expect(text).not.toContain(BLOCKED);
    const list = await h.server.ctx.replay.list((await h.server.ctx.meta.sites.byId(siteId))!, {});
    expect(list.total).toBe(1);
    expect(list.recordings[0]).toMatchObject({ entry_page: '/first', page_count: 2, device: 'desktop', browser: 'Chrome' });
    expect(list.recordings[0]!.clicks).toBeGreaterThanOrEqual(2);
  });

  it("plays the recording in the dashboard: the replayed iframe (no scripts) shows the second page's heading", async () => {
    const p = owner.page;
    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Recordings' }).click();
    await p.getByTestId('recordings').getByRole('link', { name: 'Watch' }).click();
    const player = p.getByTestId('replay-player');
    await player.waitFor();
    expect(new URL(p.url()).searchParams.get('r')).toMatch(/^[a-f0-9]{32}$/);
    const marker = player.getByRole('button', { name: /^\/second at / });
    await marker.waitFor(SLOW);
    await marker.click();
    // The player document (player.html) holds the recorded page in an iframe sandboxed without scripts.
    const playerFrame = p.frameLocator('iframe[data-testid=replay-stage]');
    const recorded = playerFrame.frameLocator('.replayer-wrapper iframe');
    await expect.poll(() => recorded.locator('h1').textContent(), SLOW).toBe(SECOND_HEADING);
    expect(await playerFrame.locator('.replayer-wrapper iframe').getAttribute('sandbox')).toBe('allow-same-origin');
    // The session's analytics events are beside the player.
    await expect.poll(() => player.getByRole('complementary', { name: 'Session events' }).textContent(), SLOW).toContain('page_view');
    await screenshot(p, 'replay-player');
    await assertNothingRan(owner);
  });

  it('uploads nothing while the site requires consent and none was given, and records once it is', async () => {
    await h.server.ctx.meta.sites.update(siteId, { replay_requires_consent: true });
    const visitor = await openWatched(h.browser);
    const v = visitor.page;
    const posts: string[] = [];
    v.on('request', (r) => {
      if (r.url().includes('/api/collect/replay?') && r.method() === 'POST') posts.push(r.url());
    });
    await v.goto(`${site.origin}/first`);
    await v.waitForFunction(() => (window as unknown as { __tmReplay?: number }).__tmReplay === 1, undefined, SLOW);
    await v.locator('#name').pressSequentially('someone');
    await v.click('#next');
    await v.waitForURL('**/second');
    await v.waitForTimeout(7000);
    expect(posts).toEqual([]);
    const before = (await h.server.ctx.replay.list((await h.server.ctx.meta.sites.byId(siteId))!, {})).total;
    expect(before).toBe(1);
    // Consent given: recording starts (so the silence above was the consent, not a broken script).
    const sent = uploaded(v);
    await v.evaluate(() => (window as unknown as { tidemark: { consent(p: object): void } }).tidemark.consent({ replay: true }));
    await sent;
    await visitor.context.close();
  });

  it('links a heatmap element to the recordings of the sessions that clicked it, whose counts come from their Behaviour events', async () => {
    const ctx = h.server.ctx;
    await ctx.meta.sites.update(siteId, { replay_requires_consent: false, heatmaps_enabled: true, heatmap_sample_rate: 1 });
    // Another person (another browser): the analytics session, hence the recordings' session, is theirs alone.
    const visitor = await openWatched(h.browser, { userAgent: OTHER_UA });
    const v = visitor.page;
    const sent = uploaded(v);
    const clicked = v.waitForResponse((r) => r.url().includes('/api/collect/heatmap') && r.request().method() === 'POST', SLOW);
    await v.goto(`${site.origin}/second`);
    await sent;
    // t.heatmap.js arrives with a collect answer: the clicks must come after it runs.
    await v.waitForFunction(() => [...document.scripts].some((s) => s.src.includes('t.heatmap.js')), undefined, SLOW);
    await v.waitForTimeout(500);
    await v.click('#buy');
    await v.click('#buy');
    await clicked;
    await v.waitForTimeout(6000);
    await visitor.context.close();

    // Independently: the sessions with a click on the button on /second, from the events table.
    const siteRec = (await ctx.meta.sites.byId(siteId))!;
    const rows = await ctx.events.query<{ session_id: string; name: string; selector: string; path: string }>(
      'SELECT session_id, name, selector, path FROM events WHERE site_id = ?',
      [siteId],
    );
    const clickers = new Set(
      rows.filter((r) => r.name === 'heatmap_click' && r.selector === 'button#buy' && r.path === '/second').map((r) => r.session_id),
    );
    const all = (await ctx.replay.list(siteRec, {})).recordings;
    const expected = all.filter((r) => clickers.has(r.session_id));
    expect(expected).toHaveLength(1);
    const heatmapClicks = rows.filter((r) => r.session_id === expected[0]!.session_id && r.name === 'heatmap_click').length;
    expect(heatmapClicks).toBe(2);
    expect(expected[0]!.clicks).toBe(heatmapClicks);

    const p = owner.page;
    await p.goto(`${h.url}/sites/${siteId}/heatmaps?page=%2Fsecond&period=today`);
    const table = p.getByRole('region', { name: 'Clicked elements' });
    const row = table.getByRole('row').filter({ hasText: 'button#buy' });
    await row.getByRole('link', { name: 'Watch' }).click();
    await p.waitForURL(/\/recordings\?/);
    const url = new URL(p.url());
    expect(url.searchParams.get('clicked_selector')).toBe('button#buy');
    expect(url.searchParams.get('page')).toBe('/second');
    const listed = p.getByTestId('recordings').locator('tbody tr');
    await expect.poll(() => listed.count(), SLOW).toBe(expected.length);
    expect(all.length).toBeGreaterThan(expected.length);
    await listed.first().getByRole('link', { name: 'Watch' }).click();
    await expect.poll(() => new URL(p.url()).searchParams.get('r'), SLOW).toBe(expected[0]!.recording_id);
    await assertNothingRan(owner);
  });

  it("records the page's first moments: the tracker's first page view goes out at once and its answer brings t.replay.js", async () => {
    const ctx = h.server.ctx;
    const siteRec = (await ctx.meta.sites.byId(siteId))!;
    const before = new Set((await ctx.replay.list(siteRec, {})).recordings.map((r) => r.recording_id));
    // A batching interval of a minute: only the immediate first page view can bring the recorder in time.
    site.setSnippet(snippet.replace('<script ', '<script data-interval-start="60000" '));
    const visitor = await openWatched(h.browser, { userAgent: THIRD_UA });
    const v = visitor.page;
    await v.goto(`${site.origin}/first`);
    // Once rrweb records, an input's value setter is its own (it watches programmatic changes); then the visitor clicks at once.
    await v.waitForFunction(
      () => !String(Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set).includes('[native code]'),
      undefined,
      SLOW,
    );
    const clicked = await v.evaluate(() => {
      (document.getElementById('early') as HTMLButtonElement).click();
      return { at: Date.now(), sinceNavigation: Math.round(performance.now()) };
    });
    console.log(`[replay] recorder running, clicked ${clicked.sinceNavigation} ms after navigation (tracker interval 60 s)`);

    type Ev = { type: number; timestamp: number; data: { source?: number; type?: number } };
    const events = async (): Promise<Ev[]> => {
      const rec = (await ctx.replay.list(siteRec, {})).recordings.find((r) => !before.has(r.recording_id));
      return rec ? (JSON.parse(await streamText(await ctx.replay.eventStream(siteRec, rec.recording_id))) as Ev[]) : [];
    };
    // The click (a MouseInteraction of type Click) is in the recording, with its effect as a mutation, not
    // only its result in a snapshot taken after it.
    const isClick = (e: Ev) => e.type === 3 && e.data.source === 2 && e.data.type === 2 && e.timestamp >= clicked.at - 50;
    await expect.poll(async () => (await events()).some(isClick), SLOW).toBe(true);
    await visitor.context.close();
    site.setSnippet(snippet);
    const all = await events();
    expect(JSON.stringify(all.filter((e) => e.type === 2))).not.toContain(EARLY_CLICKED);
    expect(all.some((e) => e.type === 3 && e.data.source === 0 && JSON.stringify(e.data).includes(EARLY_CLICKED))).toBe(true);
  });

  it("links a funnel's drop-off on the Funnels page to the recordings of the sessions that left there", async () => {
    const ctx = h.server.ctx;
    const paths = ['/first', '/second', '/third'];
    const funnel = await ctx.meta.funnels.create(
      siteId,
      { name: 'Shop path', scope: 'session', steps: paths.map((p) => ({ name: p, type: 'pageview' as const, match: { url_pattern: p } })) },
      null,
    );
    // Independently, from the events table: per session, how far it got through the three pages in order.
    const rows = await ctx.events.query<{ session_id: string; path: string; ts: unknown }>(
      "SELECT session_id, path, ts FROM events WHERE site_id = ? AND name = 'page_view' ORDER BY ts",
      [siteId],
    );
    const reached = new Map<string, number>();
    for (const r of rows) {
      const k = reached.get(r.session_id) ?? 0;
      if (k < paths.length && r.path === paths[k]) reached.set(r.session_id, k + 1);
    }
    const siteRec = (await ctx.meta.sites.byId(siteId))!;
    const all = (await ctx.replay.list(siteRec, {})).recordings;
    const expected = (step: number) =>
      all
        .filter((r) => reached.get(r.session_id) === step)
        .map((r) => r.recording_id)
        .sort();
    expect(expected(1).length).toBeGreaterThan(0);
    expect(expected(2).length).toBeGreaterThan(0);

    const p = owner.page;
    await p.goto(`${h.url}/sites/${siteId}/funnels?funnel=${funnel.id}`);
    const dropOffs = p.getByTestId('funnel-dropoffs');
    await dropOffs.waitFor(SLOW);
    for (const step of [1, 2]) {
      await p.goto(`${h.url}/sites/${siteId}/funnels?funnel=${funnel.id}`);
      const after = dropOffs
        .locator('.funnel-next-grid > div')
        .filter({ has: p.getByRole('heading', { name: new RegExp(`^After step ${step} `) }) });
      await after.getByRole('link', { name: 'Watch recordings' }).click();
      await p.waitForURL(/\/recordings\?/);
      expect(new URL(p.url()).searchParams.get('funnel_step')).toBe(String(step));
      await p.getByTestId('funnel-drop-off').waitFor();
      const listed = p.getByTestId('recordings').locator('tbody tr');
      await expect.poll(() => listed.count(), SLOW).toBe(expected(step).length);
      const hrefs = await listed.getByRole('link', { name: 'Watch' }).evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect(hrefs.map((u) => new URL(u).searchParams.get('r')).sort()).toEqual(expected(step));
    }
    // Back to every recording.
    await p.getByRole('link', { name: 'Show all recordings' }).click();
    await expect.poll(() => p.getByTestId('recordings').locator('tbody tr').count(), SLOW).toBe(all.length);
    await assertNothingRan(owner);
  });

  it("uploads through a worker started at the page's first flush, and from the page itself where the site's Content-Security-Policy refuses that worker", async () => {
    const ctx = h.server.ctx;
    const siteRec = (await ctx.meta.sites.byId(siteId))!;
    const before = new Set((await ctx.replay.list(siteRec, {})).recordings.map((r) => r.recording_id));
    const visitor = await openWatched(h.browser, { userAgent: FOURTH_UA });
    const v = visitor.page;
    await v.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
    });
    const workers: string[] = [];
    v.on('worker', (w) => workers.push(w.url()));
    // A page without that policy: recording starts without the upload worker (a page left before its first
    // flush never starts one); the first flush starts it, and its chunk goes through it.
    let sent = uploaded(v);
    await v.goto(`${site.origin}/long`);
    await v.waitForFunction(() => sessionStorage.getItem('tidemark_replay'), undefined, SLOW);
    expect(workers.filter((u) => u.startsWith('blob:'))).toHaveLength(0);
    await sent;
    expect(workers.filter((u) => u.startsWith('blob:'))).toHaveLength(1);
    sent = uploaded(v);
    await v.goto(`${site.origin}/strict`);
    await sent;
    expect(await v.evaluate(() => (window as unknown as { violations: string[] }).violations)).toContain('worker-src');
    const recorded = async () => {
      const rec = (await ctx.replay.list(siteRec, {})).recordings.find((r) => !before.has(r.recording_id));
      return rec ? await streamText(await ctx.replay.eventStream(siteRec, rec.recording_id)) : '';
    };
    await expect.poll(recorded, SLOW).toContain(STRICT_HEADING);
    await visitor.context.close();
  });

  it('starts a new recording of the session after a page that ended without being left (a crash), rather than reuse its numbers', async () => {
    const ctx = h.server.ctx;
    const siteRec = (await ctx.meta.sites.byId(siteId))!;
    const before = new Set((await ctx.replay.list(siteRec, {})).recordings.map((r) => r.recording_id));
    const visitor = await openWatched(h.browser, { userAgent: FIFTH_UA });
    const v = visitor.page;
    // Listeners the page adds before the tracker's (a window's own listeners run in the order they were
    // added), which, once the page "crashes", stop it hearing that the page is hidden or left.
    await v.addInitScript(() => {
      const w = window as unknown as { crashed?: boolean };
      for (const type of ['visibilitychange', 'pagehide']) addEventListener(type, (e) => w.crashed && e.stopImmediatePropagation(), true);
    });
    let sent = uploaded(v);
    await v.goto(`${site.origin}/first`);
    await sent;
    await v.evaluate(() => {
      (window as unknown as { crashed?: boolean }).crashed = true;
    });
    sent = uploaded(v);
    await v.goto(`${site.origin}/second`);
    await sent;
    const mine = async () => (await ctx.replay.list(siteRec, {})).recordings.filter((r) => !before.has(r.recording_id));
    await expect.poll(async () => (await mine()).map((r) => r.pages.join(' ')).sort(), SLOW).toEqual(['/first', '/second']);
    const [a, b] = await mine();
    expect(a!.session_id).toBe(b!.session_id);
    await visitor.context.close();
  });
});
