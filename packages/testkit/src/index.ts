export { generateTraffic, generateTrafficBatches, generateChunks, type TrafficOptions } from './traffic';
export { toColumns, type EventColumns } from './columns';
export { channelOf, sourceOf, referrerDomainOf, knownSourceName } from './channel';
export { userAgentFor, type Device } from './catalog/tech';
export { Prng, Weighted } from './prng';
export { uuidv7, uuidv7Time } from './uuid';
export { generateSegmentPeople, SEGMENT_ARCHETYPES, type SegmentPeople } from './segment-people';
