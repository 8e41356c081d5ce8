export { generateTraffic, generateTrafficBatches, generateChunks, type TrafficOptions } from './traffic';
export { toColumns, type EventColumns } from './columns';
export { channelOf, sourceOf, referrerDomainOf, knownSourceName } from './channel';
export { userAgentFor, type Device } from './catalog/tech';
export { buildPages, type Page, type PageKind } from './catalog/pages';
export { Prng, Weighted } from './prng';
export { generateLeadTraffic, type LeadTrafficOptions, type LeadPerson } from './leads';
export { uuidv7, uuidv7Time } from './uuid';
export {
  generateLifetimeWorld,
  gammaSample,
  betaSample,
  LIFETIME_WORLD,
  LIFETIME_LAPSE_DAYS,
  type LifetimeWorld,
  type LifetimeTruth,
  type LifetimePayment,
  type LifetimeOptions,
} from './lifetime';
export { generateSegmentPeople, SEGMENT_ARCHETYPES, type SegmentPeople } from './segment-people';
