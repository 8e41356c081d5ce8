import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertEventSchema, alertSchema, emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { AlertService } from '../src/alerts';
import { signUp, type Client } from './helpers/accounts';
import { startTestServer } from './helpers/server';

/**
 * Alerts on a real server (SQLite, DuckDB): CRUD and validation; delivery to a real SMTP server started
 * here (the message parsed), a Slack receiver (Block Kit) and a webhook receiver on loopback that checks
 * the HMAC signature and fails twice to prove retries; a threshold alert firing once for its incident and
 * resolving when it clears; SSRF-refused channel URLs without the admin's permission.
 */
type Srv = Awaited<ReturnType<typeof startTestServer>>;
let srv: Srv;
let owner: Client;
let site: { id: string; domain: string };
let smtp: SMTPServer;
let smtpPort = 0;
const mails: ParsedMail[] = [];
let receiver: http.Server;
let base = '';
const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: string }> = [];
let flaky = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream).then((m) => {
        mails.push(m);
        done();
      }, done);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/flaky' && flaky++ < 2) return res.writeHead(503).end('busy');
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  srv = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${smtpPort}` }, { TIDEMARK_ALLOW_PRIVATE_WEBHOOKS: 'true' });
  owner = (await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
  site = (await owner.post('/api/sites', { domain: 'alerts.example', timezone: 'UTC' })).body;
});

afterAll(async () => {
  await srv?.cleanup();
  await new Promise((r) => smtp?.close(() => r(null)));
  await new Promise((r) => receiver?.close(r));
});

const alerts = () => `/api/sites/${site.id}/alerts`;
const verify = (secret: string, r: { headers: http.IncomingHttpHeaders; body: string }) => {
  const sig = String(r.headers['x-tidemark-signature']);
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
  if (!m) return false;
  const want = crypto.createHmac('sha256', secret).update(`${m[1]}.${r.body}`).digest('hex');
  return want === m[2] && Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
};

describe('alerts', () => {
  it('validates definitions; hides channel secrets after creation', async () => {
    for (const bad of [
      {
        name: 'x',
        metric: 'conversions',
        condition: 'above',
        threshold: 1,
        comparison_period: 'day',
        channels: [{ type: 'email', to: ['a@example.com'] }],
      },
      {
        name: 'x',
        metric: 'visitors',
        condition: 'sideways',
        threshold: 1,
        comparison_period: 'day',
        channels: [{ type: 'email', to: ['a@example.com'] }],
      },
      { name: 'x', metric: 'visitors', condition: 'above', threshold: 1, comparison_period: 'day', channels: [] },
      {
        name: 'x',
        metric: 'visitors',
        condition: 'above',
        threshold: 1,
        comparison_period: 'day',
        channels: [{ type: 'webhook', url: 'ftp://x' }],
      },
    ]) {
      const r = await owner.post(alerts(), bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.success).toBe(false);
    }
    const r = await owner.post(alerts(), {
      name: 'Traffic',
      metric: 'visitors',
      condition: 'anomaly',
      threshold: 0,
      comparison_period: 'hour',
      channels: [
        { type: 'slack', webhook_url: `${base}/slack/T000/B000/secretpart` },
        { type: 'webhook', url: `${base}/hook` },
      ],
    });
    expect(r.status, r.text).toBe(201);
    const created = alertSchema.parse(r.body);
    const secret = (created.channels[1] as { secret?: string }).secret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await owner.get(alerts());
    expect(listed.text).not.toContain(secret!);
    expect(listed.text).not.toContain('secretpart');
    // Stored sealed: the metadata row holds neither.
    const row = await srv.ctx.meta.alerts.get(site.id, created.id);
    expect(JSON.stringify(row)).not.toContain('secretpart');
    expect(JSON.stringify(row)).not.toContain(secret!);
    expect((await owner.del(`${alerts()}/${created.id}`)).status).toBe(204);
  });

  it('"send test" reaches email (real SMTP), Slack (Block Kit) and a signed webhook, retrying a failing one', async () => {
    const r = await owner.post(alerts(), {
      name: 'Deliveries',
      metric: 'pageviews',
      condition: 'above',
      threshold: 1000,
      comparison_period: 'day',
      channels: [
        { type: 'email', to: ['ops@example.com', 'oncall@partner.example'] },
        { type: 'slack', webhook_url: `${base}/slack` },
        { type: 'webhook', url: `${base}/flaky`, secret: 'a-webhook-secret-of-ours' },
      ],
    });
    expect(r.status, r.text).toBe(201);
    const t = await owner.post(`${alerts()}/${r.body.id}/test`, {});
    expect(t.status, t.text).toBe(200);
    const event = alertEventSchema.parse(t.body);
    expect(event.deliveries).toEqual([
      { channel: 'email', ok: true, attempts: 1, status: null, error: null },
      { channel: 'slack', ok: true, attempts: 1, status: 200, error: null },
      { channel: 'webhook', ok: true, attempts: 3, status: 200, error: null },
    ]);
    const mail = mails.at(-1)!;
    expect(mail.subject).toBe('Test: Deliveries (alerts.example)');
    expect((mail.to as { value: Array<{ address: string }> }).value.map((a) => a.address)).toEqual([
      'ops@example.com',
      'oncall@partner.example',
    ]);
    expect(mail.text).toContain('Test of the alert "Deliveries" on alerts.example.');
    const slack = JSON.parse(received.find((x) => x.path === '/slack')!.body);
    expect(slack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Test: Deliveries (alerts.example)' } });
    const hooks = received.filter((x) => x.path === '/flaky');
    expect(hooks).toHaveLength(3);
    for (const h of hooks) expect(verify('a-webhook-secret-of-ours', h)).toBe(true);
    expect(verify('another-secret-entirely', hooks[2]!)).toBe(false);
    expect(JSON.parse(hooks[2]!.body)).toMatchObject({ event: 'alert.test', site: { id: site.id, domain: 'alerts.example' } });
    const history = await owner.get(`${alerts()}/${r.body.id}/history`);
    expect(history.body.events.map((e: { kind: string }) => e.kind)).toEqual(['test']);
  });

  it('e-mails go out in the organization’s brand: sender name, product name, logo, colour and closing text', async () => {
    const orgId = (await srv.ctx.meta.sites.byId(site.id))!.org_id;
    const brand = {
      product_name: 'Harbour Insights',
      email_sender_name: 'Harbour Agency',
      primary_color: '#0a7e5c',
      email_footer: 'Harbour Agency, 1 Quay Street',
    };
    expect((await owner.request('PUT', `/api/orgs/${orgId}/branding`, brand)).status).toBe(200);
    const r = await owner.post(alerts(), {
      name: 'Branded',
      metric: 'visitors',
      condition: 'above',
      threshold: 1000,
      comparison_period: 'day',
      channels: [{ type: 'email', to: ['brand@partner.example'] }],
    });
    expect(r.status, r.text).toBe(201);
    expect((await owner.post(`${alerts()}/${r.body.id}/test`, {})).body.deliveries[0]).toMatchObject({ channel: 'email', ok: true });
    const mail = mails.at(-1)!;
    expect(mail.subject).toBe('Test: Branded (alerts.example)');
    expect(mail.from?.value[0]).toEqual({ name: 'Harbour Agency', address: expect.any(String) });
    expect(mail.text).toContain('Sent by Harbour Insights');
    expect(mail.text?.trimEnd().endsWith('Harbour Agency, 1 Quay Street')).toBe(true);
    const html = String(mail.html);
    // No logo set: the banner names the product in its colour.
    expect(html).toContain('data-brand="Harbour Insights" style="background:#0a7e5c');
    expect(html).toContain('>Harbour Insights</span>');
    expect(html).not.toContain('Tidemark');
    await owner.request('PUT', `/api/orgs/${orgId}/branding`, {
      product_name: 'Tidemark',
      email_sender_name: '',
      primary_color: '#1d4ed8',
      email_footer: '',
    });
    await owner.request('DELETE', `${alerts()}/${r.body.id}`);
  });

  it('a threshold alert fires once for its incident and resolves when it clears', async () => {
    const hour = 3_600_000;
    const h0 = Math.floor(Date.now() / hour) * hour;
    const events: CanonicalEvent[] = Array.from({ length: 8 }, (_, i) => {
      const ts = h0 - hour + i * 60_000;
      const e = emptyEvent({
        event_id: `80000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        site_id: site.id,
        ts,
        received_at: ts,
        name: 'page_view',
      });
      e.visitor_id = `v${i}`;
      e.session_id = `v${i}-s`;
      e.path = '/';
      e.host = 'alerts.example';
      return e;
    });
    await srv.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
    const r = await owner.post(alerts(), {
      name: 'Busy hour',
      metric: 'pageviews',
      condition: 'above',
      threshold: 5,
      comparison_period: 'hour',
      channels: [{ type: 'webhook', url: `${base}/incident`, secret: 'incident-secret-0123456789' }],
    });
    const row = (await srv.ctx.meta.alerts.get(site.id, r.body.id))!;
    expect(await srv.ctx.alerts.evaluate(site as never, row, h0 + 10 * 60_000)).toBe('fired');
    const again = (await srv.ctx.meta.alerts.get(site.id, r.body.id))!;
    expect(again.state).toBe('firing');
    expect(await srv.ctx.alerts.evaluate(site as never, again, h0 + 20 * 60_000)).toBeNull(); // same bucket: judged once
    const next = (await srv.ctx.meta.alerts.get(site.id, r.body.id))!;
    expect(await srv.ctx.alerts.evaluate(site as never, next, h0 + hour + 10 * 60_000)).toBe('resolved'); // the next hour is quiet
    const hooks = received.filter((x) => x.path === '/incident').map((x) => JSON.parse(x.body));
    expect(hooks.map((h) => [h.event, h.value, h.bucket])).toEqual([
      ['alert.fired', 8, new Date(h0 - hour).toISOString()],
      ['alert.resolved', 0, new Date(h0).toISOString()],
    ]);
    const history = (await owner.get(`${alerts()}/${r.body.id}/history`)).body.events;
    expect(history.map((e: { kind: string }) => e.kind)).toEqual(['resolved', 'fired']);
    expect((await owner.get(`${alerts()}/${r.body.id}`)).body).toMatchObject({ state: 'ok', last_value: 0 });
  });

  it('alerts on revenue, rage clicks and JavaScript errors, judged with the stats engine', async () => {
    const hour = 3_600_000;
    const h0 = Math.floor(Date.now() / hour) * hour;
    const other = (await owner.post('/api/sites', { domain: 'frustration.example', timezone: 'UTC' })).body;
    const ev = (i: number, name: string, visitor: string): CanonicalEvent => {
      const ts = h0 - hour + i * 30_000;
      const e = emptyEvent({
        event_id: `81000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        site_id: other.id,
        ts,
        received_at: ts,
        name,
      });
      e.visitor_id = visitor;
      e.session_id = `${visitor}-s`;
      e.path = '/checkout';
      e.host = 'frustration.example';
      return e;
    };
    // Written here, counted again below by the test itself: 3 rage clicks, 2 errors, 4 page views.
    const written = [
      ...['a', 'b', 'c', 'd'].map((v, i) => ev(i, 'page_view', v)),
      ev(4, 'rage_click', 'a'),
      ev(5, 'rage_click', 'a'),
      ev(6, 'rage_click', 'b'),
      ev(7, 'error_occurred', 'c'),
      ev(8, 'error_occurred', 'd'),
      ev(9, 'dead_click', 'd'),
    ];
    await srv.ctx.events.write({ events: written, raw: [], quarantine: [], drops: [] });
    const payments = [
      { key: 'pay-alert-1', amount: 12_345, visitor: 'a' },
      { key: 'pay-alert-2', amount: 5_000, visitor: 'b' },
    ];
    await srv.ctx.events.upsertSideRows(
      'transactions',
      payments.map((p, i) => ({
        site_id: other.id,
        txn_key: p.key,
        kind: 'payment',
        status: 'counted',
        source: 'stripe',
        ts: h0 - hour + 10 * 60_000 + i * 1000,
        amount: p.amount,
        currency: 'USD',
        visitor_id: p.visitor,
        version: 1,
      })),
    );
    const expected = {
      rage_clicks: written.filter((e) => e.name === 'rage_click').length,
      errors: written.filter((e) => e.name === 'error_occurred').length,
      total_revenue: payments.reduce((a, p) => a + p.amount, 0) / 100,
    };
    const s = (await srv.ctx.meta.sites.byId(other.id))!;
    for (const [metric, value] of Object.entries(expected)) {
      const above = await owner.post(`/api/sites/${other.id}/alerts`, {
        name: `${metric} high`,
        metric,
        condition: 'above',
        threshold: value - 0.5,
        comparison_period: 'hour',
        channels: [{ type: 'webhook', url: `${base}/metric-${metric}`, secret: 'metric-alert-secret-0123456789' }],
      });
      expect(above.status, above.text).toBe(201);
      const quiet = await owner.post(`/api/sites/${other.id}/alerts`, {
        name: `${metric} not that high`,
        metric,
        condition: 'above',
        threshold: value,
        comparison_period: 'hour',
        channels: [{ type: 'webhook', url: `${base}/metric-${metric}-quiet` }],
      });
      expect(quiet.status, quiet.text).toBe(201);
      for (const id of [above.body.id, quiet.body.id]) {
        const row = (await srv.ctx.meta.alerts.get(other.id, id))!;
        await srv.ctx.alerts.evaluate(s, row, h0 + 10 * 60_000);
      }
      const hooks = received.filter((x) => x.path === `/metric-${metric}`).map((x) => JSON.parse(x.body));
      expect(
        hooks.map((h) => [h.event, h.value]),
        metric,
      ).toEqual([['alert.fired', value]]);
      expect(
        received.filter((x) => x.path === `/metric-${metric}-quiet`),
        metric,
      ).toHaveLength(0);
      expect((await owner.get(`/api/sites/${other.id}/alerts/${quiet.body.id}`)).body).toMatchObject({ state: 'ok', last_value: value });
    }
  });

  it('refuses channel URLs on private addresses unless the admin allowed them', async () => {
    const strict = new AlertService({
      meta: srv.ctx.meta,
      stats: srv.ctx.stats,
      keys: srv.ctx.keys,
      mailer: srv.ctx.auth.mailer,
      allowPrivate: false,
    });
    const s = (await srv.ctx.meta.sites.byId(site.id))!;
    for (const url of [`${base}/hook`, 'http://localhost:9/hook', 'http://[::ffff:127.0.0.1]/hook', 'http://169.254.169.254/latest'])
      await expect(
        strict.create(
          s,
          {
            name: 'x',
            metric: 'visitors',
            condition: 'above',
            threshold: 1,
            comparison_period: 'day',
            channels: [{ type: 'webhook', url }],
          },
          null,
        ),
        url,
      ).rejects.toMatchObject({ status: 400, code: 'outbound_refused' });
    const before = received.length;
    // An alert stored while allowed is still refused at delivery time by a strict service.
    const stored = (await srv.ctx.meta.alerts.listBySite(site.id)).find((a) => a.name === 'Busy hour')!;
    const ev = await strict.sendTest(s, stored.id);
    expect(ev.deliveries[0]).toMatchObject({ channel: 'webhook', ok: false, attempts: 1 });
    expect(ev.deliveries[0]!.error).toMatch(/private, loopback/);
    expect(received.length).toBe(before);
  });
});
