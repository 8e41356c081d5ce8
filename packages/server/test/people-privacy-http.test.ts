import crypto from 'node:crypto';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileSchema } from '@tidemark/core';
import { loadConfig, startServer, type RunningServer } from '../src/index';
import { type Client, signUp } from './helpers/accounts';
import { eventually } from './helpers/contracts';
import { tempDataDir } from './helpers/server';

/**
 * Traits under the site's people settings, through the real server: the allow-list drops other traits
 * at ingestion; trait privacy stores e-mail and phone traits as keyed hashes (HMAC under the server's
 * derived key, recomputed here with node's crypto) in the events and the raw payload store, and shows
 * them masked; no trait value reaches the request log, a search for one included.
 */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

const EMAIL = 'Jane.Roe@Example.com';
const PHONE = '+49 (30) 5550-1234';
const SECRET_TRAIT = 'do-not-keep-7781';

describe('trait privacy and allow-list over HTTP', () => {
  const log = new LogCapture();
  let server: RunningServer;
  let dataDir: string;
  let owner: Client;
  let site: { id: string };
  let writeKey: string;

  beforeAll(async () => {
    dataDir = tempDataDir();
    const config = loadConfig({ TIDEMARK_LOG_LEVEL: 'info' }, { host: '127.0.0.1', port: 0, dataDir });
    server = await startServer(config, { logStream: log });
    owner = (await signUp(server.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
    site = (await owner.post('/api/sites', { domain: 'example.com', timezone: 'UTC' })).body;
    writeKey = (await owner.post('/api/keys', { name: 'backend', permissions: ['write'], site_id: site.id })).body.key;
  });

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('validates and saves the people settings of a site', async () => {
    const bad = await owner.patch(`/api/sites/${site.id}`, { trait_allowlist: ["a'b"] });
    expect([bad.status, bad.body.success, bad.body.error?.code]).toEqual([400, false, 'validation_error']);
    const ok = await owner.patch(`/api/sites/${site.id}`, { trait_privacy: true, trait_allowlist: ['email', 'phone', 'plan'] });
    expect(ok.status).toBe(200);
    expect([ok.body.trait_privacy, ok.body.trait_allowlist]).toEqual([true, ['email', 'phone', 'plan']]);
    expect((await owner.get(`/api/sites/${site.id}`)).body.trait_allowlist).toEqual(['email', 'phone', 'plan']);
  });

  it('hashes e-mail and phone traits, drops traits off the list, masks them and keeps them out of the log', async () => {
    const auth = { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' };
    const body = { userId: 'jane', anonymousId: 'anon-1', traits: { email: EMAIL, phone: PHONE, plan: 'pro', ssn: SECRET_TRAIT } };
    const res = await fetch(`${server.url}/v1/identify`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const key = server.ctx.keys.derive('trait-hash');
    const hmac = (text: string) => `hmac:${crypto.createHmac('sha256', key).update(text).digest('hex')}`;
    const rows = await eventually(
      () => server.ctx.events.query<Record<string, unknown>>(`SELECT props FROM events WHERE site_id = ? AND name = 'identify'`, [site.id]),
      (r) => r.length > 0,
    );
    expect(JSON.parse(String(rows[0]!.props))).toEqual({ email: hmac('jane.roe@example.com'), phone: hmac('+493055501234'), plan: 'pro' });
    const raw = await server.ctx.events.query<{ body: string }>('SELECT body FROM raw_payloads WHERE site_id = ?', [site.id]);
    expect(raw.length).toBe(1);
    expect(raw[0]!.body).toContain(hmac('jane.roe@example.com'));
    for (const text of [EMAIL, EMAIL.toLowerCase(), PHONE, SECRET_TRAIT]) expect(raw[0]!.body).not.toContain(text);
    expect(JSON.parse(raw[0]!.body).traits.plan).toBe('pro');

    const profile = profileSchema.parse((await owner.get(`/api/sites/${site.id}/profiles/ujane`)).body);
    const shown = Object.fromEntries(profile.traits.map((t) => [t.key, t.value]));
    expect(shown).toEqual({
      email: `•••• ${hmac('jane.roe@example.com').slice(5, 11)}`,
      phone: `•••• ${hmac('+493055501234').slice(5, 11)}`,
      plan: 'pro',
    });
    const search = await owner.get(`/api/sites/${site.id}/profiles?search=${encodeURIComponent(EMAIL)}`);
    expect(search.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(log.lines.length).toBeGreaterThan(3);
    for (const text of [EMAIL, encodeURIComponent(EMAIL), EMAIL.toLowerCase(), PHONE, SECRET_TRAIT]) expect(log.text).not.toContain(text);
  });
});
