import crypto from 'node:crypto';
import net from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer, UnconfiguredMailer } from '../src/auth';
import { createDestinations, type ActionPerson, type DeliveryContext, type Destinations } from '../src/destinations';
import { ServerKeys } from '../src/secrets';
import { startRecorder } from './helpers/http-recorder';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';
import { startSmtpSink } from './helpers/smtp-sink';

const keys = ServerKeys.fromString('destinations-deliver-test-secret-0123456789abcdef');

/** Verifies `t=<secs>,v1=<hex>` the way a receiver would, written here from the documented scheme. */
function verifySignature(header: string, body: string, secret: string, nowSecs: number, toleranceSecs = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSecs - t) > toleranceSecs || !parts.v1) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

describe('destinations: webhook, Slack and e-mail deliveries', () => {
  let h: MetaEngineHandle;
  let siteId: string;
  let orgId: string;
  let person: ActionPerson;
  const ctx: DeliveryContext = {
    idempotency_key: 'trg_1:u42:1717000000',
    reason: "trigger 'Pricing visitor' matched: page_view /pricing",
    event: { name: 'pageview', ts: Date.parse('2024-05-29T16:26:40Z'), path: '/pricing', props: { plan: 'pro' } },
    data: { trigger: { id: 'trg_1', name: 'Pricing visitor' }, reason: 'data cannot overwrite the reason' },
  };

  beforeAll(async () => {
    h = await openTestMeta('sqlite');
    const org = await h.meta.orgs.create('Deliveries Inc');
    orgId = org.id;
    siteId = (await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' })).id;
    person = {
      site_id: siteId,
      profile_id: 'u42',
      user_id: '42',
      email: 'ada@example.com',
      traits: { first_name: 'Ada', plan: 'pro', company: '<Acme & Sons>', seats: 3, trial: true, gone: null },
    };
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  const dest = (o: Partial<Parameters<typeof createDestinations>[0]> = {}): Destinations =>
    createDestinations({ meta: h.meta, keys, mailer: new UnconfiguredMailer(() => {}), outbound: { allowPrivate: true }, ...o });

  it('posts the signed JSON with its idempotency key; the signature verifies independently', async () => {
    const rec = await startRecorder(() => ({ status: 204 }));
    try {
      const now = Date.parse('2024-05-29T16:30:00Z');
      const d = dest({ now: () => now });
      const secret = 'whsec_test_0123456789';
      const r = await d.deliver({ type: 'webhook', url: `${rec.url}/hook?x=1`, secret }, person, ctx);
      expect(r).toEqual({ ok: true, status: 204 });
      expect(rec.requests).toHaveLength(1);
      const req = rec.requests[0]!;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/hook?x=1');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['idempotency-key']).toBe(ctx.idempotency_key);
      expect(req.headers['x-tidemark-timestamp']).toBe(String(now / 1000));
      expect(verifySignature(String(req.headers['x-tidemark-signature']), req.body, secret, now / 1000)).toBe(true);
      // Any change of body, secret or timestamp fails verification.
      expect(verifySignature(String(req.headers['x-tidemark-signature']), `${req.body} `, secret, now / 1000)).toBe(false);
      expect(verifySignature(String(req.headers['x-tidemark-signature']), req.body, `${secret}x`, now / 1000)).toBe(false);
      expect(verifySignature(String(req.headers['x-tidemark-signature']), req.body, secret, now / 1000 + 3600)).toBe(false);
      const body = JSON.parse(req.body);
      expect(body).toEqual({
        trigger: { id: 'trg_1', name: 'Pricing visitor' },
        idempotency_key: ctx.idempotency_key,
        reason: ctx.reason,
        person: { site_id: siteId, profile_id: 'u42', user_id: '42', email: 'ada@example.com', traits: person.traits },
        event: ctx.event,
        sent_at: '2024-05-29T16:30:00.000Z',
      });

      // Without a secret: no signature header, the rest the same.
      await d.deliver({ type: 'webhook', url: rec.url, secret: null }, person, ctx);
      expect(rec.requests[1]!.headers['x-tidemark-signature']).toBeUndefined();
      expect(rec.requests[1]!.headers['idempotency-key']).toBe(ctx.idempotency_key);
    } finally {
      await rec.close();
    }
  });

  it('classifies failures: 5xx, 429, timeouts and refused connections may be retried; other 4xx and refused addresses not', async () => {
    const statuses = [500, 503, 429, 400, 404, 410];
    const rec = await startRecorder((req) => {
      if (req.url === '/slow') return 'hang';
      return { status: Number(req.url.slice(1)), body: { message: `status ${req.url.slice(1)}` } };
    });
    try {
      const d = dest({ outbound: { allowPrivate: true, timeoutMs: 300 } });
      for (const s of statuses) {
        const r = await d.deliver({ type: 'webhook', url: `${rec.url}/${s}` }, person, ctx);
        expect(r, String(s)).toMatchObject({ ok: false, status: s, retryable: s >= 500 || s === 429 });
      }
      // Retry-After, as seconds or as an HTTP date, tells the caller how long to wait.
      const later = new Date(Date.now() + 120_000).toUTCString();
      const waitRec = await startRecorder((req) =>
        req.url === '/date' ? { status: 503, headers: { 'retry-after': later } } : { status: 429, headers: { 'retry-after': '7' } },
      );
      expect(await d.deliver({ type: 'webhook', url: `${waitRec.url}/secs` }, person, ctx)).toMatchObject({
        retryable: true,
        retry_after_ms: 7000,
      });
      const byDate = await d.deliver({ type: 'webhook', url: `${waitRec.url}/date` }, person, ctx);
      expect((byDate as { retry_after_ms: number }).retry_after_ms).toBeGreaterThan(100_000);
      expect((byDate as { retry_after_ms: number }).retry_after_ms).toBeLessThanOrEqual(120_000);
      await waitRec.close();
      const slow = await d.deliver({ type: 'webhook', url: `${rec.url}/slow` }, person, ctx);
      expect(slow).toMatchObject({ ok: false, retryable: true });
      // A port nobody listens on: connection refused.
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const closedPort = (probe.address() as net.AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const refused = await d.deliver({ type: 'webhook', url: `http://127.0.0.1:${closedPort}/` }, person, ctx);
      expect(refused).toMatchObject({ ok: false, retryable: true });
      expect((refused as { error: string }).error).toMatch(/ECONNREFUSED/);
      // A redirect is not followed (a POST would turn into a GET elsewhere): a settings error, nothing sent on.
      const moved = await startRecorder((req) => (req.url === '/old' ? { status: 301, headers: { location: '/new' } } : { status: 200 }));
      expect(await d.deliver({ type: 'webhook', url: `${moved.url}/old` }, person, ctx)).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringMatching(/redirect/),
      });
      expect(moved.requests.map((r) => r.url)).toEqual(['/old']);
      await moved.close();
      // Not an URL at all: a settings error.
      expect(await d.deliver({ type: 'webhook', url: 'not a url' }, person, ctx)).toMatchObject({ ok: false, retryable: false });
    } finally {
      await rec.close();
    }
  });

  it('refuses private addresses unless the admin allowed them, without sending anything', async () => {
    const rec = await startRecorder(() => ({ status: 200 }));
    try {
      const guarded = dest({ outbound: {} });
      for (const action of [
        { type: 'webhook' as const, url: `${rec.url}/hook` },
        { type: 'slack' as const, webhook_url: `${rec.url}/slack`, text: 'hi' },
        { type: 'webhook' as const, url: 'http://169.254.169.254/latest/meta-data/' },
      ]) {
        const r = await guarded.deliver(action, person, ctx);
        expect(r).toMatchObject({ ok: false, retryable: false });
        expect((r as { error: string }).error).toMatch(/private, loopback or link-local/);
      }
      expect(rec.requests).toHaveLength(0);
      expect(await dest().deliver({ type: 'webhook', url: `${rec.url}/hook` }, person, ctx)).toMatchObject({ ok: true });
      expect(rec.requests).toHaveLength(1);
    } finally {
      await rec.close();
    }
  });

  it('sends Slack messages rendered from the template, escaping what tracked data inserts', async () => {
    const rec = await startRecorder(() => ({ status: 200, body: 'ok' }));
    try {
      const r = await dest().deliver(
        {
          type: 'slack',
          webhook_url: `${rec.url}/services/T/B/X`,
          text: '{{person.traits.first_name}} from {{person.traits.company}} viewed {{event.path}} ({{reason}})',
        },
        person,
        ctx,
      );
      expect(r).toEqual({ ok: true, status: 200 });
      const req = rec.requests[0]!;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/services/T/B/X');
      expect(JSON.parse(req.body)).toEqual({
        text: `Ada from &lt;Acme &amp; Sons&gt; viewed /pricing (trigger 'Pricing visitor' matched: page_view /pricing)`,
      });
      const broken = await dest().deliver({ type: 'slack', webhook_url: rec.url, text: '{{#person}}unclosed' }, person, ctx);
      expect(broken).toMatchObject({ ok: false, retryable: false });
      expect(rec.requests).toHaveLength(1);
    } finally {
      await rec.close();
    }
  });

  it('mails the person through SMTP: text and HTML parts from the template, HTML escaped, in the organization branding', async () => {
    const sink = await startSmtpSink();
    const mailer = new SmtpMailer(sink.url, 'Tidemark <noreply@tidemark.test>');
    try {
      await h.meta.orgBranding.set(
        orgId,
        JSON.stringify({ product_name: 'Agency Stats', email_sender_name: 'Agency Co', email_footer: 'Agency Co, 1 Main St' }),
      );
      const d = dest({ mailer });
      const action = {
        type: 'email' as const,
        to: 'person',
        subject: 'Hello {{person.traits.first_name}}\r\nBcc: evil@example.com',
        body: 'Hi {{person.traits.first_name}},\n\nthanks for looking at {{event.path}} ({{person.traits.company}}).\nSeats: {{person.traits.seats}}{{#data.trigger}}\nTrigger: {{name}}{{/data.trigger}}',
      };
      expect(await d.deliver(action, person, ctx)).toEqual({ ok: true });
      expect(sink.messages).toHaveLength(1);
      const mail: ParsedMail = await simpleParser(sink.messages[0]!);
      expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('ada@example.com');
      expect(mail.subject).toBe('Hello Ada Bcc: evil@example.com');
      expect(mail.bcc).toBeUndefined();
      expect(mail.from?.value[0]).toMatchObject({ name: 'Agency Co', address: 'noreply@tidemark.test' });
      expect(mail.headers.get('x-tidemark-delivery')).toBe(ctx.idempotency_key);
      expect(mail.text).toContain('Hi Ada,\n\nthanks for looking at /pricing (<Acme & Sons>).\nSeats: 3\nTrigger: Pricing visitor');
      expect(mail.text).toContain('Agency Co, 1 Main St');
      const html = String(mail.html);
      expect(html).toContain('&lt;Acme &amp; Sons&gt;');
      expect(html).not.toContain('<Acme');
      expect(html).toContain('Seats: 3<br>Trigger: Pricing visitor');
      expect(html).toContain('Agency Stats');

      // A fixed recipient; a person without e-mail; mail not configured: each says why.
      expect(await d.deliver({ ...action, to: 'sales@example.com' }, { ...person, email: null }, ctx)).toEqual({ ok: true });
      expect(sink.messages).toHaveLength(2);
      expect(await d.deliver(action, { ...person, email: null }, ctx)).toMatchObject({ ok: false, retryable: false });
      expect(await d.deliver({ ...action, to: 'a@b.c\r\nBcc: x@y.z' }, person, ctx)).toMatchObject({ ok: false, retryable: false });
      expect(await dest().deliver(action, person, ctx)).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringMatching(/not configured/),
      });
      expect(sink.messages).toHaveLength(2);
    } finally {
      mailer.close();
      await sink.close();
    }
  });

  it('reports an SMTP server that is down as retryable', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}`, 'noreply@tidemark.test');
    const r = await dest({ mailer }).deliver({ type: 'email', to: 'person', subject: 's', body: 'b' }, person, ctx);
    expect(r).toMatchObject({ ok: false, retryable: true });
    mailer.close();
  });
});
