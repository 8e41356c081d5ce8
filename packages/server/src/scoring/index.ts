export { ScoringService } from './service';
export { scoreOf, scoredGoals, rulesScorer } from './score';
export { LeadModelService, scheduleLeadModelRetraining } from './models';
export {
  MAX_TRAIN_ROWS,
  trainLeadModel,
  modelScoreOf,
  modelScorer,
  probability,
  type LeadModel,
  type TrainingSet,
  type TrainedLeadModel,
} from './model';
export { auc, precisionRecall, calibrationBins } from './metrics';
export { featureNamesFor, vectorOf } from './vector';
