export type {
  ActionPerson,
  ActionSpec,
  ActionType,
  DeliveryContext,
  DeliveryResult,
  DestinationsApi,
  ListChange,
  ListProvider,
} from './types';
export { Destinations, createDestinations, type DestinationsOptions } from './service';
export { SiteConnectionStore, CONNECTION_PROVIDERS } from './connections';
export { SIGNATURE_HEADER, TIMESTAMP_HEADER, IDEMPOTENCY_HEADER, webhookPayload } from './webhook';
export { renderTemplate, checkTemplate, type TemplateView } from './templates';
export { HUBSPOT_BATCH, DEFAULT_HUBSPOT_PROPERTIES } from './hubspot';
export { KLAVIYO_REVISION, KLAVIYO_IMPORT_BATCH, KLAVIYO_IMPORT_BYTES, KLAVIYO_LOOKUP_BATCH } from './klaviyo';
