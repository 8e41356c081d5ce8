import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent, reportSchema, type CanonicalEvent } from '@tidemark/core';
import { parse as parseCsv } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { barLayout, CHART_BASELINE, CHART_CID, CHART_HEIGHT, CHART_WIDTH, lastPeriod } from '../src/reports';
import { Client } from './helpers/accounts';
import { startTestServer } from './helpers/server';

/**
 * Scheduled email reports on a real server, mailed to a real SMTP server started here and parsed:
 * the KPIs and top pages of yesterday as counted here, links on TIDEMARK_PUBLIC_URL, one mail per
 * recipient (outside the organization too) and period, and a one-click unsubscribe without login.
 */
type Srv = Awaited<ReturnType<typeof startTestServer>>;
let srv: Srv;
let owner: Client;
let site: { id: string; domain: string };
let smtp: SMTPServer;
const mails: ParsedMail[] = [];
const PUBLIC = 'https://analytics.example.org';
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const Y = dayOf(Date.now() - 86_400_000);
const HOSTILE = '/<script>alert(1)</script>';
let written: CanonicalEvent[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, done) {
      simpleParser(stream, { keepCidLinks: true }).then((m) => {
        mails.push(m);
        done();
      }, done);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const port = (smtp.server.address() as AddressInfo).port;
  srv = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${port}` }, { TIDEMARK_PUBLIC_URL: PUBLIC });
  // With TIDEMARK_PUBLIC_URL set, changes are accepted from that origin only (what a browser there would send).
  owner = new Client(srv.url, { origin: PUBLIC });
  expect(
    (await owner.post('/api/auth/register', { email: 'owner@example.com', password: 'correct horse battery', org_name: 'Acme' })).status,
  ).toBe(201);
  site = (await owner.post('/api/sites', { domain: 'reported.example', timezone: 'UTC' })).body;
  written = Array.from({ length: 50 }, (_, i) => {
    const ts = Date.parse(`${Y}T08:00:00Z`) + i * 60_000;
    const e = emptyEvent({
      event_id: `90000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      site_id: site.id,
      ts,
      received_at: ts,
      name: 'page_view',
    });
    e.visitor_id = `v${i % 23}`;
    e.session_id = `v${i % 23}-s`;
    e.path = i % 5 === 0 ? HOSTILE : i % 2 ? '/pricing' : '/';
    e.host = 'reported.example';
    return e;
  });
  await srv.ctx.events.write({ events: written, raw: [], quarantine: [], drops: [] });
});

afterAll(async () => {
  await srv?.cleanup();
  await new Promise((r) => smtp?.close(() => r(null)));
});

