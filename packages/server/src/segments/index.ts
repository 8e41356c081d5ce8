export { SegmentService, type SegmentDeps } from './service';
export { withKeyPages } from './scorer';
export { labelSite, labelAll, type LabelsRun } from './labels';
export { scheduleSegments } from './job';
export {
  trainSegments,
  matchCentroids,
  assign,
  MIN_PEOPLE,
  TooFewPeopleError,
  type SegmentModelData,
  type TrainPerson,
  type TrainOptions,
} from './model';
export { vectorOf, featureNames, BASE_FEATURES, type KeyPage } from './features';
export { silhouette, kmeans, seededRandom } from './kmeans';
export { segmentDepsOf } from './deps';
export { siteProfileScorer, type SiteProfileScorer } from './profile-scorer';
