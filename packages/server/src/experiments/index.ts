export { ExperimentService } from './service';
export { experimentResults, SRM_THRESHOLD } from './results';
export { assignmentUnit, bucketOf, servedVariant, variantFor } from './assign';
export { assignments, exposureEventId, ServedExperiments } from './exposure';
export {
  alwaysValidPValue,
  chiSquareSurvival,
  normalCdf,
  probabilityToBeat,
  relativeUplift,
  revenueComparison,
  sampleRatioMismatch,
  twoProportionPValue,
} from './statistics';
