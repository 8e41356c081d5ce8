export { runExperimentCounts, type ExperimentVariantCounts } from './run';
export { compileExperimentMembers, compileExperimentSessions, type ExperimentCountsQuery } from './compile';
