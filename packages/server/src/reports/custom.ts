import type { DashboardStats, MailBrand, Report, ReportQuery } from '@tidemark/core';
import { renderStats } from '../exports';
import { addDays, localDate } from '../stats';
import type { MailMessage } from '../auth';

/** A custom report's period: its last `days` whole days up to yesterday, else the report's own period. */
export function customPeriod(
  query: ReportQuery,
  own: { start: string; end: string },
  now: number,
  tz: string,
): { start: string; end: string } {
  if (!query.days) return own;
  const yesterday = addDays(localDate(now, tz), -1);
  return { start: addDays(yesterday, -(query.days - 1)), end: yesterday };
}

/** The stats parameters of the saved query for the period. */
export function customParams(query: ReportQuery, period: { start: string; end: string }): Record<string, string> {
  return {
    period: 'custom',
    start_date: period.start,
    end_date: period.end,
    metrics: query.metrics.join(','),
    ...(query.dimensions?.length ? { dimensions: query.dimensions.join(','), limit: String(query.limit ?? 100) } : {}),
    ...(query.filters?.length ? { filters: JSON.stringify(query.filters) } : {}),
    compare: 'false',
  };
}

/** The mail of a custom report: a short note, the answer attached as CSV or JSON, the unsubscribe link. */
export function customMail(
  report: Report,
  domain: string,
  stats: DashboardStats,
  links: { dashboardUrl: string; unsubscribeUrl: string },
  brand: MailBrand,
): Omit<MailMessage, 'to'> {
  const name = report.name ?? 'Custom report';
  const file = renderStats(stats, report.attachment ?? 'csv', name.toLowerCase());
  const range = stats.period.start === stats.period.end ? stats.period.start : `${stats.period.start} – ${stats.period.end}`;
  const subject = `${domain}: ${name}, ${range}`;
  return {
    subject,
    text: [
      subject,
      '',
      `Attached: ${file.filename} (${(report.attachment ?? 'csv').toUpperCase()}), ${report.query?.metrics.join(', ')}${
        report.query?.dimensions?.length ? ` by ${report.query.dimensions.join(', ')}` : ' over time'
      }.`,
      '',
      `Dashboard: ${links.dashboardUrl}`,
      `Unsubscribe: ${links.unsubscribeUrl}`,
      '',
      `Sent by ${brand.product_name}`,
    ].join('\n'),
    headers: { 'List-Unsubscribe': `<${links.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    attachments: [{ filename: file.filename, content: file.body, contentType: file.contentType }],
  };
}
