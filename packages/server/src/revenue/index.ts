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
