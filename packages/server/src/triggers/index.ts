export { TriggerService, type TriggerServiceDeps } from './service';
export { TriggerLifecycle } from './lifecycle';
export { scheduleTriggers } from './job';
export type { EngineOptions, PassSummary, DeliverSummary } from './engine';
