export { Lifecycle, total, type LifecycleOptions, type LifecycleTargets, type RetentionReport, type PurgeReport } from './lifecycle';
export { formatRetentionReport } from './report';
