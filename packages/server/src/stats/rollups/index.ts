// The stats rollups (README.md): precomputed rows that only ever make a report faster, never change it.
export { openSessionParts, openPathSessions, openVisitorHours, storeHasRollups, type SessionZones } from './open';
export { SessionPartsRollup, type SessionPartsOptions, type SessionPartsRun } from './job';
export { compilePartsBuild, partsCover, partsEventRows, partsSessionSubquery, type PartsSessionNeeds } from './session-parts';
export { marksServe, marksFallbackVisitors, marksFallbackFragments, marksRows, type MarksShape, type MarksQuery } from './session-marks';
export { collapseSteps, pathSessionsLabelled, type PathSessionsRead } from './path-sessions';
export { onWholeHours, visitorHoursRows, VISITOR_HOURS_WATERMARK_SQL } from './visitor-hours';
