import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privacyRequestSchema, type PrivacyRequest } from '@tidemark/core';
import type { Config } from '../src/config';
import { Client } from './helpers/accounts';
import { startTestServer } from './helpers/server';

/**
 * Data-subject requests end to end over HTTP, on whichever engine `overrides` selects (DuckDB file or
 * ClickHouse). A subject (a user id used on two devices, an e-mail in an identify event, a quarantined
 * event naming the e-mail) and three other visitors send events through the collector. An access
 * request's archive must hold exactly the subject's events (the test knows which it sent) as JSON and
 * CSV, and its raw and quarantined payloads; after an erasure request no table, raw file or (DuckDB)
 * database file names the subject's ids or e-mail any more, the others' data is all still there, and the
 * stats API answers what the test computes from the other visitors' events alone.
 */
export interface PrivacyEngine {
  label: string;
  dialect: 'duckdb' | 'clickhouse';
  overrides(): Partial<Config>;
  /** Where the engine keeps bytes on disk to search (DuckDB: the database file); none for a remote engine. */
  files?(dataDir: string): string[];
}

const PW = 'correct horse battery';
const ua = (n: number) => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.${n}.0 Safari/537.36`;

interface Sent {
  ua: string;
  subject: boolean;
  name: string;
  path: string;
}

export function runPrivacySuite(engine: PrivacyEngine): void {
  describe(`data-subject requests on ${engine.label}`, () => {
    const tag = crypto.randomBytes(5).toString('hex');
    const userId = `usr-${tag}`;
    const email = `subject.${tag}@mail.test`;
    const domain = `shop-${tag}.example.com`;
    let srv: Awaited<ReturnType<typeof startTestServer>>;
    let owner: Client;
    let siteId = '';
    let trackingId = '';
    let adminKey = '';
    let readKey = '';
    let orgId = '';
    const sent: Sent[] = [];

    const collect = async (agent: string, body: Record<string, unknown>) => {
      const r = await fetch(`${srv.url}/api/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': agent, origin: `https://${domain}`, 'accept-language': 'en-US' },
        body: JSON.stringify({ site_id: trackingId, ...body }),
      });
      expect(r.status, await r.clone().text()).toBe(202);
    };
    const view = async (agent: string, subject: boolean, p: string, user?: string) => {
      sent.push({ ua: agent, subject, name: 'page_view', path: p });
      await collect(agent, {
        events: [{ name: 'page_view', properties: { url: `https://${domain}${p}`, path: p, title: `Page ${p}` } }],
        ...(user ? { visitor: { user_id: user } } : {}),
      });
    };

    const waitDone = async (c: Client, prefix: string, id: string): Promise<PrivacyRequest> => {
      let last: PrivacyRequest | undefined;
      for (let i = 0; i < 300; i++) {
        const r = await c.get(`${prefix}/sites/${siteId}/privacy/requests/${id}`);
        expect(r.status, r.text).toBe(200);
        last = privacyRequestSchema.parse(r.body);
        if (last.status === 'completed' || last.status === 'failed') return last;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`request ${id} still ${last?.status}`);
    };

    beforeAll(async () => {
      srv = await startTestServer(engine.overrides());
      expect(srv.ctx.events.dialect).toBe(engine.dialect);
      owner = new Client(srv.url);
      const reg = await owner.post('/api/auth/register', { email: `owner-${tag}@privacy.test`, password: PW, org_name: `Privacy ${tag}` });
      expect(reg.status, reg.text).toBe(201);
      orgId = reg.body.current_org.id;
      const site = await owner.post('/api/sites', { name: 'Shop', domain });
      siteId = site.body.id;
      trackingId = site.body.tracking_id;
      adminKey = (await owner.post('/api/keys', { name: 'dsr', permissions: ['admin'] })).body.key;
      readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key;

      // The subject: a phone and a laptop, signed in as userId on both; an identify event naming the
      // e-mail; and an invalid event carrying the e-mail (quarantined).
      await view(ua(1), true, '/', undefined);
      await view(ua(1), true, '/pricing', userId);
      sent.push({ ua: ua(1), subject: true, name: 'identify', path: '/pricing' });
      await collect(ua(1), {
        events: [{ name: 'identify', properties: { url: `https://${domain}/pricing`, path: '/pricing', email, plan: 'pro' } }],
        visitor: { user_id: userId },
      });
      await view(ua(2), true, '/account', userId);
      sent.push({ ua: ua(2), subject: true, name: 'page_view', path: '/settings' });
      await collect(ua(2), {
        events: [
          { name: 'page_view', properties: { url: `https://${domain}/settings`, path: '/settings' } },
          { name: 'x'.repeat(500), properties: { email } },
        ],
        visitor: { user_id: userId },
      });
      // Other people.
      await view(ua(11), false, '/');
      await view(ua(11), false, '/blog');
      await view(ua(12), false, '/pricing', `other-${tag}`);
      await view(ua(13), false, '/');
    }, 120_000);

    afterAll(async () => {
      await srv?.cleanup();
    });

    it('validates requests and keeps them to admins of the site', async () => {
      for (const body of [
        {},
        { type: 'access' },
        { type: 'export', subject: { user_id: userId } },
        { type: 'access', subject: { user_id: userId, email } },
        { type: 'access', subject: { email: 'not-an-email' } },
        { type: 'erasure', subject: { visitor_id: '' } },
      ]) {
        const r = await owner.post(`/api/sites/${siteId}/privacy/requests`, body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.body.success).toBe(false);
      }
      const reader = new Client(srv.url);
      reader.bearer = readKey;
      expect((await reader.post(`/v1/sites/${siteId}/privacy/requests`, { type: 'access', subject: { user_id: userId } })).status).toBe(
        403,
      );
      expect((await reader.get(`/v1/sites/${siteId}/privacy/requests`)).status).toBe(403);
      expect((await owner.get(`/api/sites/${siteId}/privacy/requests/${crypto.randomUUID()}`)).status).toBe(404);
    });

    it('an access request by e-mail returns every record of the subject as JSON and CSV', async () => {
      const key = new Client(srv.url);
      key.bearer = adminKey;
      const created = await key.post(`/v1/sites/${siteId}/privacy/requests`, { type: 'access', subject: { email } });
      expect(created.status, created.text).toBe(202);
      const req = privacyRequestSchema.parse(created.body);
      expect(req.subject).toEqual({ kind: 'email', masked: `s***@mail.test` });
      expect(Date.parse(req.due_at) - Date.parse(req.requested_at)).toBe(30 * 86_400_000);
      expect(created.text).not.toContain(email);
      const done = await waitDone(key, '/v1', req.id);
      expect(done.status, done.error ?? '').toBe('completed');

      const mine = sent.filter((s) => s.subject);
      expect(done.found?.events).toBe(mine.length);
      const zipRes = await fetch(`${srv.url}${done.archive_url}`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(zipRes.status).toBe(200);
      expect(zipRes.headers.get('content-type')).toBe('application/zip');
      const files = unzipSync(new Uint8Array(await zipRes.arrayBuffer()));
      const events = JSON.parse(strFromU8(files['events.json']!)) as Array<Record<string, unknown>>;
      expect(events.map((e) => `${e.name} ${e.path}`).sort()).toEqual(mine.map((s) => `${s.name} ${s.path}`).sort());
      expect((parse(strFromU8(files['events.csv']!), { columns: true }) as unknown[]).length).toBe(mine.length);
      const raw = JSON.parse(strFromU8(files['raw_payloads.json']!)) as Array<{ body: string }>;
      // Every request that named the user id or the e-mail (the first page view named neither).
      expect(raw.length).toBe(4);
      expect(raw.every((r) => r.body.includes(userId) || r.body.includes(email))).toBe(true);
      const quarantined = JSON.parse(strFromU8(files['quarantine.json']!)) as Array<{ payload: string }>;
      expect(quarantined.length).toBe(1);
      expect(quarantined[0]!.payload).toContain(email);
      // The same request, listed for the dashboard.
      const list = await owner.get(`/api/sites/${siteId}/privacy/requests`);
      expect(list.body.requests.map((r: PrivacyRequest) => r.id)).toEqual([req.id]);
      expect(list.body.requests[0].requested_by).toBe('API key dsr');
    });

    it('an erasure request by user id leaves no trace of the subject, and the stats equal the others alone', async () => {
      const visitors = (
        await srv.ctx.events.query<{ v: string }>('SELECT DISTINCT visitor_id AS v FROM events WHERE site_id = ? AND user_id = ?', [
          siteId,
          userId,
        ])
      ).map((r) => r.v);
      expect(visitors.length).toBe(2);
      const otherVisitors = (
        await srv.ctx.events.query<{ v: string }>('SELECT DISTINCT visitor_id AS v FROM events WHERE site_id = ?', [siteId])
      )
        .map((r) => r.v)
        .filter((v) => !visitors.includes(v));
      const rawBefore = Number(
        (await srv.ctx.events.query<{ n: number }>('SELECT count(*) AS n FROM raw_payloads WHERE site_id = ?', [siteId]))[0]!.n,
      );

      // Before: the engine's own files do hold the subject (so the search after the erasure can fail).
      const engineFiles = () => engine.files?.(srv.dataDir) ?? [];
      if (engineFiles().length) {
        const holds = (needle: string) => engineFiles().some((f) => fs.readFileSync(f).includes(Buffer.from(needle)));
        expect(holds(userId) || holds(email), 'the database files hold the subject before the erasure').toBe(true);
      }

      const created = await owner.post(`/api/sites/${siteId}/privacy/requests`, { type: 'erasure', subject: { user_id: userId } });
      expect(created.status, created.text).toBe(202);
      const done = await waitDone(owner, '/api', created.body.id);
      expect(done.status, done.error ?? '').toBe('completed');
      expect(done.removed?.events).toBe(sent.filter((s) => s.subject).length);
      expect(done.removed?.raw).toBe(4);
      expect(done.removed?.quarantine).toBe(1);
      expect(done.archive_url).toBeNull();

      const q = srv.ctx.events.query.bind(srv.ctx.events);
      const n = async (sql: string, params: unknown[]) => Number((await q<{ n: number }>(sql, params))[0]!.n);
      const vlist = visitors.map(() => '?').join(', ');
      expect(
        await n(`SELECT count(*) AS n FROM events WHERE site_id = ? AND (user_id = ? OR visitor_id IN (${vlist}))`, [
          siteId,
          userId,
          ...visitors,
        ]),
      ).toBe(0);
      const like = `%${email}%`;
      const likeUser = `%${userId}%`;
      expect(await n('SELECT count(*) AS n FROM events WHERE CAST(props AS VARCHAR) LIKE ?', [like])).toBe(0);
      expect(await n('SELECT count(*) AS n FROM raw_payloads WHERE body LIKE ? OR body LIKE ?', [like, likeUser])).toBe(0);
      expect(await n('SELECT count(*) AS n FROM quarantine WHERE payload LIKE ? OR payload LIKE ?', [like, likeUser])).toBe(0);
      // The others' records are all still there: their raw bodies and every one of their events.
      expect(await n('SELECT count(*) AS n FROM raw_payloads WHERE site_id = ?', [siteId])).toBe(rawBefore - 4);
      const others = sent.filter((s) => !s.subject);
      expect(await n('SELECT count(*) AS n FROM events WHERE site_id = ?', [siteId])).toBe(others.length);
      expect(otherVisitors.length).toBe(new Set(others.map((s) => s.ua)).size);

      // On disk: the raw files and the engine's own files hold neither the ids nor the e-mail.
      const needles = [userId, email, ...visitors];
      const rawDir = path.join(srv.dataDir, 'events.raw');
      const disk = [
        ...(fs.existsSync(rawDir) ? fs.readdirSync(rawDir).map((f) => path.join(rawDir, f)) : []),
        ...(engine.files?.(srv.dataDir) ?? []),
      ];
      for (const file of disk) {
        const bytes = fs.readFileSync(file);
        for (const needle of needles) expect(bytes.includes(Buffer.from(needle)), `${path.basename(file)} holds ${needle}`).toBe(false);
      }

      // Stats over the period equal the reference computed from the others' events.
      const stats = await owner.get(`/api/sites/${siteId}/stats?period=last_7_days&metrics=visitors,pageviews&dimensions=page`);
      expect(stats.status, stats.text).toBe(200);
      const value = (m: unknown) => Number(typeof m === 'object' && m !== null ? (m as { value: unknown }).value : m);
      expect(value(stats.body.metrics.visitors)).toBe(new Set(others.map((s) => s.ua)).size);
      expect(value(stats.body.metrics.pageviews)).toBe(others.filter((s) => s.name === 'page_view').length);
      const byPage = new Map<string, number>();
      for (const s of others) byPage.set(s.path, (byPage.get(s.path) ?? 0) + 1);
      const rows = stats.body.dimensions.pages as Array<Record<string, unknown>>;
      expect(new Map(rows.map((r) => [String(r.path), value(r.pageviews)]))).toEqual(byPage);

      // Recorded: who asked, and what was found and removed.
      const audit = await owner.get(`/api/orgs/${orgId}/audit?action=privacy_request`);
      const actions = audit.body.entries.map((e: { action: string }) => e.action);
      expect(actions.filter((a: string) => a === 'privacy_request.created').length).toBe(2);
      expect(actions.filter((a: string) => a === 'privacy_request.completed').length).toBe(2);
      expect(actions).toContain('privacy_request.downloaded');
      expect(JSON.stringify(audit.body)).not.toContain(email);
    });
  });
}
