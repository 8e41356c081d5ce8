import { badRequest, notFound, parseInput, reportInputSchema, type OrgBranding, type Report, type ReportFrequency } from '@tidemark/core';
import { brandMail, type Mailer } from '../auth';
import { brandingFor } from '../tenancy';
import { GoalService } from '../goals';
import { MAX_REPORTS_PER_SITE, type MetaStore, type SiteRecord } from '../meta';
import type { ServerKeys } from '../secrets';
import { addDays, localDate, type StatsService } from '../stats';
import { reportHtml, reportSubject, reportText, type ReportData } from './render';
import { barChartPng, CHART_CID } from './chart';
import { customMail, customParams, customPeriod } from './custom';

const UNSUBSCRIBE = 'report-unsubscribe';
const UNSUBSCRIBE_VALID_MS = 400 * 86_400_000;

export interface ReportServiceOptions {
  meta: MetaStore;
  stats: StatsService;
  keys: ServerKeys;
  mailer: Mailer;
  /** The origin links in mails point to (TIDEMARK_PUBLIC_URL, else this server's address). */
  baseUrl: () => string;
  now?: () => number;
}

/** The last whole period before `now` in the site's zone: yesterday, or last Monday–Sunday. */
export function lastPeriod(frequency: ReportFrequency, now: number, tz: string): { start: string; end: string } {
  const today = localDate(now, tz);
  if (frequency === 'daily') return { start: addDays(today, -1), end: addDays(today, -1) };
  const dow = new Date(`${today}T00:00:00Z`).getUTCDay();
  const monday = addDays(today, -((dow + 6) % 7));
  return { start: addDays(monday, -7), end: addDays(monday, -1) };
}

/**
 * Scheduled email reports (InsightHub PRD §4.7.1): each report mails its site's last whole day or week
 * to every recipient — one message each, with a one-click unsubscribe link of their own — once per
 * period (the job checks every 15 minutes).
 */
export class ReportService {
  private readonly now: () => number;