describe('email reports', () => {
  it('mails yesterday’s numbers to each recipient once, with links on the public URL', async () => {
    const bad = await owner.post(`/api/sites/${site.id}/reports`, { frequency: 'hourly', recipients: ['a@example.com'] });
    expect(bad.status).toBe(400);
    const r = await owner.post(`/api/sites/${site.id}/reports`, {
      frequency: 'daily',
      recipients: ['owner@example.com', 'Boss@Partner.example'],
    });
    expect(r.status, r.text).toBe(201);
    const report = reportSchema.parse(r.body);
    expect(report.recipients).toEqual(['owner@example.com', 'boss@partner.example']);

    expect(await srv.ctx.reports.runDue()).toBe(2);
    expect(await srv.ctx.reports.runDue()).toBe(0); // once per period
    expect(mails).toHaveLength(2);
    const mail = mails.find((m) => (m.to as { text: string }).text === 'boss@partner.example')!;
    expect(mail.subject).toBe(`reported.example: daily report, ${Y}`);
    const html = String(mail.html);
    const visitors = new Set(written.map((e) => e.visitor_id)).size;
    expect(html).toContain(`data-kpi="visitors">${visitors}<`);
    expect(html).toContain(`data-kpi="pageviews">${written.length}<`);
    // Top pages with visitors as counted here; the tracked path is text, not markup.
    const perPage = (p: string) => new Set(written.filter((e) => e.path === p).map((e) => e.visitor_id)).size;
    expect(html).toContain(
      `/pricing</td><td style="padding:6px 10px;border-bottom:1px solid #e5e7eb;font:14px Arial,sans-serif;text-align:right">${perPage('/pricing')}<`,
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('/&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.text).toContain(`Visitors: ${visitors}`);
    // The chart: an inline PNG part the HTML refers to by its cid, decoded here with pngjs.
    const image = mail.attachments.find((a) => a.contentId === `<${CHART_CID}>` || a.cid === CHART_CID)!;
    expect(image).toBeDefined();
    expect(image.contentType).toBe('image/png');
    expect(image.contentDisposition).toBe('inline');
    expect(html).toContain(`src="cid:${CHART_CID}"`);
    const png = PNG.sync.read(image.content);
    expect([png.width, png.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    // Visitors per hour of yesterday, counted here: a bar just above the baseline exactly where there were visitors,
    // and the busiest hour's bar reaching the top of the plot.
    const perHour = Array.from(
      { length: 24 },
      (_, h) => new Set(written.filter((e) => new Date(e.ts).getUTCHours() === h).map((e) => e.visitor_id)).size,
    );
    const blue = (x: number, y: number) => {
      const i = (y * png.width + x) * 4;
      return png.data[i] === 37 && png.data[i + 1] === 99 && png.data[i + 2] === 235;
    };
    const bars = barLayout(perHour);
    expect(bars.map((b) => blue(Math.floor((b.x0 + b.x1) / 2), CHART_BASELINE - 1))).toEqual(perHour.map((v) => v > 0));
    const busiest = bars[perHour.indexOf(Math.max(...perHour))]!;
    const mid = Math.floor((busiest.x0 + busiest.x1) / 2);
    expect(blue(mid, CHART_BASELINE - busiest.height)).toBe(true);
    expect(blue(mid, CHART_BASELINE - busiest.height - 1)).toBe(false);
    expect(html).toContain(`alt="Visitors per hour (highest: ${Math.max(...perHour)})"`);
    expect(html).toContain(`href="${PUBLIC}/sites/${site.id}?period=custom&amp;from=${Y}&amp;to=${Y}"`);
    const unsubscribe = /href="([^"]+\/api\/reports\/unsubscribe\?token=[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    expect(unsubscribe.startsWith(`${PUBLIC}/api/reports/unsubscribe?token=`)).toBe(true);
    // List-Unsubscribe with its one-click POST (RFC 8058), as the mail parser reads them.
    expect(mail.headers.get('list')).toEqual({
      unsubscribe: { url: unsubscribe },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });

    // One click, no login: the path of the link on this server.
    const local = `${srv.url}${new URL(unsubscribe).pathname}${new URL(unsubscribe).search}`;
    const get = await fetch(local);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<button type="submit">Unsubscribe</button>');
    const post = await fetch(local, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('boss@partner.example will not get the report for reported.example any more.');
    expect((await owner.get(`/api/sites/${site.id}/reports`)).body.reports[0].recipients).toEqual(['owner@example.com']);
    const forged = await fetch(
      `${srv.url}/api/reports/unsubscribe?token=${encodeURIComponent(`${new URL(unsubscribe).searchParams.get('token')}x`)}`,
      { method: 'POST' },
    );
    expect(forged.status).toBe(400);

    // "Send now" mails the remaining recipient.
    const now = await owner.post(`/api/sites/${site.id}/reports/${report.id}/send`, {});
    expect(now.body).toEqual({ sent: 1 });
    expect(mails).toHaveLength(3);
  });

  it('custom reports: a saved query mailed as a CSV or JSON attachment, numbers as counted here', async () => {
    const base = { frequency: 'daily', recipients: ['analyst@partner.example'] };
    for (const bad of [
      { ...base, query: { metrics: ['visitors'] } }, // no name
      { ...base, name: 'x' }, // no query
      { ...base, name: 'x', query: { metrics: ['nonsense'] } },
      { ...base, name: 'x', query: { metrics: ['visitors'], dimensions: ['page', 'page'] } },
      { ...base, name: 'x', query: { metrics: ['visitors'] }, attachment: 'xlsx' },
    ]) {
      const r = await owner.post(`/api/sites/${site.id}/reports`, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.success).toBe(false);
    }
    const csv = await owner.post(`/api/sites/${site.id}/reports`, {
      ...base,
      name: 'Pages',
      query: { metrics: ['visitors', 'pageviews'], dimensions: ['page'] },
    });
    expect(csv.status, csv.text).toBe(201);
    expect(reportSchema.parse(csv.body)).toMatchObject({ name: 'Pages', attachment: 'csv', query: { dimensions: ['page'] } });
    const json = await owner.post(`/api/sites/${site.id}/reports`, {
      ...base,
      name: 'Week so far',
      query: { metrics: ['pageviews'], days: 7 },
      attachment: 'json',
    });
    expect(json.status, json.text).toBe(201);
    const empty = await owner.post(`/api/sites/${site.id}/reports`, {
      ...base,
      name: 'Nowhere',
      query: { metrics: ['visitors'], dimensions: ['page'], filters: [['is', 'page', ['/nowhere']]] },
    });
    expect(empty.status, empty.text).toBe(201);
    const before = mails.length;
    expect(await srv.ctx.reports.runDue()).toBe(3);
    const got = mails.slice(before);
    const pagesMail = got.find((m) => m.subject === `reported.example: Pages, ${Y}`)!;
    const file = pagesMail.attachments.find((a) => a.filename === `pages-${Y}-${Y}.csv`)!;
    expect(file.contentType).toBe('text/csv');
    const rows = parseCsv(file.content.toString('utf8'), { columns: true }) as Array<Record<string, string>>;
    const paths = [...new Set(written.map((e) => e.path))];
    const want = paths
      .map((p) => {
        const on = written.filter((e) => e.path === p);
        return { page: p, visitors: String(new Set(on.map((e) => e.visitor_id)).size), pageviews: String(on.length) };
      })
      .sort((a, b) => Number(b.visitors) - Number(a.visitors) || a.page.localeCompare(b.page));
    expect(
      rows
        .map((r) => ({ page: r.path, visitors: r.visitors, pageviews: r.pageviews }))
        .sort((a, b) => Number(b.visitors) - Number(a.visitors) || a.page!.localeCompare(b.page!)),
    ).toEqual(want);
    expect(pagesMail.text).toContain('/api/reports/unsubscribe?token=');
    const weekMail = got.find((m) => m.subject?.startsWith('reported.example: Week so far, '))!;
    const start = dayOf(Date.parse(`${Y}T00:00:00Z`) - 6 * 86_400_000);
    expect(weekMail.subject).toBe(`reported.example: Week so far, ${start} – ${Y}`);
    const answer = JSON.parse(weekMail.attachments[0]!.content.toString('utf8'));
    expect(weekMail.attachments[0]!.contentType).toBe('application/json');
    expect(answer.period).toMatchObject({ start, end: Y });
    const byDay = new Map<string, number>();
    for (const e of written) byDay.set(dayOf(e.ts), (byDay.get(dayOf(e.ts)) ?? 0) + 1);
    expect(
      answer.timeseries.map((r: { date: string; pageviews: number }) => [r.date, r.pageviews]).filter(([, n]: [string, number]) => n > 0),
    ).toEqual([...byDay]);
    // No row matched: the file still has its header line.
    const nowhere = got.find((m) => m.subject === `reported.example: Nowhere, ${Y}`)!;
    expect(nowhere.attachments[0]!.content.toString('utf8')).toBe('path,visitors\n');
    expect(await srv.ctx.reports.runDue()).toBe(0); // once per period
  });

  it('goes out in the organization’s brand: sender name, product name, logo, colour and closing text', async () => {
    const orgId = (await srv.ctx.meta.sites.byId(site.id))!.org_id;
    const brand = {
      product_name: 'Harbour Insights',
      email_sender_name: 'Harbour Agency',
      logo_url: 'https://brand.example/logo.png',
      primary_color: '#0a7e5c',
      email_footer: 'Harbour Agency, 1 Quay Street',
    };
    expect((await owner.request('PUT', `/api/orgs/${orgId}/branding`, brand)).status).toBe(200);
    const plain = await owner.post(`/api/sites/${site.id}/reports`, { frequency: 'daily', recipients: ['brand@partner.example'] });
    const custom = await owner.post(`/api/sites/${site.id}/reports`, {
      frequency: 'daily',
      recipients: ['brand-custom@partner.example'],
      name: 'Branded pages',
      query: { metrics: ['visitors'], dimensions: ['page'] },
    });
    expect(custom.status, custom.text).toBe(201);
    for (const r of [plain, custom])
      expect((await owner.post(`/api/sites/${site.id}/reports/${r.body.id}/send`, {})).body).toEqual({ sent: 1 });
    for (const to of ['brand@partner.example', 'brand-custom@partner.example']) {
      const mail = mails.find((m) => (m.to as { text: string }).text === to)!;
      expect(mail.from?.value[0]).toEqual({ name: 'Harbour Agency', address: expect.any(String) });
      expect(mail.text).toContain('Sent by Harbour Insights');
      expect(mail.text?.trimEnd().endsWith('Harbour Agency, 1 Quay Street')).toBe(true);
    }
    const html = String(mails.find((m) => (m.to as { text: string }).text === 'brand@partner.example')!.html);
    expect(html).toContain('data-brand="Harbour Insights" style="background:#0a7e5c');
    expect(html).toContain('<img src="https://brand.example/logo.png" alt="Harbour Insights"');
    expect(html).toContain('Sent by Harbour Insights');
    expect(html).not.toContain('Tidemark');
    expect(
      (
        await owner.request('PUT', `/api/orgs/${orgId}/branding`, {
          product_name: 'Tidemark',
          email_sender_name: '',
          logo_url: '',
          primary_color: '#1d4ed8',
          email_footer: '',
        })
      ).status,
    ).toBe(200);
  });

  it('weekly reports cover last Monday to Sunday in the site’s zone', () => {
    // Wednesday 2026-12-09 10:00 UTC: last week is Mon 2026-11-30 … Sun 2026-12-06.
    expect(lastPeriod('weekly', Date.UTC(2026, 11, 9, 10), 'UTC')).toEqual({ start: '2026-11-30', end: '2026-12-06' });
    // Monday 2026-12-07 03:00 UTC is still Sunday in Los Angeles: last week ends the Sunday before.
    expect(lastPeriod('weekly', Date.UTC(2026, 11, 7, 3), 'America/Los_Angeles')).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(lastPeriod('daily', Date.UTC(2026, 11, 7, 3), 'America/Los_Angeles')).toEqual({ start: '2026-12-05', end: '2026-12-05' });
  });
});
