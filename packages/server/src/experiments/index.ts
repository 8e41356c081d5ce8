export { ExperimentService } from './service';
export { experimentResults } from './results';
export { assignmentUnit, variantFor } from './assign';
export { assignments, ServedExperiments } from './exposure';
