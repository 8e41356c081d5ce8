import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLettersSchema, triggerDryRunSchema, triggerFiringPageSchema, triggerSchema } from '@tidemark/core';
import type { AppContext } from '../src/app/context';
import { SIGNATURE_HEADER } from '../src/destinations';
import { TriggerService } from '../src/triggers';
import { Client, signUp } from './helpers/accounts';
import { makeEvent } from './helpers/events';
import { startRecorder } from './helpers/http-recorder';
import { startTestServer, tempDataDir } from './helpers/server';
import { TestClock } from './helpers/trigger-fixture';

/**
 * Triggers over HTTP with the real destinations against a local webhook receiver: validation and secrets
 * never shown, a delayed action that survives a restart of the whole application and runs once, dead
 * letters listed, retried and discarded, and a dry run that sends nothing.
 */
const MIN = 60_000;
const dataDir = tempDataDir('tidemark-triggers-');
const ENV = { TIDEMARK_OPEN_SIGNUP: 'true', TIDEMARK_ALLOW_PRIVATE_WEBHOOKS: 'true' };
let srv: Awaited<ReturnType<typeof startTestServer>>;
let receiver: Awaited<ReturnType<typeof startRecorder>>;
let failing = false;
let owner: Client;
let site: { id: string };

const put = (c: Client, path: string, body: unknown) => c.request('PUT', path, body);
const serviceOf = (ctx: AppContext, clock: TestClock, maxAttempts = 6) =>
  new TriggerService({
    meta: ctx.meta,
    events: ctx.events,
    stats: ctx.stats,
    keys: ctx.keys,
    destinations: ctx.destinations,
    now: clock.now,
    options: { maxAttempts },
  });

