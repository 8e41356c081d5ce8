import {
  frustrationParamsSchema,
  frustrationReportSchema,
  heatmapParamsSchema,
  heatmapReportSchema,
  screenshotParamsSchema,
  vitalsParamsSchema,
  vitalsReportSchema,
  errorsParamsSchema,
  errorsReportSchema,
} from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';

/** Behaviour: heatmaps of a page and frustration signals (rage, dead and error clicks) by page. */
export const behaviourOpenApi: OpenApiSection = (t) => {
  const heatmap = t.schema('HeatmapReport', heatmapReportSchema, 'output');
  const frustration = t.schema('FrustrationReport', frustrationReportSchema, 'output');
  const heatmapOp = (tag: string, operationId: string) => ({
    operationId,
    tags: [tag],
    summary: 'Heatmap of a page (InsightHub PRD §7.2.7)',
    description:
      'Click and move maps as grid cells (x: hundredths of the page width drawn at the viewport class reference width, y: 10 px rows from the top), ' +
      'the scroll map as the share of page views reaching each depth in 5 % steps, and the most clicked elements with their rage, dead and error clicks. ' +
      'Viewport classes: desktop ≥ 1024 px, tablet 768–1023, mobile < 768. Days are UTC days.',
    parameters: [t.siteParam, ...t.parameters(heatmapParamsSchema)],
    responses: { 200: t.json(heatmap), ...t.errors(400, 401, 403, 404, 429) },
  });
  const frustrationOp = (tag: string, operationId: string) => ({
    operationId,
    tags: [tag],
    summary: 'Pages by rage, dead and error clicks',
    parameters: [t.siteParam, ...t.parameters(frustrationParamsSchema)],
    responses: { 200: t.json(frustration), ...t.errors(400, 401, 403, 404, 429) },
  });
  const vitals = t.schema('VitalsReport', vitalsReportSchema, 'output');
  const vitalsOp = (tag: string, operationId: string) => ({
    operationId,
    tags: [tag],
    summary: 'Web vitals: LCP, INP, CLS, FCP, TTFB',
    description:
      'p50, p75 and p95 of each metric over the page_performance events of the period (site timezone), rated by the p75 with the web.dev thresholds (`thresholds`), per day, for the worst pages (highest LCP p75), by device and by country.',
    parameters: [t.siteParam, ...t.parameters(vitalsParamsSchema)],
    responses: { 200: t.json(vitals), ...t.errors(400, 401, 403, 404, 429) },
  });
  const errors = t.schema('ErrorsReport', errorsReportSchema, 'output');
  const errorsOp = (tag: string, operationId: string) => ({
    operationId,
    tags: [tag],
    summary: 'JavaScript errors grouped by fingerprint',
    description:
      'error_occurred events of the period (site timezone) grouped by their fingerprint: occurrences, affected visitors, first and last seen, pages, browsers and a daily trend; most frequent first.',
    parameters: [t.siteParam, ...t.parameters(errorsParamsSchema)],
    responses: { 200: t.json(errors), ...t.errors(400, 401, 403, 404, 429) },
  });
  const screenshotOp = (tag: string, operationId: string) => ({
    operationId,
    tags: [tag],
    summary: 'Screenshot of a page for its heatmap (PNG)',
    description:
      "Chromium at the viewport class's reference width, the full page up to 12,000 px, cached a week (refresh=true takes it again; members and up). Only pages on the site's domain or allowed hosts; pages on private, loopback or link-local addresses are refused (400 private_address) unless the administrator allowed them. 404 screenshots_off without Chromium; 502 screenshot_failed when the page cannot be captured (its host does not resolve, or it fails to load in time).",
    parameters: [t.siteParam, ...t.parameters(screenshotParamsSchema)],
    responses: {
      200: { description: 'The PNG', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
      ...t.errors(400, 401, 403, 404, 429, 502),
    },
  });
  return {
    '/api/sites/{id}/heatmaps/screenshot': { get: screenshotOp('Dashboard', 'dashboardHeatmapScreenshot') },
    '/v1/sites/{id}/heatmaps/screenshot': { get: screenshotOp('Public API', 'siteHeatmapScreenshot') },
    '/api/sites/{id}/errors': { get: errorsOp('Dashboard', 'dashboardErrors') },
    '/v1/sites/{id}/errors': { get: errorsOp('Public API', 'siteErrors') },
    '/api/sites/{id}/vitals': { get: vitalsOp('Dashboard', 'dashboardVitals') },
    '/v1/sites/{id}/vitals': { get: vitalsOp('Public API', 'siteVitals') },
    '/api/sites/{id}/heatmaps': { get: heatmapOp('Dashboard', 'dashboardHeatmap') },
    '/v1/sites/{id}/heatmaps': { get: heatmapOp('Public API', 'siteHeatmap') },
    '/api/sites/{id}/frustration': { get: frustrationOp('Dashboard', 'dashboardFrustration') },
    '/v1/sites/{id}/frustration': { get: frustrationOp('Public API', 'siteFrustration') },
  };
};
