export { Metrics, type IngestBacklog } from './metrics';
export { instrumentWrites } from './instrument';
export { JobMonitor, RecentErrors } from './jobs';
