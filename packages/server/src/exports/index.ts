export {
  EXPORT_FORMATS,
  splitFormat,
  statsTable,
  tableCsv,
  statsXml,
  renderStats,
  safeCell,
  type ExportFormat,
  type Table,
  type RenderedFile,
} from './format';
export {
  writeSiteExport,
  parseSiteExportParams,
  siteExportParamsSchema,
  EXPORT_REPORTS,
  type SiteExportParams,
  type SiteExportSource,
  type SiteExportSummary,
} from './site-export';
export { siteExportSource, checkExportRange } from './source';
