export {
  RevenueService,
  revenueSettingsSchema,
  maskEmail,
  STRIPE_CONTRACT,
  WEBHOOK_TOLERANCE_S,
  type RevenueSettingsPatch,
} from './service';
export { RevenueStore } from './store';
export { issueAttributionId, verifyAttributionId, ATTRIBUTION_TTL_MS, type AttributionRef } from './attribution-token';
export { monthlyMinor, mrrAt, mrrMovements, type MrrMovement, type SubscriptionState } from './mrr';
export { foldTransactions, subscriptionStates, type StoredFact } from './fold';
export { factsOf, HANDLED_TYPES } from './stripe-facts';
export { revenueReport, type RevenueReport, type RevenueReportDeps, type Traffic, UNATTRIBUTED } from './report';
export { statsTraffic, TrafficCache } from './traffic';
export { ensureCredits, CreditWatch, CREDIT_LOOKBACK_MS } from './credits';
export { CreditAggregates } from './credit-aggregates';
export { attribute, allocate, modelWeights, ATTRIBUTION_MODELS, type AttributionModel, type Touchpoint } from './attribution';
export { RateTable, parseRates, parseEcbXml, parseRatesCsv, minorDigits } from './rates';
export { fetchRates, scheduleRatesFetch, type RatesFetchOptions } from './rates-fetch';
