import type { DashboardStats, OrgBranding, ReportFrequency, ResultRow } from '@tidemark/core';
import { brandBannerHtml } from '../tenancy';
import { CHART_CID, CHART_HEIGHT, CHART_WIDTH } from './chart';

/** One report's numbers, read through the stats service for the period. */
export interface ReportData {
  domain: string;
  frequency: ReportFrequency;
  start: string;
  end: string;
  overview: DashboardStats;
  pages: ResultRow[];
  sources: ResultRow[];
  goals: ResultRow[];
  /** Visitors per hour (daily) or per day (weekly), oldest first: the inline chart. */
  series: number[];
  dashboardUrl: string;
  unsubscribeUrl: string;
  /** The site's organization's branding (its reseller's for a client). */
  brand: OrgBranding;
}

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const KPIS: Array<{ metric: string; label: string; format: (n: number) => string }> = [
  { metric: 'visitors', label: 'Visitors', format: (n) => Math.round(n).toLocaleString('en-US') },
  { metric: 'pageviews', label: 'Pageviews', format: (n) => Math.round(n).toLocaleString('en-US') },
  { metric: 'bounce_rate', label: 'Bounce rate', format: (n) => `${Math.round(n)}%` },
  { metric: 'avg_duration', label: 'Visit duration', format: (n) => `${Math.floor(n / 60)}m ${Math.round(n % 60)}s` },
];

const change = (c: number | null) => (c === null ? '' : `${c > 0 ? '+' : ''}${Math.round(c)}%`);

/** The chart's text alternative: what it shows, and its highest bar. */
export function chartAlt(d: ReportData): string {
  return `Visitors per ${d.frequency === 'daily' ? 'hour' : 'day'} (highest: ${Math.max(0, ...d.series).toLocaleString('en-US')})`;
}

export function reportSubject(d: ReportData): string {
  return `${d.domain}: ${d.frequency} report, ${d.start === d.end ? d.start : `${d.start} – ${d.end}`}`;
}

/** The plain-text version. */
export function reportText(d: ReportData): string {
  const lines = [reportSubject(d), ''];
  for (const k of KPIS) {
    const m = d.overview.metrics[k.metric];
    if (m) lines.push(`${k.label}: ${k.format(m.value)} ${change(m.change)}`.trim());
  }
  const list = (title: string, rows: ResultRow[], key: string, metric: string) => {
    if (!rows.length) return;
    lines.push('', `${title}:`);
    for (const r of rows) lines.push(`  ${String(r[key] ?? '')} — ${r[metric] ?? 0}`);
  };
  list('Top pages', d.pages, 'path', 'visitors');
  list('Top sources', d.sources, 'name', 'visitors');
  list('Goals', d.goals, 'name', 'conversions');
  lines.push('', `Dashboard: ${d.dashboardUrl}`, `Unsubscribe: ${d.unsubscribeUrl}`, '', `Sent by ${d.brand.product_name}`);
  return lines.join('\n');
}

/**
 * The HTML version: tables and inline styles only (what mail clients render alike), every tracked
 * string escaped, no scripts; the chart is a part of the message (cid), the organization's logo its one
 * remote image.
 */
export function reportHtml(d: ReportData): string {
  const cell = 'padding:6px 10px;border-bottom:1px solid #e5e7eb;font:14px Arial,sans-serif;';
  const kpis = KPIS.map((k) => {
    const m = d.overview.metrics[k.metric];
    if (!m) return '';
    const c = change(m.change);
    const color = m.change === null ? '#6b7280' : m.change >= 0 !== (k.metric === 'bounce_rate') ? '#15803d' : '#b91c1c';
    return `<td style="padding:10px 14px;border:1px solid #e5e7eb;font:13px Arial,sans-serif;"><div style="color:#6b7280">${esc(k.label)}</div><div style="font-size:22px;font-weight:bold" data-kpi="${esc(k.metric)}">${esc(k.format(m.value))}</div><div style="color:${color}">${esc(c)}</div></td>`;
  }).join('');
  const table = (title: string, rows: ResultRow[], key: string, metric: string, metricLabel: string) =>
    rows.length
      ? `<h3 style="font:bold 15px Arial,sans-serif;margin:18px 0 6px">${esc(title)}</h3><table role="presentation" cellspacing="0" style="border-collapse:collapse;width:100%">${rows
          .map(
            (r) => `<tr><td style="${cell}">${esc(r[key] ?? '')}</td><td style="${cell}text-align:right">${esc(r[metric] ?? 0)}</td></tr>`,
          )
          .join(
            '',
          )}<tr><td style="${cell}color:#6b7280">&nbsp;</td><td style="${cell}color:#6b7280;text-align:right">${esc(metricLabel)}</td></tr></table>`
      : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(reportSubject(d))}</title></head>
<body style="margin:0;padding:16px;background:#f6f7f9"><table role="presentation" cellspacing="0" style="max-width:640px;margin:0 auto;background:#fff;border:1px solid #e5e7eb;border-collapse:collapse"><tr><td>${brandBannerHtml(d.brand)}</td></tr><tr><td style="padding:18px">
<h2 style="font:bold 18px Arial,sans-serif;margin:0 0 12px">${esc(reportSubject(d))}</h2>
<table role="presentation" cellspacing="0" style="border-collapse:collapse"><tr>${kpis}</tr></table>
<p style="margin:14px 0 0"><img src="cid:${CHART_CID}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" alt="${esc(chartAlt(d))}" style="display:block;max-width:100%;height:auto;border:0"></p>
<p style="font:12px Arial,sans-serif;color:#6b7280">Change against the ${d.frequency === 'daily' ? 'day' : 'week'} before.</p>
${table('Top pages', d.pages, 'path', 'visitors', 'visitors')}${table('Top sources', d.sources, 'name', 'visitors', 'visitors')}${table('Goals', d.goals, 'name', 'conversions', 'conversions')}
<p style="font:14px Arial,sans-serif;margin-top:18px"><a href="${esc(d.dashboardUrl)}">Open the dashboard</a></p>
<p style="font:12px Arial,sans-serif;color:#6b7280">You get this ${esc(d.frequency)} report for ${esc(d.domain)}. <a href="${esc(d.unsubscribeUrl)}">Unsubscribe</a></p>
<p style="font:12px Arial,sans-serif;color:${d.brand.primary_color}">Sent by ${esc(d.brand.product_name)}</p>
</td></tr></table></body></html>`;
}