  constructor(private readonly o: ReportServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  list(site: SiteRecord): Promise<Report[]> {
    return this.o.meta.reports.listBySite(site.id);
  }

  async create(site: SiteRecord, body: unknown, createdBy: string | null): Promise<Report> {
    const input = parseInput(reportInputSchema, body ?? {});
    if ((await this.o.meta.reports.count(site.id)) >= MAX_REPORTS_PER_SITE)
      throw badRequest('too_many_reports', `A site has at most ${MAX_REPORTS_PER_SITE} reports`);
    const dims = input.query?.dimensions ?? [];
    if (new Set(dims).size !== dims.length) throw badRequest('invalid_query', 'query.dimensions: each dimension once');
    // The saved query is run once now: a combination the stats engine refuses is a 400 here, not a failing mail later.
    if (input.query) {
      const statsSite = await new GoalService(this.o.meta, this.o.stats).statsSite(site);
      await this.o.stats.dashboard(statsSite, customParams(input.query, lastPeriod(input.frequency, this.now(), site.timezone)));
    }
    const custom = input.query ? { name: input.name ?? '', query: input.query, attachment: input.attachment ?? ('csv' as const) } : null;
    return this.o.meta.reports.create(site.id, input.frequency, [...new Set(input.recipients)], createdBy, this.now(), custom);
  }

  async remove(site: SiteRecord, id: string): Promise<void> {
    if (id.length > 64 || !(await this.o.meta.reports.delete(site.id, id))) throw notFound('Report');
  }

  private async data(
    site: SiteRecord,
    report: Report,
    period: { start: string; end: string },
    email: string,
    brand: OrgBranding,
  ): Promise<ReportData> {
    const statsSite = await new GoalService(this.o.meta, this.o.stats).statsSite(site);
    const base = { period: 'custom', start_date: period.start, end_date: period.end };
    const [overview, pages, sources, goals] = await Promise.all([
      this.o.stats.dashboard(statsSite, {
        ...base,
        metrics: 'visitors,pageviews,bounce_rate,avg_duration',
        compare: 'true',
        interval: report.frequency === 'daily' ? 'hour' : 'day',
      }),
      this.o.stats.dashboard(statsSite, { ...base, metrics: 'visitors', dimensions: 'page', limit: '5', compare: 'false' }),
      this.o.stats.dashboard(statsSite, { ...base, metrics: 'visitors', dimensions: 'source', limit: '5', compare: 'false' }),
      statsSite.goals?.length
        ? this.o.stats.dashboard(statsSite, { ...base, metrics: 'conversions', dimensions: 'goal', limit: '5', compare: 'false' })
        : null,
    ]);
    return {
      domain: site.domain,
      frequency: report.frequency,
      start: period.start,
      end: period.end,
      overview,
      pages: Object.values(pages.dimensions)[0] ?? [],
      sources: Object.values(sources.dimensions)[0] ?? [],
      goals: goals ? (Object.values(goals.dimensions)[0] ?? []) : [],
      series: overview.timeseries.map((r) => Number(r.visitors ?? 0)),
      dashboardUrl: `${this.o.baseUrl()}/sites/${site.id}?period=custom&from=${period.start}&to=${period.end}`,
      unsubscribeUrl: this.unsubscribeUrl(report, email),
      brand,
    };
  }

  private unsubscribeUrl(report: Report, email: string): string {
    const token = this.o.keys.sign(UNSUBSCRIBE, { r: report.id, e: email }, this.now() + UNSUBSCRIBE_VALID_MS);
    return `${this.o.baseUrl()}/api/reports/unsubscribe?token=${encodeURIComponent(token)}`;
  }

  /** A custom report: the saved query run once for its period, its answer attached to each recipient's mail. */
  private async sendCustom(site: SiteRecord, report: Report, own: { start: string; end: string }): Promise<number> {
    const query = report.query!;
    const period = customPeriod(query, own, this.now(), site.timezone);
    const statsSite = await new GoalService(this.o.meta, this.o.stats).statsSite(site);
    const stats = await this.o.stats.dashboard(statsSite, customParams(query, period));
    const dashboardUrl = `${this.o.baseUrl()}/sites/${site.id}?period=custom&from=${period.start}&to=${period.end}`;
    const brand = await brandingFor(this.o.meta, site.org_id);
    let sent = 0;
    for (const to of report.recipients) {
      const mail = customMail(report, site.domain, stats, { dashboardUrl, unsubscribeUrl: this.unsubscribeUrl(report, to) }, brand);
      if (await this.o.mailer.send(brandMail({ to, ...mail }, brand))) sent++;
    }
    return sent;
  }

  /** Mails the report for `period` to every recipient; how many messages went out. */
  async send(site: SiteRecord, report: Report, period = lastPeriod(report.frequency, this.now(), site.timezone)): Promise<number> {
    if (report.query) return this.sendCustom(site, report, period);
    // Reports go out in the organization's brand (its reseller's for a client), like its invitations.
    const brand = await brandingFor(this.o.meta, site.org_id);
    let sent = 0;
    for (const to of report.recipients) {
      const d = await this.data(site, report, period, to, brand);
      const ok = await this.o.mailer.send(
        brandMail(
          {
            to,
            subject: reportSubject(d),
            text: reportText(d),
            html: reportHtml(d),
            headers: { 'List-Unsubscribe': `<${d.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
            attachments: [{ filename: 'visitors.png', content: barChartPng(d.series), contentType: 'image/png', cid: CHART_CID }],
          },
          brand,
        ),
      );
      if (ok) sent++;
    }
    return sent;
  }

  async sendNow(site: SiteRecord, id: string): Promise<{ sent: number }> {
    const report = (await this.o.meta.reports.listBySite(site.id)).find((r) => r.id === id);
    if (!report) throw notFound('Report');
    return { sent: await this.send(site, report) };
  }

  /** Every report whose last whole period has not been mailed yet (the job). */
  async runDue(now = this.now(), onError: (err: unknown) => void = () => {}): Promise<number> {
    let mailed = 0;
    for (const report of await this.o.meta.reports.listAll()) {
      try {
        const site = await this.o.meta.sites.byId(report.site_id);
        if (!site || !report.recipients.length) continue;
        const period = lastPeriod(report.frequency, now, site.timezone);
        if (report.last_period !== null && report.last_period >= period.start) continue;
        // Marked first: a failing mail server must not mean a report mailed every 15 minutes.
        await this.o.meta.reports.markSent(report.id, period.start);
        mailed += await this.send(site, report, period);
      } catch (err) {
        onError(err);
      }
    }
    return mailed;
  }

  /** The one-click unsubscribe: the token names the report and the address; true when it was on the list. */
  async unsubscribe(token: string): Promise<{ domain: string; email: string; removed: boolean }> {
    const p = token.length <= 1000 ? this.o.keys.verify<{ r: string; e: string }>(UNSUBSCRIBE, token, this.now()) : null;
    if (!p) throw badRequest('invalid_token', 'This unsubscribe link is not valid');
    const report = await this.o.meta.reports.byId(p.r);
    const site = report ? await this.o.meta.sites.byId(report.site_id) : null;
    if (!report || !site) return { domain: '', email: p.e, removed: false };
    const left = report.recipients.filter((r) => r !== p.e);
    if (left.length !== report.recipients.length) await this.o.meta.reports.setRecipients(report.id, left);
    return { domain: site.domain, email: p.e, removed: left.length !== report.recipients.length };
  }
}
