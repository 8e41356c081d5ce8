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
