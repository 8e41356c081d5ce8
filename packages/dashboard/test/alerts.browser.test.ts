import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent } from '@tidemark/core';
import {
  assertNothingRan,
  browserUnavailable,
  openWatched,
  registerThroughApi,
  screenshot,
  signIn,
  startHarness,
  type Harness,
} from './harness';

/**
 * Alerts and email reports in a real Chromium: the owner adds an alert with a webhook in the site's
 * settings, presses "Send test", the receiver on loopback gets a correctly signed request, and the
 * alert's history shows the delivery; then adds a weekly email report and a custom report (CSV) and
 * sends them now to a real SMTP server started here; as an instance administrator, reads the System
 * page and adds a system alert whose test reaches the webhook.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };
const OWNER = { email: 'alerter@example.com', password: 'correct horse battery' };

describe.skipIf(!!unavailable)('alerts in the dashboard', () => {
  let h: Harness;
  let receiver: http.Server;
  let hookUrl = '';
  const hits: Array<{ signature: string; body: string }> = [];
  let smtp: SMTPServer;
  const mails: ParsedMail[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _s, done) {
        simpleParser(stream).then((m) => {
          mails.push(m);
          done();
        }, done);
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    h = await startHarness({
      allowPrivateWebhooks: true,
      instanceAdmins: [OWNER.email],
      smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    });
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        hits.push({ signature: String(req.headers['x-tidemark-signature']), body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect(await registerThroughApi(h.url, { ...OWNER, org_name: 'Alerters' })).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await new Promise((r) => receiver?.close(r));
    await new Promise((r) => smtp?.close(() => r(null)));
  });

  it('adds an alert, sends a test to a webhook and shows it in the history; adds an email report and sends it', async () => {
    const w = await openWatched(h.browser);
    const { page } = w;
    await page.goto(`${h.url}/login`);
    await signIn(page, OWNER.email, OWNER.password);
    await page.getByRole('heading', { name: 'No sites yet' }).waitFor(SLOW);
    const created = await page.request.post(`${h.url}/api/sites`, { data: { domain: 'alerted.example' }, headers: { origin: h.url } });
    const site = (await created.json()) as { id: string };

    await page.goto(`${h.url}/sites/${site.id}/settings`);
    const form = page.getByRole('form', { name: 'New alert' });
    await form.getByLabel('Alert name').fill('Traffic drop');
    await form.getByLabel('Metric').selectOption('visitors');
    await form.getByLabel('Condition').selectOption('below');
    await form.getByLabel('Threshold').fill('10');
    await form.getByLabel('Per').selectOption('day');
    await form.getByLabel('Send to').selectOption('webhook');
    await form.getByLabel('Webhook URL').fill(hookUrl);
    await form.getByRole('button', { name: 'Add alert' }).click();
    const item = page.getByTestId('alert-item').filter({ hasText: 'Traffic drop' });
    await expect.poll(() => item.textContent(), SLOW).toContain('Visitors is below 10 per day · webhook');

    await item.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => item.getByTestId('alert-event').first().textContent(), SLOW).toContain('webhook: delivered');
    expect(hits).toHaveLength(1);
    const body = JSON.parse(hits[0]!.body);
    expect(body).toMatchObject({
      event: 'alert.test',
      alert: { name: 'Traffic drop', condition: 'below', threshold: 10 },
      site: { domain: 'alerted.example' },
    });
    // The signature checks out with the secret the API made (read from the server's sealed store).
    const row = (await h.server.ctx.meta.alerts.listBySite(site.id))[0]!;
    const secret = (JSON.parse(h.server.ctx.keys.open('alert-channels', row.channels_sealed)!) as Array<{ secret: string }>)[0]!.secret;
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(hits[0]!.signature)!;
    expect(crypto.createHmac('sha256', secret).update(`${m[1]}.${hits[0]!.body}`).digest('hex')).toBe(m[2]);
    await screenshot(page, 'alerts-settings-history');

    // An email report for someone outside the organization, sent now.
    const reportForm = page.getByRole('form', { name: 'New email report' });
    await reportForm.getByLabel('Frequency').selectOption('weekly');
    await reportForm.getByLabel('Recipients').fill('board@partner.example');
    await reportForm.getByRole('button', { name: 'Add report' }).click();
    const report = page.getByTestId('report-item');
    await expect.poll(() => report.textContent(), SLOW).toContain('board@partner.example');
    await report.getByRole('button', { name: 'Send now' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent 1 mail(s).' }).waitFor(SLOW);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/^alerted\.example: weekly report, \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}$/);
    expect(String(mails[0]!.html)).toContain('data-kpi="visitors">0<');

    // A custom report: pageviews by page, attached as CSV; last week had 3 views of /a and 2 of /b.
    const day = 86_400_000;
    const monday =
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - ((new Date().getUTCDay() + 6) % 7) * day;
    const views = ['/a', '/a', '/a', '/b', '/b'].map((path, i) => {
      const ts = monday - 5 * day + i * 60_000; // last week's Wednesday
      const e = emptyEvent({ event_id: crypto.randomUUID(), site_id: site.id, ts, received_at: ts, name: 'page_view' });
      e.visitor_id = `v${i}`;
      e.session_id = `v${i}-s`;
      e.path = path;
      e.host = 'alerted.example';
      return e;
    });
    await h.server.ctx.events.write({ events: views, raw: [], quarantine: [], drops: [] });
    const custom = page.getByRole('form', { name: 'New custom report' });
    await custom.getByLabel('Report name').fill('Pages by week');
    await custom.getByLabel('Visitors').uncheck();
    await custom.getByLabel('Broken down by').selectOption('page');
    await custom.getByLabel('Recipients').fill('analyst@partner.example');
    await custom.getByRole('button', { name: 'Add custom report' }).click();
    const customItem = page.getByTestId('report-item').filter({ hasText: 'Pages by week' });
    await expect.poll(() => customItem.textContent(), SLOW).toContain('Pages by week (weekly, CSV)');
    const stored = (await h.server.ctx.meta.reports.listBySite(site.id)).find((r) => r.name === 'Pages by week')!;
    expect(stored.query).toEqual({ metrics: ['pageviews'], dimensions: ['page'] });
    await customItem.getByRole('button', { name: 'Send now' }).click();
    await expect.poll(() => mails.length, SLOW).toBe(2);
    expect(mails[1]!.subject).toMatch(/^alerted\.example: Pages by week, /);
    expect(mails[1]!.attachments.map((a) => [a.contentType, a.content.toString('utf8').trim().split('\n')])).toEqual([
      ['text/csv', ['path,pageviews', '/a,3', '/b,2']],
    ]);
    await assertNothingRan(w);
  }, 120_000);

  it('shows the System page to an instance administrator and sends a system alert test', async () => {
    const w = await openWatched(h.browser);
    const { page } = w;
    await page.goto(`${h.url}/login`);
    await signIn(page, OWNER.email, OWNER.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System' }).click();
    await page.getByRole('heading', { name: 'System', level: 1 }).waitFor(SLOW);
    const deps = page.getByRole('region', { name: 'Dependencies' });
    await expect
      .poll(() => deps.getByRole('row').allTextContents(), SLOW)
      .toEqual(['DependencyStatusAnswer (ms)', expect.stringMatching(/^eventsUp[\d.]+$/), expect.stringMatching(/^metadataUp[\d.]+$/)]);
    await expect.poll(() => page.getByRole('region', { name: 'Storage' }).textContent(), SLOW).toContain('alerted.example');

    const form = page.getByRole('form', { name: 'New system alert' });
    await form.getByLabel('Alert name').fill('Ingest stuck');
    await form.getByLabel('Metric').selectOption('ingest_delay_seconds');
    await form.getByLabel('Above').fill('120');
    await form.getByLabel('Send to').selectOption('webhook');
    await form.getByLabel('Webhook URL').fill(`${hookUrl}-system`);
    await form.getByRole('button', { name: 'Add system alert' }).click();
    const item = page.getByTestId('system-alert-item').filter({ hasText: 'Ingest stuck' });
    await expect.poll(() => item.textContent(), SLOW).toContain('Ingest delay (seconds) above 120');
    const before = hits.length;
    await item.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => item.getByRole('status').textContent(), SLOW).toBe('webhook: sent');
    expect(hits).toHaveLength(before + 1);
    expect(JSON.parse(hits.at(-1)!.body)).toMatchObject({
      event: 'alert.test',
      alert: { name: 'Ingest stuck', metric: 'ingest_delay_seconds', threshold: 120 },
      site: { id: 'system' },
    });
    await screenshot(page, 'system-page');

    // Organizations: found by name, flagged a reseller with limits; the search and the edited one are in the URL.
    const orgs = page.getByRole('region', { name: 'Organizations' });
    await orgs.getByLabel('Find an organization').fill('alert');
    await orgs.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('org_q'), SLOW).toBe('alert');
    await orgs.getByRole('button', { name: 'Edit Alerters' }).click();
    const orgForm = page.getByRole('form', { name: 'Reseller settings of Alerters' });
    await orgForm.waitFor(SLOW);
    const orgId = new URL(page.url()).searchParams.get('org')!;
    await orgForm.getByLabel('Reseller (manages client organizations)').check();
    await orgForm.getByLabel('Clients at most').fill('4');
    await orgForm.getByLabel('Events a month per client at most').fill('25000');
    await orgForm.getByRole('button', { name: 'Save Alerters' }).click();
    await expect.poll(() => orgForm.count(), SLOW).toBe(0);
    await expect
      .poll(() => orgs.getByRole('row').allTextContents(), SLOW)
      .toEqual(['OrganizationResellerClientsSitesHard limitActions', expect.stringMatching(/^AlertersYes0 \/ 4\d+—Edit Alerters$/)]);
    expect(await h.server.ctx.meta.tenancy.get(orgId)).toMatchObject({
      is_reseller: true,
      max_sub_organizations: 4,
      max_sites_per_sub_org: null,
      max_events_per_sub_org: 25_000,
    });
    expect((await h.server.ctx.meta.auditLog.list(orgId, { limit: 5 })).map((e) => e.action)).toContain('organization.tenancy_updated');
    await screenshot(page, 'system-page-organizations');
    await assertNothingRan(w);
  }, 120_000);
});
