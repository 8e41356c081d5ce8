import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_COLUMNS, emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { exportCommand } from '../src/cli';
import { signUp, signUpConfirmed, type Client } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer, tempDataDir } from './helpers/server';

/**
 * Whole-site export: `GET /v1/sites/{id}/export` with an API key and `tidemark export SITE --from --to`
 * give the same zip — one CSV per report and the raw events (NDJSON or CSV, read page by page) — and
 * its contents match what was written, counted here.
 */
type Srv = Awaited<ReturnType<typeof startTestServer>>;
let srv: Srv;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let owner: Client;
let stranger: Client;
let site: { id: string; domain: string };
let readKey: string;
let writeKey: string;
const dataDir = tempDataDir();
const PATHS = ['/', '/a', '/b/c', '=cmd|calc'];
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = dayOf(Date.now());
const day = (n: number) => dayOf(Date.parse(`${TODAY}T00:00:00Z`) - n * 86_400_000);
const FROM = day(4);
const TO = day(2);
let written: CanonicalEvent[] = [];

/** 2,600 events (more than two pages of 1,000) over days 5..1 ago; those of days 4..2 are in range. */
function events(siteId: string): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < 2600; i++) {
    const d = 1 + (i % 5);
    const ts = Date.parse(`${day(d)}T00:00:00Z`) + ((i * 7919) % 86_000) * 1000;
    const e = emptyEvent({
      event_id: `50000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      site_id: siteId,
      ts,
      received_at: ts,
      name: 'page_view',
    });
    e.visitor_id = `v${i % 300}`;
    e.session_id = `v${i % 300}-${d}`;
    e.path = PATHS[i % PATHS.length]!;
    e.host = 'export.example';
    out.push(e);
  }
  return out;
}

const inRange = (e: CanonicalEvent) => dayOf(e.ts) >= FROM && dayOf(e.ts) <= TO;

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url, dataDir }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  owner = (await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', 'correct horse battery', { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'export.example', timezone: 'UTC' })).body;
  readKey = (await owner.post('/api/keys', { name: 'exports', permissions: ['read'] })).body.key;
  writeKey = (await owner.post('/api/keys', { name: 'ingest', permissions: ['write'] })).body.key;
  written = events(site.id);
  await srv.ctx.events.write({ events: written, raw: [], quarantine: [], drops: [] });
}, 60_000);

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function download(query: string, key = readKey) {
  const res = await fetch(`${srv.url}/v1/sites/${site.id}/export?${query}`, { headers: { authorization: `Bearer ${key}` } });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** What the zip must hold, computed from the written events. */
function checkZip(files: Record<string, Uint8Array>, eventsFormat: 'ndjson' | 'csv') {
  const want = written.filter(inRange);
  expect(Object.keys(files)).toContain('overview.csv');
  expect(Object.keys(files)).toContain('pages.csv');
  expect(Object.keys(files)).toContain(`events.${eventsFormat}`);

  const overview = parseCsv(strFromU8(files['overview.csv']!), { columns: true }) as Array<Record<string, string>>;
  expect(overview.map((r) => r.date)).toEqual([FROM, day(3), TO]);
  for (const r of overview) expect(Number(r.pageviews), r.date).toBe(want.filter((e) => dayOf(e.ts) === r.date).length);

  const pages = parseCsv(strFromU8(files['pages.csv']!), { columns: true }) as Array<Record<string, string>>;
  const visitors = new Map<string, Set<string>>();
  for (const e of want) visitors.set(e.path, (visitors.get(e.path) ?? new Set()).add(e.visitor_id));
  const unquote = (s: string) => (s.startsWith("'=") ? s.slice(1) : s);
  expect(new Map(pages.map((r) => [unquote(r.path!), Number(r.visitors)]))).toEqual(new Map([...visitors].map(([p, s]) => [p, s.size])));

  const ids =
    eventsFormat === 'ndjson'
      ? strFromU8(files['events.ndjson']!)
          .trimEnd()
          .split('\n')
          .map((l) => (JSON.parse(l) as { event_id: string }).event_id)
      : (() => {
          const rows = parseCsv(strFromU8(files['events.csv']!), { columns: true }) as Array<Record<string, string>>;
          expect(Object.keys(rows[0]!)).toEqual(EVENT_COLUMNS.map((c) => c.name));
          return rows.map((r) => r.event_id!);
        })();
  expect(ids).toHaveLength(want.length);
  expect(new Set(ids)).toEqual(new Set(want.map((e) => e.event_id)));
}

describe('whole-site export', () => {
  it('streams a zip with the reports and the raw events as NDJSON to an API key', async () => {
    const { res, bytes } = await download(`from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="tidemark-export.example-${FROM}-${TO}.zip"`);
    checkZip(unzipSync(bytes), 'ndjson');
  });

  it('gives the events as CSV, or leaves them out', async () => {
    checkZip(unzipSync((await download(`from=${FROM}&to=${TO}&events=csv`)).bytes), 'csv');
    const none = unzipSync((await download(`from=${FROM}&to=${TO}&events=none`)).bytes);
    expect(Object.keys(none).some((f) => f.startsWith('events.'))).toBe(false);
  });

  it('refuses bad parameters with a coded 400, other organizations with 404, keys without read with 403', async () => {
    for (const q of [
      `from=${TO}&to=${FROM}`,
      `from=${FROM}`,
      `from=${FROM}&to=${TO}&events=xlsx`,
      'from=2024-02-30&to=2024-03-01',
      `from=${FROM}&to=${TO}&x=1`,
    ]) {
      const { res, bytes } = await download(q);
      expect(res.status, q).toBe(400);
      expect(JSON.parse(strFromU8(bytes))).toMatchObject({ success: false, error: { code: expect.any(String) } });
    }
    expect((await stranger.get(`/v1/sites/${site.id}/export?from=${FROM}&to=${TO}`)).status).toBe(404);
    expect((await download(`from=${FROM}&to=${TO}`, writeKey)).res.status).toBe(403);
  });

  it('tidemark export writes the same zip from the stopped server’s stores', async () => {
    await srv.stop();
    const out = path.join(dataDir, 'export.zip');
    const lines: string[] = [];
    const env = { TIDEMARK_DATA_DIR: dataDir, TIDEMARK_LOG_LEVEL: 'silent' };
    await exportCommand(['export.example', '--from', FROM, `--to=${TO}`, '--out', out], (l) => lines.push(l), env);
    expect(lines[0]).toBe(`exported export.example: 17 files, ${written.filter(inRange).length} events to ${out}`);
    checkZip(unzipSync(fs.readFileSync(out)), 'ndjson');
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    await expect(exportCommand(['export.example', '--from', FROM], () => {}, env)).rejects.toThrow(/usage: tidemark export/);
    await expect(exportCommand(['nope.example', '--from', FROM, '--to', TO], () => {}, env)).rejects.toThrow(/no site/);
  });
});
