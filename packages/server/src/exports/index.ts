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