beforeAll(async () => {
  receiver = await startRecorder(() => (failing ? { status: 500, body: { error: 'down' } } : { status: 200, body: { ok: true } }));
  srv = await startTestServer({ dataDir }, ENV);
  owner = (await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
  site = (await owner.post('/api/sites', { domain: 'shop.test', timezone: 'UTC' })).body;
}, 60_000);

afterAll(async () => {
  await srv?.cleanup();
  await receiver?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('triggers over HTTP', () => {
  const base = () => `/api/sites/${site.id}/triggers`;
  const definition = (path: string, extra: Record<string, unknown> = {}) => ({
    name: `Visited ${path}`,
    condition: { type: 'event', event: { name: 'page_view', path } },
    actions: [{ type: 'webhook', url: `${receiver.url}/hook${path}`, secret: 'whsec-test-123' }],
    ...extra,
  });

  it('validates definitions with 400s and never shows a secret', async () => {
    for (const bad of [
      {},
      { ...definition('/x'), actions: [] },
      { ...definition('/x'), max_frequency: { count: 0, per: 'day' } },
      { ...definition('/x'), quiet_hours: { start: '25:00', end: '07:00' } },
      { ...definition('/x'), condition: { type: 'goal_not_completed', after: { name: 'a' }, goal_id: 'nope', within_minutes: 5 } },
      { ...definition('/x'), extra: true },
    ]) {
      const r = await owner.post(base(), bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.success).toBe(false);
    }
    const made = await owner.post(base(), definition('/secret'));
    expect(made.status).toBe(201);
    const t = triggerSchema.parse(made.body);
    expect(t.actions).toEqual([{ type: 'webhook', url: `${receiver.url}/hook/secret`, secret_set: true }]);
    expect(made.text).not.toContain('whsec-test-123');
    // An edit that leaves the secret out keeps it.
    const edited = await put(owner, `${base()}/${t.id}`, {
      ...definition('/secret'),
      actions: [{ type: 'webhook', url: `${receiver.url}/hook/secret` }],
    });
    expect(edited.status).toBe(200);
    expect(edited.body.actions[0].secret_set).toBe(true);
    expect((await owner.get(base())).text).not.toContain('whsec-test-123');
    expect((await owner.del(`${base()}/${t.id}`)).status).toBe(204);
    expect((await owner.get(`${base()}/${t.id}`)).status).toBe(404);
  });

  it('runs a delayed action once after the application restarts', async () => {
    const made = triggerSchema.parse((await owner.post(base(), definition('/pricing', { delay_minutes: 10 }))).body);
    const at = Date.now() + 1000;
    const event = makeEvent({
      site_id: site.id,
      ts: at,
      received_at: at,
      visitor_id: 'visitor-1',
      user_id: '',
      path: '/pricing',
      props: {},
    });
    await srv.ctx.events.write({ events: [event], raw: [], quarantine: [], drops: [] });
    const clock = new TestClock(at + 1000);
    const before = serviceOf(srv.ctx, clock);
    expect(await before.evaluate(site.id)).toMatchObject({ queued: 1 });
    expect((await before.deliverDue()).claimed).toBe(0);
    const firings = triggerFiringPageSchema.parse((await owner.get(`${base()}/${made.id}/firings`)).body);
    expect(firings.firings.map((f) => [f.profile_id, f.outcome, f.due_at])).toEqual([['vvisitor-1', 'queued', at + 10 * MIN]]);

    // The whole application stops and starts again on the same data directory.
    await srv.stop();
    srv = await startTestServer({ dataDir }, ENV);
    owner = new Client(srv.url);
    expect((await owner.post('/api/auth/login', { email: 'owner@example.com', password: 'correct horse battery' })).status).toBe(200);
    clock.ms = at + 10 * MIN;
    const after = serviceOf(srv.ctx, clock);
    const again = serviceOf(srv.ctx, clock);
    const [a, b] = await Promise.all([after.deliverDue(), again.deliverDue()]);
    expect(a.sent + b.sent).toBe(1);
    clock.ms += 60 * MIN;
    expect((await after.deliverDue()).claimed).toBe(0);
    const hits = receiver.requests.filter((r) => r.url === '/hook/pricing');
    expect(hits.length).toBe(1);
    const body = hits[0]!.body;
    const sig = String(hits[0]!.headers[SIGNATURE_HEADER.toLowerCase()]);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(sig) ?? [];
    expect(v1).toBe(crypto.createHmac('sha256', 'whsec-test-123').update(`${t}.${body}`).digest('hex'));
    expect(JSON.parse(body)).toMatchObject({ trigger_id: made.id, person: { profile_id: 'vvisitor-1' } });

    // The app's lifecycle reaches the firing log and the queue (a derived target): export, then erasure.
    const subject = { visitorId: 'visitor-1' };
    const rows = (await srv.ctx.lifecycle.exportSubjectDerived(site.id, subject)).filter((r) => r.trigger_table);
    expect(rows.map((r) => r.trigger_table).sort()).toEqual(['trigger_actions', 'trigger_firings']);
    const erased = await srv.ctx.lifecycle.eraseSubject(site.id, subject);
    expect(erased).toMatchObject({ trigger_firings: 1, trigger_actions: 1 });
    expect((await srv.ctx.lifecycle.exportSubjectDerived(site.id, subject)).filter((r) => r.trigger_table)).toEqual([]);
  });

  it('serves the reads on the public API with a read key, and no writes', async () => {
    const key = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key as string;
    const anon = new Client(srv.url);
    const bearer = { authorization: `Bearer ${key}` };
    const list = await anon.get(`/v1/sites/${site.id}/triggers`, bearer);
    expect(list.status).toBe(200);
    const t = list.body.triggers.find((x: { name: string }) => x.name === 'Visited /pricing');
    expect(t.actions[0]).toEqual({ type: 'webhook', url: `${receiver.url}/hook/pricing`, secret_set: true });
    expect(list.text).not.toContain('whsec-test-123');
    expect((await anon.get(`/v1/sites/${site.id}/triggers/${t.id}/firings`, bearer)).status).toBe(200);
    expect((await anon.get(`/v1/sites/${site.id}/dead-letters`, bearer)).status).toBe(200);
    expect((await anon.post(`/v1/sites/${site.id}/triggers`, definition('/x'), bearer)).status).toBe(404);
    expect((await anon.get(`/v1/sites/${site.id}/triggers`)).status).toBe(401);
  });

  it('records changes in the audit log', async () => {
    const me = (await owner.get('/api/auth/me')).body;
    const entries = await srv.ctx.meta.auditLog.list(me.current_org.id, { limit: 100 });
    const actions = entries.map((e) => e.action);
    for (const a of ['trigger.created', 'trigger.updated', 'trigger.deleted']) expect(actions).toContain(a);
  });

  it('lists dead letters, retries one into a delivery and discards another', async () => {
    triggerSchema.parse((await owner.post(base(), definition('/flaky'))).body);
    const at = Date.now() + 1000;
    await srv.ctx.events.write({
      events: ['d1', 'd2'].map((v) =>
        makeEvent({ site_id: site.id, ts: at, received_at: at, visitor_id: v, user_id: '', path: '/flaky', props: {} }),
      ),
      raw: [],
      quarantine: [],
      drops: [],
    });
    const clock = new TestClock(at + 1000);
    const svc = serviceOf(srv.ctx, clock, 1);
    await svc.evaluate(site.id);
    failing = true;
    expect(await svc.deliverDue()).toMatchObject({ claimed: 2, dead: 2 });
    const dead = deadLettersSchema.parse((await owner.get(`/api/sites/${site.id}/dead-letters`)).body).dead_letters;
    expect(dead.map((d) => [d.profile_id, d.attempts]).sort()).toEqual([
      ['vd1', 1],
      ['vd2', 1],
    ]);
    expect(dead[0]!.last_error).toContain('500');
    failing = false;
    expect((await owner.post(`/api/sites/${site.id}/dead-letters/${dead[0]!.id}/retry`)).status).toBe(200);
    expect((await owner.del(`/api/sites/${site.id}/dead-letters/${dead[1]!.id}`)).status).toBe(204);
    expect((await owner.del(`/api/sites/${site.id}/dead-letters/${dead[1]!.id}`)).status).toBe(404);
    expect(await svc.deliverDue()).toMatchObject({ claimed: 1, sent: 1 });
    expect((await owner.get(`/api/sites/${site.id}/dead-letters`)).body.dead_letters).toEqual([]);
  });

  it('dry-runs a definition without sending anything', async () => {
    const sent = receiver.requests.length;
    const at = Date.now() - MIN;
    await srv.ctx.events.write({
      events: ['r1', 'r2', 'r2'].map((v) =>
        makeEvent({ site_id: site.id, ts: at, received_at: at, visitor_id: v, user_id: '', path: '/dry', props: {} }),
      ),
      raw: [],
      quarantine: [],
      drops: [],
    });
    const r = await owner.post(`${base()}/dry-run`, definition('/dry', { max_frequency: 'once' }));
    expect(r.status).toBe(200);
    const dry = triggerDryRunSchema.parse(r.body);
    expect(dry).toMatchObject({ matched: 3, people: 2, allowed: 2, capped: 1 });
    expect((await owner.post(`${base()}/dry-run`, { name: 'x' })).status).toBe(400);
    expect(receiver.requests.length).toBe(sent);
  });
});
