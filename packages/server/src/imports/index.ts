export { ImportService, importIdOf, publicImportJob, type ImportServiceOptions, type StartImport } from './service';
export { ImportError } from './errors';
export { parsePlausibleZip, parsePlausibleFiles, plausibleTableOf, PLAUSIBLE_TABLES, type ParsedAggregates } from './plausible';
export { parseEventCsv, parseEventCsvFile, parseUmamiExport, parseTime, type ParsedEvents } from './event-csv';
export { toCanonicalEvents, deterministicUuidV7, type ImportedEventRow } from './events';
export { readZip, looksLikeZip, DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip';
