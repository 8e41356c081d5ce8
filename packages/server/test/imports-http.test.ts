import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { dashboardStatsSchema, importJobListSchema, importJobSchema } from '@tidemark/core';
import { type Client, signUp } from './helpers/accounts';
import { startTestServer } from './helpers/server';
import { addDays, expectedTotals, generatePlausibleExport } from './helpers/plausible-export';

/**
 * Imports over HTTP on a real server: upload (raw body, admin only, size-limited), progress in the
 * list, the imported marker and toggle in the stats, delete. The numbers themselves are checked on
 * both engines by imports-suite.ts.
 */
type Srv = Awaited<ReturnType<typeof startTestServer>>;
let srv: Srv;
let owner: Client;
let site: { id: string };
let readKey: string;
let writeKey: string;
const FIRST = '2024-02-01';
const exp = generatePlausibleExport('imports-http', FIRST, 5);

async function upload(body: Uint8Array, query: string, auth: { cookie?: string | null; bearer?: string }, type = 'application/zip') {
  const headers: Record<string, string> = { 'content-type': type, origin: srv.url };
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  const res = await fetch(`${srv.url}/api/sites/${site.id}/imports?${query}`, { method: 'POST', headers, body: Buffer.from(body) });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  srv = await startTestServer({ importMaxBytes: 256 * 1024 });
  owner = (await signUp(srv.url, 'importer@example.com', 'correct horse battery', { org_name: 'Importers' })).client;
  const r = await owner.post('/api/sites', { domain: 'imports.example', timezone: 'UTC' });
  site = r.body;
  readKey = (await owner.post('/api/keys', { name: 'r', permissions: ['read'] })).body.key;
  writeKey = (await owner.post('/api/keys', { name: 'w', permissions: ['write'] })).body.key;
});

afterAll(async () => {
  await srv?.cleanup();
});

describe('imports over HTTP', () => {
  it('uploads a Plausible export, shows its progress until done, and marks the stats', async () => {
    const res = await upload(exp.zip, 'source=plausible&file_name=plausible-export.zip', { cookie: owner.cookie });
    expect(res.status).toBe(202);
    const job = importJobSchema.parse(res.body.data);
    expect(job).toMatchObject({ source: 'plausible', file_name: 'plausible-export.zip', file_bytes: exp.zip.length });
    expect(['queued', 'running', 'done']).toContain(job.status);
    await srv.ctx.imports.idle();
    const list = importJobListSchema.parse((await owner.get(`/api/sites/${site.id}/imports`)).body);
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ id: job.id, status: 'done', progress: 100, start_day: FIRST, end_day: addDays(FIRST, 4) });
    expect((await owner.get(`/api/sites/${site.id}/imports/${job.id}`)).body.data.status).toBe('done');

    const q = `period=custom&start_date=${FIRST}&end_date=${addDays(FIRST, 4)}&compare=false`;
    const stats = dashboardStatsSchema.parse((await owner.get(`/api/sites/${site.id}/stats?${q}`)).body);
    expect(stats.imported).toEqual({ available: true, included: true, days: 5 });
    expect(stats.metrics.visitors!.value).toBe(expectedTotals(exp, new Set(exp.days)).visitors);
    const off = dashboardStatsSchema.parse((await owner.get(`/api/sites/${site.id}/stats?${q}&imported=false`)).body);
    expect(off.imported).toMatchObject({ included: false, reason: 'excluded' });
    expect(off.metrics.visitors!.value).toBe(0);
    // The public API answers the same, with a read key.
    const pub = await fetch(`${srv.url}/v1/sites/${site.id}/stats?${q}`, { headers: { authorization: `Bearer ${readKey}` } });
    expect(((await pub.json()) as any).imported).toMatchObject({ included: true });
    expect((await owner.get(`/api/sites/${site.id}/stats?${q}&imported=maybe`)).status).toBe(400);

    // Uploading the same file again is the same import, replaced.
    const again = await upload(exp.zip, 'source=plausible', { cookie: owner.cookie });
    expect(again.body.data.id).toBe(job.id);
    await srv.ctx.imports.idle();
    expect((await owner.get(`/api/sites/${site.id}/imports`)).body.data).toHaveLength(1);

    const del = await owner.del(`/api/sites/${site.id}/imports/${job.id}`);
    expect(del.status).toBe(200);
    expect(del.body.data.removed.imported).toBeGreaterThan(0);
    expect((await owner.get(`/api/sites/${site.id}/imports`)).body.data).toEqual([]);
    // Identical stats statements share results for a second (stats/cache.ts): the delete shows after it.
    await new Promise((r) => setTimeout(r, 1100));
    const after = dashboardStatsSchema.parse((await owner.get(`/api/sites/${site.id}/stats?${q}`)).body);
    expect(after.imported).toBeUndefined();
    expect((await owner.del(`/api/sites/${site.id}/imports/${job.id}`)).status).toBe(404);
    expect((await owner.del(`/api/sites/${site.id}/imports/not-an-id`)).status).toBe(404);
  });

  it('refuses what it must: other roles, wrong sources, empty, oversized and non-zip uploads', async () => {
    expect((await upload(exp.zip, 'source=plausible', { bearer: readKey })).status).toBe(403);
    expect((await upload(exp.zip, 'source=plausible', { bearer: writeKey })).status).toBe(403);
    expect((await upload(exp.zip, 'source=plausible', {})).status).toBe(401);
    const unknown = await upload(exp.zip, 'source=matomo', { cookie: owner.cookie });
    expect(unknown.status).toBe(400);
    expect(unknown.body.success).toBe(false);
    expect((await upload(exp.zip, 'source=plausible&extra=1', { cookie: owner.cookie })).status).toBe(400);
    expect((await upload(new Uint8Array(0), 'source=csv', { cookie: owner.cookie }, 'text/csv')).status).toBe(400);
    const big = await upload(new Uint8Array(300 * 1024), 'source=plausible', { cookie: owner.cookie });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const notZip = await upload(strToU8('date,visitors\n'), 'source=plausible', { cookie: owner.cookie });
    expect(notZip).toMatchObject({ status: 400, body: { success: false, error: { code: 'not_a_zip' } } });
    const json = await owner.post(`/api/sites/${site.id}/imports?source=csv`, { not: 'a file' });
    expect(json.status).toBe(400);
    expect((await upload(strToU8('x'), 'source=csv', { cookie: owner.cookie }, 'image/png')).status).toBe(415);
    // A malformed file is accepted, then fails with its reason; the server stays up.
    const bad = await upload(zipSync({ 'imported_visitors.csv': strToU8('date,visitors\n2024-01-01,"x\n') }), 'source=plausible', {
      cookie: owner.cookie,
    });
    expect(bad.status).toBe(202);
    await srv.ctx.imports.idle();
    const failed = (await owner.get(`/api/sites/${site.id}/imports/${bad.body.data.id}`)).body.data;
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('imported_visitors.csv') });
    expect((await fetch(`${srv.url}/health`)).status).toBe(200);
    expect((await owner.del(`/api/sites/${site.id}/imports/${bad.body.data.id}`)).status).toBe(200);
  });
});
