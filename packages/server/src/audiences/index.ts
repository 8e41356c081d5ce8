export { AudienceService, type AudienceServiceOptions } from './service';
export { WATERMARK_LAG_MS } from './pass';
export { AudienceLifecycle } from './lifecycle';
export { scheduleAudiences } from './job';
export { membersCsv } from './csv';
export { satisfies, diffMembership, changesWithTime, joinsWithoutEvents, emailOf } from './evaluate';
