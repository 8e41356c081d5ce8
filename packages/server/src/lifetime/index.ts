export { LifetimeService, type PersonLifetime, type ProfileLifetime } from './service';
export {
  predict,
  trainLifetime,
  auc,
  youdenThreshold,
  HOLDOUT_DAYS,
  LAPSE_DAYS,
  LEAD_DAYS,
  LTV_PERIODS,
  DISCOUNT_PER_PERIOD,
  type PersonPrediction,
} from './model';
export { bgnbdLogLikelihood, fitBgNbd, pAlive, pReturnWithin, expectedTransactions, type BgNbdParams, type RepeatSummary } from './bgnbd';
export { fitGammaGamma, expectedSpend, populationMeanSpend, type GammaGammaParams } from './gamma-gamma';
export { summarize, groupByPerson, type PersonSummary } from './summary';
