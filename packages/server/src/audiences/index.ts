export { AudienceService, WATERMARK_LAG_MS, type AudienceServiceOptions } from './service';
export { AudienceLifecycle } from './lifecycle';
export { scheduleAudiences } from './job';
export { membersCsv } from './csv';
export { satisfies, diffMembership, changesWithTime, joinsWithoutEvents, emailOf } from './evaluate';
